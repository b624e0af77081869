// Scripts are written to disk once per content hash and imported by file URL: a data: URL
// cannot resolve relative or bare imports (ERR_UNSUPPORTED_RESOLVE_REQUEST), a file can.
import { createHash } from 'node:crypto';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function contentHash(content: string): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 32);
}

/** Returns the path of a file holding `content`, written atomically if it is not there yet. */
export async function writeScriptFile(content: string, extension: string, dir?: string): Promise<string> {
  const directory = dir ?? join(tmpdir(), 'millrace-runner');
  await mkdir(directory, { recursive: true });
  const path = join(directory, `script-${contentHash(content)}${extension}`);
  // Write-then-rename: two runners opening the same content never import a half-written file.
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temporary, content);
  // readable whatever the host's umask: the process may run as another user (runAs)
  await chmod(temporary, 0o644);
  await rename(temporary, path);
  return path;
}
