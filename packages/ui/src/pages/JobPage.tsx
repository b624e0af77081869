import { type ReactNode, useEffect, useState } from 'react';
import { api } from '../api';
import { ErrorBanner } from '../components/ErrorBanner';
import { JobAttempts } from '../components/JobAttempts';
import { JobErrorView } from '../components/JobErrorView';
import { JobLogs } from '../components/JobLogs';
import { JsonView } from '../components/JsonView';
import { RerunForm } from '../components/RerunForm';
import { StatusBadge } from '../components/StatusBadge';
import { formatDuration, formatTime } from '../format';
import { href, navigate } from '../router';
import type { Job } from '../types';
import { useAction } from '../useAction';
import { usePoll } from '../usePoll';

const FINAL = new Set(['success', 'failure', 'canceled']);

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
  const [editArgs, setEditArgs] = useState(false);

  useEffect(() => {
    if (final) setDone(true);
  }, [final]);

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
        <button
          type="button"
          onClick={() => setEditArgs(!editArgs)}
          disabled={!job}
          aria-expanded={editArgs}
          aria-controls="rerun-form"
          data-testid="job-rerun-edit-button"
        >
          Re-run with edited args…
        </button>
      </div>
      <ErrorBanner error={poll.error} />
      <ErrorBanner error={actionError} testId="job-action-error" />
      {job && editArgs && (
        <div id="rerun-form">
          <RerunForm id={id} args={job.args} onClose={() => setEditArgs(false)} />
        </div>
      )}
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
            {job.concurrencyKey && (
              <Detail label="Concurrency key" testId="job-concurrency-key">
                <span className="mono">{job.concurrencyKey}</span>
              </Detail>
            )}
            {job.uniqueKey && (
              <Detail label="Unique key" testId="job-unique-key">
                <span className="mono">{job.uniqueKey}</span>
              </Detail>
            )}
            <Detail label="Timeout">{formatDuration(job.timeoutMs)}</Detail>
            <Detail label="Created">{formatTime(job.createdAt)}</Detail>
            <Detail label="Scheduled for">{formatTime(job.scheduledFor)}</Detail>
            <Detail label="Started">{formatTime(job.startedAt)}</Detail>
            <Detail label="Completed">{formatTime(job.completedAt)}</Detail>
            <Detail label="Duration" testId="job-duration">
              {formatDuration(job.durationMs)}
            </Detail>
            {job.schedule && (
              <Detail label="Schedule" testId="job-schedule">
                <a href={href.schedules()}>{job.schedule.name}</a> · tick {formatTime(job.schedule.tick)}
              </Detail>
            )}
            {job.failureOf && (
              <Detail label="Failure handler of" testId="job-failure-of">
                <a href={href.job(job.failureOf)}>job {job.failureOf}</a>
              </Detail>
            )}
          </dl>

          <section className="panel" aria-labelledby="args-title">
            <h2 id="args-title" className="panel-title">
              Args
            </h2>
            <JsonView value={job.args ?? {}} label="Args" testId="job-args" />
          </section>

          {job.status === 'success' && (
            <section className="panel" aria-labelledby="result-title">
              <h2 id="result-title" className="panel-title">
                Result
              </h2>
              <JsonView value={job.result ?? null} label="Result" testId="job-result" />
            </section>
          )}
          {job.error && <JobErrorView error={job.error} />}
          <JobAttempts job={job} />
        </>
      )}
      <JobLogs id={id} onEnd={poll.reload} />
    </div>
  );
}
