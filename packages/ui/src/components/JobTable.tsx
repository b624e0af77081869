import { formatAgo, formatDuration, shortId } from '../format';
import { href } from '../router';
import type { Job } from '../types';
import { StatusBadge } from './StatusBadge';

function duration(job: Job, now: number): string {
  if (job.durationMs !== null) return formatDuration(job.durationMs);
  if (job.status === 'running' && job.startedAt) return `${formatDuration(now - Date.parse(job.startedAt))}…`;
  return '—';
}

/** The run list: one row per job, newest first; the id links to the job page. */
export function JobTable({ jobs, now }: { jobs: Job[]; now: number }) {
  if (jobs.length === 0) {
    return (
      <p className="muted empty" data-testid="jobs-empty">
        No jobs match.
      </p>
    );
  }
  return (
    <table className="table" data-testid="job-table">
      <thead>
        <tr>
          <th scope="col">Job</th>
          <th scope="col">Status</th>
          <th scope="col">Script</th>
          <th scope="col">Tag</th>
          <th scope="col">Worker</th>
          <th scope="col">Created</th>
          <th scope="col" className="num">
            Duration
          </th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((job) => (
          <tr key={job.id} data-testid="job-row" data-job-id={job.id} data-status={job.status}>
            <td>
              <a href={href.job(job.id)} className="mono" data-testid="job-link" title={job.id}>
                {shortId(job.id)}
              </a>
            </td>
            <td>
              <StatusBadge status={job.status} />
              {job.attempt > 1 && <span className="muted small"> attempt {job.attempt}</span>}
            </td>
            <td className="mono" data-testid="job-path">
              {job.path}
            </td>
            <td className="mono" data-testid="job-tag">
              {job.tag}
            </td>
            <td className="mono" data-testid="job-worker">
              {job.worker ?? '—'}
            </td>
            <td title={job.createdAt}>{formatAgo(job.createdAt, now)}</td>
            <td className="num" data-testid="job-duration">
              {duration(job, now)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
