import type { JobError } from '../types';

const REASONS: Record<string, string> = {
  timeout: 'Timed out',
  canceled: 'Canceled',
  crash: 'Worker crashed',
};

/** A failed job's error: reason, name, message and stack. */
export function JobErrorView({ error }: { error: JobError }) {
  return (
    <section className="panel panel-error" aria-labelledby="error-title" data-testid="job-error">
      <h2 id="error-title" className="panel-title">
        Error
        {error.reason && (
          <span className="badge status-failure" data-testid="job-error-reason" data-reason={error.reason}>
            {REASONS[error.reason] ?? error.reason}
          </span>
        )}
      </h2>
      <p className="error-message">
        {error.name && (
          <strong className="mono" data-testid="job-error-name">
            {error.name}:{' '}
          </strong>
        )}
        <span data-testid="job-error-message">{error.message}</span>
      </p>
      {error.stack && (
        <pre className="code-block" data-testid="job-error-stack">
          {error.stack}
        </pre>
      )}
    </section>
  );
}
