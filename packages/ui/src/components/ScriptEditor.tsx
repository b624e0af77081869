import { type FormEvent, useId, useState } from 'react';
import { api } from '../api';
import { href, navigate } from '../router';
import { LANGUAGES, type Language, type Script } from '../types';
import { ErrorBanner } from './ErrorBanner';

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
  const [language, setLanguage] = useState<Language>(script?.language ?? 'typescript');
  const [content, setContent] = useState(script?.content ?? '');
  const [invalid, setInvalid] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const ids = { path: useId(), lang: useId(), content: useId() };
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
    setError(null);
    setBusy(true);
    try {
      const res = await api.deployScript({ path: p, content, language });
      onDeployed(res);
      if (isNew) navigate(href.script(res.path));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
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
        <label className="field" htmlFor={ids.path}>
          <span>Path</span>
          <input
            id={ids.path}
            value={path}
            placeholder="f/app/send"
            readOnly={!isNew}
            spellCheck={false}
            onChange={(e) => setPath(e.target.value)}
            data-testid="script-path-input"
          />
        </label>
        <label className="field" htmlFor={ids.lang}>
          <span>Language</span>
          <select
            id={ids.lang}
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
      <label className="field" htmlFor={ids.content}>
        <span>
          Code — export <code>main(args)</code>; its return value is the job's result
        </span>
        <textarea
          id={ids.content}
          className="code code-box"
          rows={18}
          value={content}
          placeholder={EXAMPLES[language]}
          spellCheck={false}
          autoCapitalize="off"
          autoCorrect="off"
          onChange={(e) => setContent(e.target.value)}
          data-testid="script-content-input"
        />
      </label>
      {invalid && (
        <p className="field-error" role="alert" data-testid="deploy-error">
          {invalid}
        </p>
      )}
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
        <button type="submit" className="primary" disabled={busy} data-testid="deploy-button">
          {busy ? 'Deploying…' : isNew ? 'Deploy' : 'Deploy new version'}
        </button>
      </div>
    </form>
  );
}
