import { type FormEvent, useState } from 'react';
import { historyApi } from '../api';
import { parseJobArgs } from '../args';
import { formatJson } from '../format';
import { href, navigate } from '../router';
import { useAction } from '../useAction';
import { ErrorBanner } from './ErrorBanner';
import { FieldError, TextAreaField } from './Field';
import { SubmitButton } from './SubmitButton';

/** Re-runs the job with args edited from its own; opens the new job. */
export function RerunForm({ id, args, onClose }: { id: string; args: unknown; onClose: () => void }) {
  const [text, setText] = useState(() => formatJson(args ?? {}));
  const [invalid, setInvalid] = useState<string | null>(null);
  const { busy, error, run } = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseJobArgs(text);
    setInvalid(parsed.ok ? null : parsed.message);
    if (!parsed.ok) return;
    void run(async () => {
      const { id: next } = await historyApi.rerunWithArgs(id, parsed.args);
      navigate(href.job(next));
    });
  };

  return (
    <form className="panel" onSubmit={submit} aria-labelledby="rerun-title" data-testid="rerun-form">
      <h2 id="rerun-title" className="panel-title">
        Re-run with edited args
      </h2>
      <TextAreaField
        label="Args (a JSON object)"
        value={text}
        onValue={setText}
        testId="rerun-args-input"
        className="code"
        rows={8}
        spellCheck={false}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit(e);
        }}
      />
      <FieldError message={invalid} testId="rerun-args-error" />
      <ErrorBanner error={error} testId="rerun-error" />
      <div className="actions">
        <button type="button" className="ghost" onClick={onClose}>
          Cancel
        </button>
        <SubmitButton busy={busy} busyLabel="Pushing…" testId="rerun-submit-button">
          Re-run with these args
        </SubmitButton>
      </div>
    </form>
  );
}
