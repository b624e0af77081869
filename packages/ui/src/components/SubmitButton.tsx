import type { ReactNode } from 'react';

/** A form's primary button: disabled while its request is in flight, and relabelled if `busyLabel` is given. */
export function SubmitButton({
  busy,
  busyLabel,
  testId,
  children,
}: {
  busy: boolean;
  busyLabel?: string;
  testId: string;
  children: ReactNode;
}) {
  return (
    <button type="submit" className="primary" disabled={busy} data-testid={testId}>
      {busy && busyLabel ? busyLabel : children}
    </button>
  );
}
