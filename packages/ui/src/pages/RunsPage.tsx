import { type FormEvent, useEffect, useId, useState } from 'react';
import { api } from '../api';
import { CountsBar } from '../components/CountsBar';
import { ErrorBanner } from '../components/ErrorBanner';
import { JobTable } from '../components/JobTable';
import { RunForm } from '../components/RunForm';
import { ThroughputChart } from '../components/ThroughputChart';
import { href, navigate } from '../router';
import { JOB_STATUSES, type Job, type JobFilter } from '../types';
import { usePoll } from '../usePoll';

const PAGE = 100;
const FILTER_KEYS = ['status', 'path', 'tag', 'worker'] as const;

function filterFrom(query: URLSearchParams): JobFilter {
  const f: JobFilter = {};
  for (const key of FILTER_KEYS) {
    const v = query.get(key);
    if (v) f[key] = v;
  }
  return f;
}

/** Runs: push jobs, queue counts, throughput, and the live job list with filters and paging. */
export function RunsPage({ query }: { query: URLSearchParams }) {
  const filter = filterFrom(query);
  const filterKey = JSON.stringify(filter);
  const [draft, setDraft] = useState(filter);
  const [older, setOlder] = useState<{ jobs: Job[]; next: string | null } | null>(null);
  const [olderError, setOlderError] = useState<unknown>(null);
  const [now, setNow] = useState(Date.now());
  const ids = { status: useId(), path: useId(), tag: useId(), worker: useId() };

  useEffect(() => {
    setDraft(JSON.parse(filterKey) as JobFilter);
    setOlder(null);
  }, [filterKey]);

  const jobs = usePoll(
    async () => {
      const page = await api.listJobs({ ...filter, limit: PAGE });
      setNow(Date.now());
      return page;
    },
    1000,
    [filterKey],
  );
  const counts = usePoll(() => api.counts(), 1000, []);
  const scripts = usePoll(() => api.listScripts(), 0, []);

  const apply = (next: JobFilter) => {
    const q: Record<string, string> = {};
    for (const key of FILTER_KEYS) {
      const v = next[key]?.trim();
      if (v) q[key] = v;
    }
    navigate(href.runs(q));
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    apply(draft);
  };

  const loadOlder = async () => {
    const before = older ? older.next : jobs.data?.nextBefore;
    if (!before) return;
    try {
      const page = await api.listJobs({ ...filter, limit: PAGE, before });
      setOlder({ jobs: [...(older?.jobs ?? []), ...page.jobs], next: page.nextBefore });
      setOlderError(null);
    } catch (err) {
      setOlderError(err);
    }
  };

  const firstPage = jobs.data?.jobs ?? [];
  const seen = new Set(firstPage.map((j) => j.id));
  const all = [...firstPage, ...(older?.jobs ?? []).filter((j) => !seen.has(j.id))];
  const hasMore = older ? older.next !== null : !!jobs.data?.nextBefore;

  return (
    <div className="page">
      <h1>Runs</h1>
      <RunForm
        key={filter.path ?? ''}
        initialPath={filter.path ?? ''}
        scriptPaths={scripts.data?.map((s) => s.path) ?? []}
      />
      <ErrorBanner error={counts.error} />
      <CountsBar counts={counts.data} />
      <ThroughputChart />

      <section className="panel" aria-labelledby="jobs-title">
        <div className="panel-head">
          <h2 id="jobs-title" className="panel-title">
            Jobs <span className="muted small">(live)</span>
          </h2>
        </div>
        <form className="filters" onSubmit={onSubmit} aria-label="Filter jobs">
          <label className="inline-field" htmlFor={ids.status}>
            Status
            <select
              id={ids.status}
              value={draft.status ?? ''}
              onChange={(e) => apply({ ...draft, status: e.target.value })}
              data-testid="filter-status-select"
            >
              <option value="">any</option>
              <option value="queued,running">queued or running</option>
              {JOB_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          {(['path', 'tag', 'worker'] as const).map((key) => (
            <label key={key} className="inline-field" htmlFor={ids[key]}>
              {key[0]?.toUpperCase() + key.slice(1)}
              <input
                id={ids[key]}
                value={draft[key] ?? ''}
                onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
                spellCheck={false}
                data-testid={`filter-${key}-input`}
              />
            </label>
          ))}
          <button type="submit" data-testid="filter-apply-button">
            Filter
          </button>
          <button type="button" onClick={() => apply({})} data-testid="filter-clear-button">
            Clear
          </button>
        </form>
        <ErrorBanner error={jobs.error} />
        {jobs.data ? <JobTable jobs={all} now={now} /> : <p className="muted empty">Loading…</p>}
        <ErrorBanner error={olderError} />
        {hasMore && (
          <div className="actions">
            <button type="button" onClick={loadOlder} data-testid="jobs-more-button">
              Load older jobs
            </button>
          </div>
        )}
      </section>
    </div>
  );
}
