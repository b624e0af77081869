import { useEffect, useState } from 'react';
import { api } from '../api';
import { formatAgo, formatTime, shortId } from '../format';
import { href } from '../router';
import type { Schedule } from '../types';
import { useAction } from '../useAction';
import { ErrorBanner } from './ErrorBanner';
import { Switch } from './Field';
import { StatusBadge } from './StatusBadge';

const SHOWN_RUNS = 3;

function ScheduleRow({ s, now, onChanged }: { s: Schedule; now: number; onChanged: () => void }) {
  const act = useAction();
  // the switch moves at once; the next poll (or a refused request) sets it from the server again
  const [enabled, setEnabled] = useState(s.enabled);
  useEffect(() => setEnabled(s.enabled), [s.enabled]);
  const toggle = (on: boolean) => {
    setEnabled(on);
    return act.run(async () => {
      try {
        await api.putSchedule(s.name, { enabled: on });
      } catch (err) {
        setEnabled(s.enabled);
        throw err;
      }
      onChanged();
    });
  };
  const remove = () =>
    act.run(async () => {
      await api.deleteSchedule(s.name);
      onChanged();
    });
  return (
    <tr data-testid="schedule-row" data-schedule-name={s.name} data-enabled={String(s.enabled)}>
      <td className="mono">{s.name}</td>
      <td>
        <a className="mono" href={href.script(s.path)}>
          {s.path}
        </a>
      </td>
      <td>
        <code>{s.cron}</code> <span className="muted small">{s.timezone}</span>
      </td>
      <td data-testid="schedule-next-runs">
        {s.nextRuns.length === 0 ? (
          <span className="muted">—</span>
        ) : (
          s.nextRuns.slice(0, SHOWN_RUNS).map((t) => (
            <div key={t} title={t} className="small">
              {formatTime(t)} <span className="muted">({formatAgo(t, now)})</span>
            </div>
          ))
        )}
      </td>
      <td data-testid="schedule-last-run">
        {s.lastRun ? (
          <a href={href.job(s.lastRun.id)} data-testid="schedule-last-run-link">
            <StatusBadge status={s.lastRun.status} testId="schedule-last-run-status" />{' '}
            <span className="mono small">#{shortId(s.lastRun.id)}</span>{' '}
            <span className="muted small">· tick {formatAgo(s.lastTick, now)}</span>
          </a>
        ) : (
          <span className="muted">never</span>
        )}
      </td>
      <td>
        <Switch
          aria-label={`Schedule ${s.name} enabled`}
          checked={enabled}
          disabled={act.busy}
          onChecked={(on) => void toggle(on)}
          testId="schedule-enabled-toggle"
        />
      </td>
      <td>
        <button
          type="button"
          className="small-button ghost"
          onClick={() => void remove()}
          disabled={act.busy}
          aria-label={`Delete schedule ${s.name}`}
          data-testid="schedule-delete-button"
        >
          Delete
        </button>
        <ErrorBanner error={act.error} testId="schedule-row-error" />
      </td>
    </tr>
  );
}

/** Schedules with their next runs, the status of the last run, an enable switch and delete. */
export function ScheduleTable({
  schedules,
  now,
  onChanged,
}: {
  schedules: Schedule[];
  now: number;
  onChanged: () => void;
}) {
  if (schedules.length === 0) {
    return (
      <p className="muted small" data-testid="schedules-empty">
        No schedules yet.
      </p>
    );
  }
  return (
    <table className="table" data-testid="schedule-table">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Script</th>
          <th scope="col">Cron</th>
          <th scope="col">Next runs</th>
          <th scope="col">Last run</th>
          <th scope="col">Enabled</th>
          <th scope="col">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {schedules.map((s) => (
          <ScheduleRow key={s.name} s={s} now={now} onChanged={onChanged} />
        ))}
      </tbody>
    </table>
  );
}
