import type { JobStatus } from '../types';

export function StatusBadge({ status, testId = 'job-status' }: { status: JobStatus; testId?: string }) {
  return (
    <span className={`badge status-${status}`} data-testid={testId} data-status={status}>
      {status}
    </span>
  );
}
