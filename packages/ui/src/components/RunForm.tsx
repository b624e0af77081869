import { type FormEvent, useId, useState } from 'react';
import { api } from '../api';
import { MAX_RUN_COUNT, parseJobArgs, parseRunCount } from '../args';
import { href, navigate } from '../router';
import { ErrorBanner } from './ErrorBanner';

type Props = {
  /** The script to run; when absent the form has a path field (with `scriptPaths` as suggestions). */
  path?: string;
  scriptPaths?: string[];
  /** Prefills the path field. */
  initialPath?: string;
};

/**
 * Pushes one job (then opens its page) or N jobs (then shows the run list filtered by path).
 * Args are checked before sending: invalid JSON shows a message and queues nothing.
 */
export function RunForm({ path: fixedPath, scriptPaths = [], initialPath = '' }: Props) {
  const [path, setPath] = useState(initialPath);
  const [argsText, setArgsText] = useState('{}');
  const [countText, setCountText] = useState('1');
  const [argsError, setArgsError] = useState<string | null>(null);
  const [countError, setCountError] = useState<string | null>(null);
  const [sendError, setSendError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const ids = { path: useId(), args: useId(), count: useId(), list: useId(), argsErr: useId() };

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    const target = (fixedPath ?? path).trim();
    const parsed = parseJobArgs(argsText);
    const count = parseRunCount(countText);
    setArgsError(parsed.ok ? null : parsed.message);
    setCountError(count === null ? `Run count must be a whole number from 1 to ${MAX_RUN_COUNT}.` : null);
    setSendError(null);
    if (!parsed.ok || count === null) return;
    if (!target) {
      setSendError(new Error('Choose the script to run.'));
      return;
    }
    setBusy(true);
    try {
      if (count === 1) {
        const { id } = await api.pushJob({ path: target, args: parsed.args });
        navigate(href.job(id));
      } else {
        const jobs = Array.from({ length: count }, () => ({ path: target, args: parsed.args }));
        await api.pushJobs(jobs);
        navigate(href.runs({ path: target }));
      }
    } catch (err) {
      setSendError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel run-form" onSubmit={submit} data-testid="run-form" aria-label="Run a script">
      <div className="panel-title">Run{fixedPath ? ` ${fixedPath}` : ''}</div>
      <div className="run-grid">
        {fixedPath === undefined && (
          <label className="field" htmlFor={ids.path}>
            <span>Script path</span>
            <input
              id={ids.path}
              list={ids.list}
              value={path}
              placeholder="f/app/send"
              onChange={(e) => setPath(e.target.value)}
              data-testid="run-path-input"
              spellCheck={false}
            />
            <datalist id={ids.list}>
              {scriptPaths.map((p) => (
                <option key={p} value={p} />
              ))}
            </datalist>
          </label>
        )}
        <label className="field field-wide" htmlFor={ids.args}>
          <span>Args (JSON object) — Ctrl+Enter runs</span>
          <textarea
            id={ids.args}
            className="code"
            rows={4}
            value={argsText}
            spellCheck={false}
            aria-invalid={argsError ? true : undefined}
            aria-describedby={argsError ? ids.argsErr : undefined}
            onChange={(e) => {
              setArgsText(e.target.value);
              if (argsError) setArgsError(null);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit();
            }}
            data-testid="run-args-input"
          />
        </label>
        <label className="field field-narrow" htmlFor={ids.count}>
          <span>Times</span>
          <input
            id={ids.count}
            type="number"
            min={1}
            max={MAX_RUN_COUNT}
            value={countText}
            onChange={(e) => setCountText(e.target.value)}
            data-testid="run-count-input"
          />
        </label>
      </div>
      {argsError && (
        <p id={ids.argsErr} className="field-error" role="alert" data-testid="run-args-error">
          {argsError}
        </p>
      )}
      {countError && (
        <p className="field-error" role="alert" data-testid="run-count-error">
          {countError}
        </p>
      )}
      <ErrorBanner error={sendError} testId="run-error" />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy} data-testid="run-button">
          {busy ? 'Queuing…' : 'Run'}
        </button>
      </div>
    </form>
  );
}
