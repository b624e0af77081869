import { formatAgo, formatRate, shortId } from '../format';
import { href } from '../router';
import type { Worker } from '../types';

/** Live workers: alive or dead, last ping, jobs done, current jobs, jobs/s. */
export function WorkerTable({ workers, now }: { workers: Worker[]; now: number }) {
  if (workers.length === 0) {
    return (
      <p className="muted small" data-testid="workers-empty">
        No workers running in this group.
      </p>
    );
  }
  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">Worker</th>
          <th scope="col">State</th>
          <th scope="col">Last ping</th>
          <th scope="col" className="num">
            Jobs done
          </th>
          <th scope="col" className="num">
            Jobs/s
          </th>
          <th scope="col">Current job</th>
          <th scope="col">Host · pid</th>
        </tr>
      </thead>
      <tbody>
        {workers.map((w) => (
          <tr key={w.name} data-testid="worker-row" data-worker-name={w.name} data-alive={String(w.alive)}>
            <td className="mono">
              {w.name}
              {w.dedicatedScript && (
                <span className="badge badge-dedicated" title={`dedicated to ${w.dedicatedScript}`}>
                  dedicated
                </span>
              )}
            </td>
            <td>
              <span
                className={`badge ${w.alive ? 'status-success' : 'status-failure'}`}
                data-testid="worker-status"
              >
                {w.alive ? 'alive' : 'dead'}
              </span>
            </td>
            <td data-testid="worker-last-ping" title={w.lastPing}>
              {formatAgo(w.lastPing, now)}
            </td>
            <td className="num" data-testid="worker-jobs-done">
              {w.jobsDone}
            </td>
            <td className="num" data-testid="worker-jobs-per-second">
              {formatRate(w.jobsPerSecond)}
            </td>
            <td data-testid="worker-current-job">
              {w.currentJobs.length === 0
                ? '—'
                : w.currentJobs.map((id, i) => (
                    <span key={id}>
                      {i > 0 && ', '}
                      <a href={href.job(id)} className="mono" title={id}>
                        {shortId(id)}
                      </a>
                    </span>
                  ))}
            </td>
            <td className="muted small">
              {w.host} · {w.pid}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
