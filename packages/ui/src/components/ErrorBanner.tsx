import { describeError } from '../api';

/** Shows a failed request's message; renders nothing when there is no error. */
export function ErrorBanner({ error, testId = 'error-banner' }: { error: unknown; testId?: string }) {
  if (!error) return null;
  return (
    <div className="banner banner-error" role="alert" data-testid={testId}>
      {describeError(error)}
    </div>
  );
}
