import { type FormEvent, useId, useState } from 'react';
import { api } from '../api';
import { href, navigate } from '../router';
import { LANGUAGES, type Language, type Script } from '../types';
import { useAction } from '../useAction';
import { CodeEditor } from './CodeEditor';
import { ErrorBanner } from './ErrorBanner';
import { FieldError, InputField } from './Field';
import { SubmitButton } from './SubmitButton';

const EXAMPLES: Record<Language, string> = {
  typescript: `export async function main(args: { name?: string }) {\n  console.log('hello', args.name ?? 'world');\n  return { greeting: \`hello \${args.name ?? 'world'}\` };\n}\n`,
  javascript: `export async function main(args) {\n  console.log('hello', args.name ?? 'world');\n  return { greeting: \`hello \${args.name ?? 'world'}\` };\n}\n`,
  python: `def main(args):\n    print("hello", args.get("name", "world"))\n    return {"greeting": "hello " + args.get("name", "world")}\n`,
};

const PATH = /^[a-z0-9_-]+(\/[a-z0-9_-]+)*$/;

type Props = {
  /** The loaded script (latest or an older version); absent for a new script. */
  script?: Script;
  /** Which version the editor holds, for the heading. */
  shownVersion?: number;
  onDeployed: (result: { path: string; version: number }) => void;
};

/** Path, language and code of a script; Deploy makes a new version. */
export function ScriptEditor({ script, shownVersion, onDeployed }: Props) {
  const [path, setPath] = useState(script?.path ?? '');
  // an in-host handler has no code here: deploying one makes it a script, TypeScript by default
  const deployable = script && script.language !== 'handler' ? script.language : 'typescript';
  const [language, setLanguage] = useState<Language>(deployable);
  const [content, setContent] = useState(script?.content ?? '');
  const [invalid, setInvalid] = useState<string | null>(null);
  const { busy, error, setError, run } = useAction();
  const languageId = useId();
  const isNew = !script;

  const deploy = async (e: FormEvent) => {
    e.preventDefault();
    const p = path.trim();
    setError(null);
    if (!PATH.test(p)) {
      setInvalid('Path: segments of a-z, 0-9, "-" and "_", separated by "/", like f/app/send.');
      return;
    }
    if (content.trim() === '') {
      setInvalid('The script has no code.');
      return;
    }
    setInvalid(null);
    await run(async () => {
      const res = await api.deployScript({ path: p, content, language });
      onDeployed(res);
      if (isNew) navigate(href.script(res.path));
    });
  };

  return (
    <form className="panel editor" onSubmit={deploy} aria-labelledby="editor-title">
      <h2 id="editor-title" className="panel-title">
        {isNew ? 'New script' : `Code${shownVersion !== undefined ? ` — version ${shownVersion}` : ''}`}
        {!isNew && shownVersion !== script.version && (
          <span className="muted small"> (an older version: deploy it to make it current again)</span>
        )}
      </h2>
      <div className="editor-grid">
        <InputField
          label="Path"
          value={path}
          onValue={setPath}
          testId="script-path-input"
          placeholder="f/app/send"
          readOnly={!isNew}
          spellCheck={false}
        />
        <label className="field" htmlFor={languageId}>
          <span>Language</span>
          <select
            id={languageId}
            value={language}
            onChange={(e) => setLanguage(e.target.value as Language)}
            data-testid="script-language-select"
          >
            {LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="field">
        <span>
          Code — export <code>main(args)</code>; its return value is the job's result{' '}
          <span className="muted small">(Tab indents; Esc then Tab leaves the editor)</span>
        </span>
        <CodeEditor
          value={content}
          onValue={setContent}
          language={language}
          label="Code"
          testId="script-content-input"
          placeholder={EXAMPLES[language]}
        />
      </div>
      <FieldError message={invalid} testId="deploy-error" />
      <ErrorBanner error={error} testId="deploy-error" />
      <div className="actions">
        {content.trim() === '' && (
          <button
            type="button"
            onClick={() => setContent(EXAMPLES[language])}
            data-testid="insert-example-button"
          >
            Insert example
          </button>
        )}
        <SubmitButton busy={busy} busyLabel="Deploying…" testId="deploy-button">
          {isNew ? 'Deploy' : 'Deploy new version'}
        </SubmitButton>
      </div>
    </form>
  );
}
