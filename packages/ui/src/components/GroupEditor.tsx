import { type FormEvent, useState } from 'react';
import { api } from '../api';
import { type GroupDraft, parseGroupDraft } from '../groupForm';
import { useAction } from '../useAction';
import { ErrorBanner } from './ErrorBanner';
import { FieldError, InputField, TextAreaField } from './Field';
import { SubmitButton } from './SubmitButton';

type Props = {
  initial: GroupDraft;
  isNew: boolean;
  scriptPaths: string[];
  onSaved: (name: string) => void;
  onDeleted: () => void;
  onClose: () => void;
};

/** Create or edit a worker group: tags or a dedicated script, concurrency, env, init script. */
export function GroupEditor({ initial, isNew, scriptPaths, onSaved, onDeleted, onClose }: Props) {
  const [draft, setDraft] = useState(initial);
  const [invalid, setInvalid] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const { busy, error, run } = useAction();
  /** The value and change handler of one draft field, for an InputField or TextAreaField. */
  const draftField = (key: keyof GroupDraft) => ({
    value: draft[key],
    onValue: (value: string) => setDraft((d) => ({ ...d, [key]: value })),
  });
  const dedicated = draft.dedicatedWorker.trim() !== '';

  const save = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseGroupDraft(draft);
    setInvalid(parsed.ok ? null : parsed.message);
    if (!parsed.ok) return;
    void run(async () => {
      await api.putGroup(parsed.name, parsed.group);
      onSaved(parsed.name);
    });
  };

  const remove = () => {
    if (!confirmDelete) {
      setConfirmDelete(true);
      return;
    }
    void run(async () => {
      await api.deleteGroup(draft.name);
      onDeleted();
    });
  };

  return (
    <form
      id="group-editor"
      className="panel group-editor"
      onSubmit={save}
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
      aria-labelledby="group-editor-title"
      data-testid="group-editor"
    >
      <h2 id="group-editor-title" className="panel-title">
        {isNew ? 'New worker group' : `Edit group ${initial.name}`}
      </h2>
      <div className="settings-grid">
        <InputField
          label="Name"
          {...draftField('name')}
          testId="group-name-input"
          readOnly={!isNew}
          placeholder="default"
          spellCheck={false}
        />
        <InputField
          label="Concurrency (jobs at once per worker)"
          {...draftField('concurrency')}
          testId="group-concurrency-input"
          type="number"
          min={1}
          step={1}
        />
        <InputField
          label="Dedicated to script (empty = generic)"
          {...draftField('dedicatedWorker')}
          testId="group-dedicated-input"
          suggestions={scriptPaths}
          placeholder="f/app/send"
          spellCheck={false}
        />
        <InputField
          label={
            <>Tags (comma separated){dedicated && <em className="muted"> — ignored while dedicated</em>}</>
          }
          {...draftField('tags')}
          testId="group-tags-input"
          placeholder="node"
          spellCheck={false}
        />
      </div>
      <p className="muted small">
        {dedicated ? (
          <>
            Workers of this group serve only <code>dedicated:{draft.dedicatedWorker.trim()}</code> and keep
            the script warm. Also turn on <em>Dedicated Workers</em> in the script's settings so its jobs get
            that tag.
          </>
        ) : (
          <>Generic workers: each job runs in a fresh process.</>
        )}
      </p>
      <TextAreaField
        label="Environment variables (KEY=value, one per line)"
        {...draftField('env')}
        testId="group-env-input"
        className="code"
        rows={3}
        spellCheck={false}
      />
      <TextAreaField
        label="Init script (optional, runs when a worker starts)"
        {...draftField('initScript')}
        testId="group-init-script-input"
        className="code"
        rows={3}
        spellCheck={false}
      />
      <FieldError message={invalid} testId="group-error" />
      <ErrorBanner error={error} testId="group-save-error" />
      <div className="actions">
        <button type="button" className="ghost" onClick={onClose} data-testid="group-cancel-button">
          Cancel
        </button>
        {!isNew && (
          <button
            type="button"
            className="danger"
            disabled={busy}
            onClick={remove}
            onBlur={() => setConfirmDelete(false)}
            data-testid="group-delete-button"
          >
            {confirmDelete ? 'Click again to delete' : 'Delete group'}
          </button>
        )}
        <SubmitButton busy={busy} testId="group-save-button">
          {isNew ? 'Create group' : 'Save group'}
        </SubmitButton>
      </div>
    </form>
  );
}
