import { type FormEvent, useState } from 'react';
import { api } from '../api';
import { parseJobArgs } from '../args';
import { useAction } from '../useAction';
import { ErrorBanner } from './ErrorBanner';
import { InputField, TextAreaField } from './Field';
import { SubmitButton } from './SubmitButton';

/** Creates (or replaces the definition of) a schedule; the server validates cron and timezone. */
export function ScheduleForm({ scriptPaths, onSaved }: { scriptPaths: string[]; onSaved: () => void }) {
  const [name, setName] = useState('');
  const [path, setPath] = useState('');
  const [cron, setCron] = useState('*/5 * * * *');
  const [timezone, setTimezone] = useState('UTC');
  const [argsText, setArgsText] = useState('{}');
  const save = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const args = parseJobArgs(argsText);
    if (!args.ok) {
      save.setError(new Error(args.message));
      return;
    }
    await save.run(async () => {
      await api.putSchedule(name.trim(), {
        path: path.trim(),
        cron: cron.trim(),
        timezone: timezone.trim(),
        args: args.args,
      });
      setName('');
      onSaved();
    });
  };

  return (
    <form className="panel" onSubmit={submit} data-testid="schedule-form" aria-label="New schedule">
      <div className="panel-title">New schedule</div>
      <div className="schedule-grid">
        <InputField
          label="Name"
          value={name}
          onValue={setName}
          testId="schedule-name-input"
          placeholder="nightly-report"
          spellCheck={false}
        />
        <InputField
          label="Script path"
          value={path}
          onValue={setPath}
          testId="schedule-path-input"
          suggestions={scriptPaths}
          placeholder="f/app/report"
          spellCheck={false}
        />
        <InputField
          label="Cron (5 fields, or 6 with seconds first)"
          value={cron}
          onValue={setCron}
          testId="schedule-cron-input"
          className="mono"
          spellCheck={false}
        />
        <InputField
          label="Timezone (IANA)"
          value={timezone}
          onValue={setTimezone}
          testId="schedule-timezone-input"
          spellCheck={false}
        />
        <TextAreaField
          label="Args (JSON object)"
          fieldClassName="field-wide"
          value={argsText}
          onValue={setArgsText}
          testId="schedule-args-input"
          className="code"
          rows={2}
          spellCheck={false}
        />
      </div>
      <ErrorBanner error={save.error} testId="schedule-form-error" />
      <div className="actions">
        <SubmitButton busy={save.busy} busyLabel="Saving…" testId="schedule-save-button">
          Save schedule
        </SubmitButton>
      </div>
    </form>
  );
}
