import { type FormEvent, useId, useState } from 'react';
import { api } from '../api';
import { MAX_RUN_COUNT, parseJobArgs, parseRunCount } from '../args';
import { href, navigate } from '../router';
import { useAction } from '../useAction';
import { ErrorBanner } from './ErrorBanner';
import { FieldError, InputField, TextAreaField } from './Field';
import { SubmitButton } from './SubmitButton';

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
  const send = useAction();
  const argsErrorId = useId();

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    const target = (fixedPath ?? path).trim();
    const parsed = parseJobArgs(argsText);
    const count = parseRunCount(countText);
    setArgsError(parsed.ok ? null : parsed.message);
    setCountError(count === null ? `Run count must be a whole number from 1 to ${MAX_RUN_COUNT}.` : null);
    send.setError(null);
    if (!parsed.ok || count === null) return;
    if (!target) {
      send.setError(new Error('Choose the script to run.'));
      return;
    }
    await send.run(async () => {
      if (count === 1) {
        const { id } = await api.pushJob({ path: target, args: parsed.args });
        navigate(href.job(id));
      } else {
        const jobs = Array.from({ length: count }, () => ({ path: target, args: parsed.args }));
        await api.pushJobs(jobs);
        navigate(href.runs({ path: target }));
      }
    });
  };

  return (
    <form className="panel run-form" onSubmit={submit} data-testid="run-form" aria-label="Run a script">
      <div className="panel-title">Run{fixedPath ? ` ${fixedPath}` : ''}</div>
      <div className="run-grid">
        {fixedPath === undefined && (
          <InputField
            label="Script path"
            value={path}
            onValue={setPath}
            testId="run-path-input"
            suggestions={scriptPaths}
            placeholder="f/app/send"
            spellCheck={false}
          />
        )}
        <TextAreaField
          label="Args (JSON object) — Ctrl+Enter runs"
          fieldClassName="field-wide"
          value={argsText}
          onValue={(v) => {
            setArgsText(v);
            if (argsError) setArgsError(null);
          }}
          testId="run-args-input"
          className="code"
          rows={4}
          spellCheck={false}
          aria-invalid={argsError ? true : undefined}
          aria-describedby={argsError ? argsErrorId : undefined}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit();
          }}
        />
        <InputField
          label="Times"
          fieldClassName="field-narrow"
          value={countText}
          onValue={setCountText}
          testId="run-count-input"
          type="number"
          min={1}
          max={MAX_RUN_COUNT}
        />
      </div>
      <FieldError id={argsErrorId} message={argsError} testId="run-args-error" />
      <FieldError message={countError} testId="run-count-error" />
      <ErrorBanner error={send.error} testId="run-error" />
      <div className="actions">
        <SubmitButton busy={send.busy} busyLabel="Queuing…" testId="run-button">
          Run
        </SubmitButton>
      </div>
    </form>
  );
}
