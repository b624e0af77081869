import { type ReactNode, useEffect, useRef, useState } from 'react';
import { api, streamJobLogs } from '../api';
import { ErrorBanner } from '../components/ErrorBanner';
import { JobErrorView } from '../components/JobErrorView';
import { StatusBadge } from '../components/StatusBadge';
import { formatDuration, formatJson, formatTime } from '../format';
import { href, navigate } from '../router';
import type { Job } from '../types';
import { useAction } from '../useAction';
import { usePoll } from '../usePoll';

const FINAL = new Set(['success', 'failure', 'canceled']);

/** Follows the job's SSE log stream into one growing text, keeping the view pinned to the bottom. */
function useJobLogs(id: string, onEnd: () => void) {
  const [text, setText] = useState('');
  const [state, setState] = useState<'streaming' | 'ended' | 'error'>('streaming');
  const [error, setError] = useState<unknown>(null);
  const onEndRef = useRef(onEnd);
  onEndRef.current = onEnd;

  useEffect(() => {
    const abort = new AbortController();
    streamJobLogs(
      id,
      {
        onLog: (_seq, chunk) => setText((t) => t + chunk),
        onEnd: () => {
          setState('ended');
          onEndRef.current();
        },
        onError: (err) => {
          setError(err);
          setState('error');
          // Fall back to the stored text so the page still shows what was logged.
          api.jobLogs(id).then(setText, () => undefined);
        },
      },
      abort.signal,
    );
    return () => abort.abort();
  }, [id]);
  return { text, state, error };
}

function Detail({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="detail">
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

/** One job: status, timings, args, result or error, live logs; cancel and re-run. */
export function JobPage({ id }: { id: string }) {
  const { busy, error: actionError, run: act } = useAction();
  const [done, setDone] = useState(false);
  const poll = usePoll(() => api.getJob(id), done ? 0 : 1000, [id, done]);
  const job: Job | undefined = poll.data;
  const final = job ? FINAL.has(job.status) : false;
  const logs = useJobLogs(id, poll.reload);
  const logBox = useRef<HTMLPreElement>(null);

  useEffect(() => {
    if (final) setDone(true);
  }, [final]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll whenever the text grows.
  useEffect(() => {
    const el = logBox.current;
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 80) el.scrollTop = el.scrollHeight;
  }, [logs.text]);

  const cancel = () =>
    act(async () => {
      await api.cancelJob(id);
      poll.reload();
    });
  const rerun = () =>
    act(async () => {
      const { id: next } = await api.rerunJob(id);
      navigate(href.job(next));
    });

  return (
    <div className="page">
      <p className="crumbs">
        <a href={href.runs()}>Runs</a> / <span className="mono">{id}</span>
      </p>
      <div className="page-head">
        <h1>
          Job{' '}
          <span className="mono" data-testid="job-id">
            {id}
          </span>
        </h1>
        {job && <StatusBadge status={job.status} />}
        <div className="spacer" />
        <button
          type="button"
          className="danger"
          onClick={cancel}
          disabled={busy || !job || final}
          data-testid="job-cancel-button"
        >
          Cancel
        </button>
        <button type="button" onClick={rerun} disabled={busy || !job} data-testid="job-rerun-button">
          Re-run
        </button>
      </div>
      <ErrorBanner error={poll.error} />
      <ErrorBanner error={actionError} testId="job-action-error" />
      {job && (
        <>
          <dl className="panel details">
            <Detail label="Script" testId="job-path">
              <a href={href.script(job.path)}>{job.path}</a>
            </Detail>
            <Detail label="Version">
              <span className="mono" title={job.hash}>
                {job.hash.slice(0, 12)}
              </span>
            </Detail>
            <Detail label="Tag" testId="job-tag">
              <span className="mono">{job.tag}</span>
            </Detail>
            <Detail label="Worker" testId="job-worker">
              <span className="mono">{job.worker ?? '—'}</span>
            </Detail>
            <Detail label="Attempt" testId="job-attempt">
              {job.attempt} of {job.maxAttempts}
            </Detail>
            <Detail label="Priority">{job.priority}</Detail>
            <Detail label="Timeout">{formatDuration(job.timeoutMs)}</Detail>
            <Detail label="Created">{formatTime(job.createdAt)}</Detail>
            <Detail label="Scheduled for">{formatTime(job.scheduledFor)}</Detail>
            <Detail label="Started">{formatTime(job.startedAt)}</Detail>
            <Detail label="Completed">{formatTime(job.completedAt)}</Detail>
            <Detail label="Duration" testId="job-duration">
              {formatDuration(job.durationMs)}
            </Detail>
          </dl>

          <section className="panel" aria-labelledby="args-title">
            <h2 id="args-title" className="panel-title">
              Args
            </h2>
            <pre className="code-block" data-testid="job-args">
              {formatJson(job.args ?? {})}
            </pre>
          </section>

          {job.status === 'success' && (
            <section className="panel" aria-labelledby="result-title">
              <h2 id="result-title" className="panel-title">
                Result
              </h2>
              <pre className="code-block" data-testid="job-result">
                {formatJson(job.result ?? null)}
              </pre>
            </section>
          )}
          {job.error && <JobErrorView error={job.error} />}
        </>
      )}

      <section className="panel" aria-labelledby="logs-title">
        <div className="panel-head">
          <h2 id="logs-title" className="panel-title">
            Logs
          </h2>
          <span className="muted small" data-testid="job-logs-state" aria-live="polite">
            {logs.state === 'streaming'
              ? 'streaming…'
              : logs.state === 'ended'
                ? 'complete'
                : 'stream failed'}
          </span>
        </div>
        <ErrorBanner error={logs.error} testId="job-logs-error" />
        <pre
          ref={logBox}
          className="code-block logs"
          data-testid="job-logs"
          data-state={logs.state}
          role="log"
          aria-label="Job logs"
        >
          {logs.text || (logs.state === 'streaming' ? '' : '(no output)')}
        </pre>
      </section>
    </div>
  );
}
