import { type FormEvent, useId, useState } from 'react';
import { api } from '../api';
import { type GroupDraft, parseGroupDraft } from '../groupForm';
import { ErrorBanner } from './ErrorBanner';

type Props = {
  initial: GroupDraft;
  isNew: boolean;
  scriptPaths: string[];
  onSaved: (name: string) => void;
  onDeleted: () => void;
};

/** Create or edit a worker group: tags or a dedicated script, concurrency, env, init script. */
export function GroupEditor({ initial, isNew, scriptPaths, onSaved, onDeleted }: Props) {
  const [draft, setDraft] = useState(initial);
  const [invalid, setInvalid] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [busy, setBusy] = useState(false);
  const ids = {
    name: useId(),
    tags: useId(),
    ded: useId(),
    list: useId(),
    conc: useId(),
    env: useId(),
    init: useId(),
  };
  const set = (key: keyof GroupDraft, value: string) => {
    setDraft((d) => ({ ...d, [key]: value }));
  };
  const dedicated = draft.dedicatedWorker.trim() !== '';

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

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
    <form className="panel group-editor" onSubmit={save} aria-labelledby="group-editor-title">
      <h2 id="group-editor-title" className="panel-title">
        {isNew ? 'New worker group' : `Edit group ${initial.name}`}
      </h2>
      <div className="settings-grid">
        <label className="field" htmlFor={ids.name}>
          <span>Name</span>
          <input
            id={ids.name}
            value={draft.name}
            readOnly={!isNew}
            placeholder="default"
            spellCheck={false}
            onChange={(e) => set('name', e.target.value)}
            data-testid="group-name-input"
          />
        </label>
        <label className="field" htmlFor={ids.conc}>
          <span>Concurrency (jobs at once per worker)</span>
          <input
            id={ids.conc}
            type="number"
            min={1}
            step={1}
            value={draft.concurrency}
            onChange={(e) => set('concurrency', e.target.value)}
            data-testid="group-concurrency-input"
          />
        </label>
        <label className="field" htmlFor={ids.ded}>
          <span>Dedicated to script (empty = generic)</span>
          <input
            id={ids.ded}
            list={ids.list}
            value={draft.dedicatedWorker}
            placeholder="f/app/send"
            spellCheck={false}
            onChange={(e) => set('dedicatedWorker', e.target.value)}
            data-testid="group-dedicated-input"
          />
          <datalist id={ids.list}>
            {scriptPaths.map((p) => (
              <option key={p} value={p} />
            ))}
          </datalist>
        </label>
        <label className="field" htmlFor={ids.tags}>
          <span>
            Tags (comma separated){dedicated && <em className="muted"> — ignored while dedicated</em>}
          </span>
          <input
            id={ids.tags}
            value={draft.tags}
            placeholder="node"
            spellCheck={false}
            onChange={(e) => set('tags', e.target.value)}
            data-testid="group-tags-input"
          />
        </label>
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
      <label className="field" htmlFor={ids.env}>
        <span>Environment variables (KEY=value, one per line)</span>
        <textarea
          id={ids.env}
          className="code"
          rows={3}
          value={draft.env}
          spellCheck={false}
          onChange={(e) => set('env', e.target.value)}
          data-testid="group-env-input"
        />
      </label>
      <label className="field" htmlFor={ids.init}>
        <span>Init script (optional, runs when a worker starts)</span>
        <textarea
          id={ids.init}
          className="code"
          rows={3}
          value={draft.initScript}
          spellCheck={false}
          onChange={(e) => set('initScript', e.target.value)}
          data-testid="group-init-script-input"
        />
      </label>
      {invalid && (
        <p className="field-error" role="alert" data-testid="group-error">
          {invalid}
        </p>
      )}
      <ErrorBanner error={error} testId="group-save-error" />
      <div className="actions">
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
        <button type="submit" className="primary" disabled={busy} data-testid="group-save-button">
          {isNew ? 'Create group' : 'Save group'}
        </button>
      </div>
    </form>
  );
}
