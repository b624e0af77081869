import { type FormEvent, useEffect, useId, useState } from 'react';
import { api } from '../api';
import { dedicatedSteps } from '../dedicatedSteps';
import { type FlowLimitsDraft, flowLimitsDraft, parseFlowLimits } from '../flowLimits';
import { href } from '../router';
import { tagCoverage } from '../tagCoverage';
import type { Script, ScriptSettings } from '../types';
import { useAction } from '../useAction';
import { usePoll } from '../usePoll';
import { DedicatedStepsView } from './DedicatedStepsView';
import { ErrorBanner } from './ErrorBanner';
import { FieldError, InputField, Switch } from './Field';
import { SubmitButton } from './SubmitButton';

type Draft = {
  dedicated: boolean;
  tag: string;
  timeoutSeconds: string;
  attempts: string;
  priority: string;
} & FlowLimitsDraft;

function draftOf(s: ScriptSettings): Draft {
  return {
    dedicated: s.dedicated,
    tag: s.tag ?? '',
    timeoutSeconds: s.timeoutMs === null ? '' : String(s.timeoutMs / 1000),
    attempts: String(s.maxAttempts),
    priority: String(s.priority),
    ...flowLimitsDraft(s),
  };
}

function parseDraft(d: Draft): { ok: true; settings: ScriptSettings } | { ok: false; message: string } {
  const timeout = d.timeoutSeconds.trim() === '' ? null : Number(d.timeoutSeconds);
  if (timeout !== null && (!Number.isFinite(timeout) || timeout <= 0)) {
    return { ok: false, message: 'Timeout must be a positive number of seconds (or empty for the default).' };
  }
  const attempts = Number(d.attempts);
  if (!Number.isInteger(attempts) || attempts < 1)
    return { ok: false, message: 'Attempts must be 1 or more.' };
  const priority = Number(d.priority);
  if (!Number.isInteger(priority)) return { ok: false, message: 'Priority must be a whole number.' };
  const limits = parseFlowLimits(d);
  if (!limits.ok) return limits;
  const tag = d.tag.trim() || null;
  return {
    ok: true,
    settings: {
      dedicated: d.dedicated,
      tag,
      timeoutMs: timeout === null ? null : Math.round(timeout * 1000),
      maxAttempts: attempts,
      priority,
      maxRunning: limits.maxRunning,
      rateLimit: limits.rateLimit,
    },
  };
}

/**
 * The script's settings (Dedicated Workers toggle, tag, timeout, attempts, priority, concurrency and
 * rate limits) and its resolved tag.
 */
export function ScriptSettingsPanel({ script, onSaved }: { script: Script; onSaved: () => void }) {
  const [draft, setDraft] = useState(() => draftOf(script.settings));
  const [saved, setSaved] = useState({ settings: script.settings, resolvedTag: script.resolvedTag });
  const [message, setMessage] = useState<string | null>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const dedicatedId = useId();
  const coverage = usePoll(
    async () => {
      const [groups, workers] = await Promise.all([api.listGroups(), api.listWorkers()]);
      const state = {
        path: script.path,
        dedicated: saved.settings.dedicated,
        resolvedTag: saved.resolvedTag,
      };
      return {
        ...tagCoverage(saved.resolvedTag, groups, workers),
        steps: dedicatedSteps(state, groups, workers),
      };
    },
    2000,
    [saved.resolvedTag, saved.settings.dedicated],
  );

  // A deploy or another tab may change settings: follow the server while nothing is being edited.
  const serverKey = JSON.stringify(script.settings);
  // biome-ignore lint/correctness/useExhaustiveDependencies: serverKey stands for script.settings.
  useEffect(() => {
    setSaved({ settings: script.settings, resolvedTag: script.resolvedTag });
    setDraft(draftOf(script.settings));
  }, [serverKey, script.resolvedTag]);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setMessage(null);
  };
  /** The value and change handler of one text field of the draft, for an InputField. */
  const draftField = (key: Exclude<keyof Draft, 'dedicated'>) => ({
    value: draft[key],
    onValue: (value: string) => set(key, value),
  });

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseDraft(draft);
    setInvalid(parsed.ok ? null : parsed.message);
    if (!parsed.ok) return;
    await run(async () => {
      const res = await api.putSettings(script.path, parsed.settings);
      setSaved({ settings: res.settings, resolvedTag: res.resolvedTag });
      setDraft(draftOf(res.settings));
      setMessage('Settings saved.');
      onSaved();
    });
  };

  const cov = coverage.data;
  return (
    <form
      className="panel settings"
      onSubmit={save}
      aria-labelledby="settings-title"
      data-testid="settings-panel"
    >
      <h2 id="settings-title" className="panel-title">
        Settings
      </h2>
      {cov && <DedicatedStepsView steps={cov.steps} where="script" />}
      <div className="toggle-row">
        <Switch
          id={dedicatedId}
          checked={draft.dedicated}
          onChecked={(on) => set('dedicated', on)}
          testId="settings-dedicated-toggle"
        />
        <label htmlFor={dedicatedId}>
          <strong>Dedicated Workers</strong>
          <span className="muted small">
            {' '}
            — new jobs get tag <code>dedicated:{script.path}</code>; a worker group dedicated to this script
            runs them in a warm runtime.
          </span>
        </label>
      </div>
      <div className="settings-grid">
        <InputField
          label={<>Tag {draft.dedicated && <em className="muted">(ignored while dedicated)</em>}</>}
          {...draftField('tag')}
          testId="settings-tag-input"
          placeholder="node"
          spellCheck={false}
        />
        <InputField
          label="Timeout (seconds)"
          {...draftField('timeoutSeconds')}
          testId="settings-timeout-input"
          type="number"
          min={0}
          step="any"
          placeholder="default"
        />
        <InputField
          label="Max attempts"
          {...draftField('attempts')}
          testId="settings-attempts-input"
          type="number"
          min={1}
          step={1}
        />
        <InputField
          label="Priority (higher first)"
          {...draftField('priority')}
          testId="settings-priority-input"
          type="number"
          step={1}
        />
        <InputField
          label="Max running (all workers)"
          {...draftField('maxRunning')}
          testId="settings-max-running-input"
          type="number"
          min={1}
          step={1}
          placeholder="no limit"
        />
        <InputField
          label="Rate limit: starts"
          {...draftField('rateMax')}
          testId="settings-rate-max-input"
          type="number"
          min={1}
          step={1}
          placeholder="no limit"
        />
        <InputField
          label="… per window (seconds)"
          {...draftField('rateWindowSeconds')}
          testId="settings-rate-window-input"
          type="number"
          min={0}
          step="any"
          placeholder="no limit"
        />
      </div>
      <p>
        Resolved tag:{' '}
        <code className="tag" data-testid="resolved-tag">
          {saved.resolvedTag}
        </code>
        {cov && cov.groups.length > 0 && (
          <span className="muted small">
            {' '}
            served by group{cov.groups.length > 1 ? 's' : ''} {cov.groups.join(', ')} · {cov.liveWorkers} live
            worker{cov.liveWorkers === 1 ? '' : 's'}
          </span>
        )}
      </p>
      {cov && cov.groups.length === 0 && cov.liveWorkers === 0 && (
        <div className="banner banner-warn" role="status" data-testid="no-worker-warning">
          No worker serves tag <code>{saved.resolvedTag}</code>: jobs of this script will wait in the queue.{' '}
          {saved.settings.dedicated ? (
            <>
              Set a worker group's <em>dedicated script</em> to <code>{script.path}</code> on the{' '}
              <a href={href.workers()}>Workers</a> page.
            </>
          ) : (
            <>
              Add the tag to a worker group on the <a href={href.workers()}>Workers</a> page.
            </>
          )}
        </div>
      )}
      {cov && cov.groups.length > 0 && cov.liveWorkers === 0 && (
        <div className="banner banner-info" role="status" data-testid="no-live-worker-warning">
          Group {cov.groups.join(', ')} serves <code>{saved.resolvedTag}</code> but none of its workers is
          alive.
        </div>
      )}
      <FieldError message={invalid} testId="settings-error" />
      <ErrorBanner error={error} testId="settings-save-error" />
      <div className="actions">
        {message && (
          <span className="ok-text" role="status" data-testid="settings-message">
            {message}
          </span>
        )}
        <SubmitButton busy={busy} testId="settings-save-button">
          Save settings
        </SubmitButton>
      </div>
    </form>
  );
}
