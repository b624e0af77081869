import { useEffect, useRef, useState } from 'react';
import { api, streamJobLogs } from '../api';
import { ErrorBanner } from './ErrorBanner';

/** Follows the job's SSE log stream into one growing text. */
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

// How close to the bottom still counts as "at the bottom" (a line or two).
const NEAR_BOTTOM_PX = 24;

/**
 * The job's live logs. The box follows new output while it is scrolled to the bottom; scrolling up
 * stops following (to read), and "Follow" (or scrolling back down) resumes it.
 */
export function JobLogs({ id, onEnd }: { id: string; onEnd: () => void }) {
  const logs = useJobLogs(id, onEnd);
  const box = useRef<HTMLPreElement>(null);
  const [follow, setFollow] = useState(true);
  // scrolls we make ourselves must not turn following off
  const ours = useRef(false);

  const toBottom = () => {
    const el = box.current;
    if (!el) return;
    ours.current = true;
    el.scrollTop = el.scrollHeight;
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: follow the text as it grows.
  useEffect(() => {
    if (follow) toBottom();
  }, [logs.text, follow]);

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    if (ours.current) {
      ours.current = false;
      return;
    }
    setFollow(el.scrollHeight - el.scrollTop - el.clientHeight <= NEAR_BOTTOM_PX);
  };

  return (
    <section className="panel" aria-labelledby="logs-title">
      <div className="panel-head">
        <h2 id="logs-title" className="panel-title">
          Logs
        </h2>
        <span className="muted small" data-testid="job-logs-state" aria-live="polite">
          {logs.state === 'streaming' ? 'streaming…' : logs.state === 'ended' ? 'complete' : 'stream failed'}
        </span>
        <div className="spacer" />
        <button
          type="button"
          className="small-button"
          aria-pressed={follow}
          onClick={() => setFollow(!follow)}
          data-testid="job-logs-follow-button"
        >
          {follow ? 'Following new output' : 'Follow new output'}
        </button>
      </div>
      <ErrorBanner error={logs.error} testId="job-logs-error" />
      <pre
        ref={box}
        className="code-block logs"
        data-testid="job-logs"
        data-state={logs.state}
        data-follow={String(follow)}
        role="log"
        aria-label="Job logs"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
        tabIndex={0}
        onScroll={onScroll}
      >
        {logs.text || (logs.state === 'streaming' ? '' : '(no output)')}
      </pre>
    </section>
  );
}
