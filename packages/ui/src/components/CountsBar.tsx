import { href } from '../router';
import { type Counts, JOB_STATUSES } from '../types';

/** Jobs per status (links filter the run list) and the tags nobody serves. */
export function CountsBar({ counts }: { counts: Counts | undefined }) {
  return (
    <div className="counts-wrap">
      <ul className="counts" aria-label="Jobs per status">
        {JOB_STATUSES.map((s) => (
          <li key={s}>
            <a href={href.runs({ status: s })} className={`count status-text-${s}`}>
              <span className="count-n" data-testid={`count-${s}`}>
                {counts ? counts.byStatus[s] : '…'}
              </span>
              <span className="count-label">{s}</span>
            </a>
          </li>
        ))}
      </ul>
      {counts && counts.tagsWithoutWorkers.length > 0 && (
        <div className="banner banner-warn" role="status" data-testid="tags-without-workers">
          {counts.tagsWithoutWorkers.map((tag) => (
            <div key={tag} data-testid="tag-without-worker" data-tag={tag}>
              No worker serves tag <code>{tag}</code> — its queued jobs wait until a worker group serves it (
              <a href={href.workers()}>Workers</a>).
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
