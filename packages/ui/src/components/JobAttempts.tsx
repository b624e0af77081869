import { historyApi } from '../api';
import { formatTime } from '../format';
import type { Job } from '../types';
import { usePoll } from '../usePoll';
import { ErrorBanner } from './ErrorBanner';
import { StatusBadge } from './StatusBadge';

/** Every attempt of the job: the earlier ones that did not end it, then the current one. */
export function JobAttempts({ job }: { job: Job }) {
  // reloads when the job moves on to another attempt or ends
  const earlier = usePoll(() => historyApi.attempts(job.id), 0, [job.id, job.attempt, job.status]);
  const rows = earlier.data ?? [];
  return (
    <section className="panel" aria-labelledby="attempts-title" data-testid="job-attempts">
      <h2 id="attempts-title" className="panel-title">
        Attempts{' '}
        <span className="muted small">
          ({Math.max(job.attempt, rows.length)} of at most {job.maxAttempts})
        </span>
      </h2>
      <ErrorBanner error={earlier.error} />
      <table className="table">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Outcome</th>
            <th scope="col">Worker</th>
            <th scope="col">Started</th>
            <th scope="col">Ended</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.attempt} data-testid="job-attempt-row" data-attempt={a.attempt} data-status={a.status}>
              <td>{a.attempt}</td>
              <td>
                <span className="badge status-failure">
                  {a.status === 'lost' ? 'lost with its worker' : 'failed'}
                </span>
              </td>
              <td className="mono">{a.worker ?? '—'}</td>
              <td>{formatTime(a.startedAt)}</td>
              <td>{formatTime(a.endedAt)}</td>
              <td className="small">{a.error?.message ?? '—'}</td>
            </tr>
          ))}
          {job.attempt > 0 && (
            <tr data-testid="job-attempt-row" data-attempt={job.attempt} data-status={job.status}>
              <td>{job.attempt}</td>
              <td>
                <StatusBadge status={job.status} testId="job-attempt-status" />
              </td>
              <td className="mono">{job.worker ?? '—'}</td>
              <td>{formatTime(job.startedAt)}</td>
              <td>{formatTime(job.completedAt)}</td>
              <td className="small">{job.error?.message ?? '—'}</td>
            </tr>
          )}
        </tbody>
      </table>
      {job.attempt === 0 && rows.length === 0 && <p className="muted small">Not started yet.</p>}
    </section>
  );
}
