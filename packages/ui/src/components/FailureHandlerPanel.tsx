import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../api';
import { handlerFor, parseHandlerDraft } from '../failureHandler';
import type { FailureHandlerTarget } from '../types';
import { useAction } from '../useAction';
import { usePoll } from '../usePoll';
import { ErrorBanner } from './ErrorBanner';
import { FieldError, InputField } from './Field';
import { SubmitButton } from './SubmitButton';

/**
 * The failure handler of a script or a worker group: the script pushed once for each of its jobs
 * that fails for good. An empty field removes it. Shaped like the script settings panel.
 */
export function FailureHandlerPanel({
  target,
  scriptPaths,
}: {
  target: FailureHandlerTarget;
  scriptPaths?: string[];
}) {
  const handlers = usePoll(() => api.listFailureHandlers(), 5000, [JSON.stringify(target)]);
  const current = handlers.data ? handlerFor(handlers.data, target) : null;
  const [draft, setDraft] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const whose = 'script' in target ? 'its jobs' : "its workers' jobs";

  // follow the server while nothing is being edited
  useEffect(() => setDraft(current ?? ''), [current]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseHandlerDraft(draft);
    setInvalid(parsed.ok ? null : parsed.message);
    if (!parsed.ok) return;
    await run(async () => {
      await api.putFailureHandler(target, parsed.handler);
      setMessage(parsed.handler ? `Failure handler set to ${parsed.handler}.` : 'Failure handler removed.');
      handlers.reload();
    });
  };

  return (
    <form className="panel" onSubmit={save} aria-label="Failure handler" data-testid="failure-handler-panel">
      <div className="panel-title">Failure handler</div>
      <InputField
        label={<>Script run once for each of {whose} that fails for good (empty: none)</>}
        value={draft}
        onValue={(v) => {
          setDraft(v);
          setMessage(null);
        }}
        testId="failure-handler-input"
        suggestions={scriptPaths}
        placeholder="f/ops/alert"
        spellCheck={false}
      />
      <FieldError message={invalid} testId="failure-handler-error" />
      <ErrorBanner error={error ?? handlers.error} testId="failure-handler-save-error" />
      <div className="actions">
        {message && (
          <span className="ok-text" role="status" data-testid="failure-handler-message">
            {message}
          </span>
        )}
        <SubmitButton busy={busy} testId="failure-handler-save-button">
          Save handler
        </SubmitButton>
      </div>
    </form>
  );
}
