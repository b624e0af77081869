import { execFile } from 'node:child_process';
import { InvalidScriptError } from '../errors';

/**
 * Python scripts run on the worker's own `python3` with its standard library only: nothing is
 * installed for them. A top-level import of anything else fails the deploy here, naming the
 * modules, instead of every job failing with ModuleNotFoundError. Only plain module-level import
 * statements count: one inside `try:` (an optional speed-up with a fallback) or a function is
 * the script's own business. Python's own `ast` finds the
 * imports and `sys.stdlib_module_names` (3.10+) says what is standard. Without a python3 (3.10+)
 * on the deploying host, or for source that does not parse, the check is skipped: the job
 * reports the problem as before.
 */
const FIND_THIRD_PARTY = `
import ast, json, sys
try:
    tree = ast.parse(sys.stdin.read())
except SyntaxError:
    print("[]"); sys.exit(0)
names = set()
for node in tree.body:
    if isinstance(node, ast.Import):
        names.update(a.name.split(".")[0] for a in node.names)
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        names.add(node.module.split(".")[0])
std = getattr(sys, "stdlib_module_names", None)
print(json.dumps(sorted(n for n in names if std is not None and n not in std)))
`;

export async function checkPythonImports(content: string, python = 'python3'): Promise<void> {
  const thirdParty = await new Promise<string[]>((resolve) => {
    const child = execFile(python, ['-c', FIND_THIRD_PARTY], { timeout: 10_000 }, (err, stdout) => {
      if (err) return resolve([]);
      try {
        resolve(JSON.parse(stdout) as string[]);
      } catch {
        resolve([]);
      }
    });
    child.stdin?.on('error', () => {}); // no python3: the callback reports it
    child.stdin?.end(content);
  });
  if (thirdParty.length === 0) return;
  throw new InvalidScriptError(
    `Python scripts can import only the standard library; this one imports ${thirdParty.join(', ')}`,
  );
}
