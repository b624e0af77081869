import { memo, useEffect, useMemo, useState } from 'react';
import { historyApi } from '../api';
import { formatGap, type PlacedBar, timelineByWorker, type WorkerTimeline } from '../lanes';
import { href } from '../router';
import type { Timeline } from '../types';
import { usePoll } from '../usePoll';
import { ErrorBanner } from './ErrorBanner';

const WINDOWS = [10, 30, 60] as const;
const STATUSES = ['running', 'success', 'failure', 'canceled'] as const;

type Snapshot = { timeline: Timeline; fetchedAt: number };
type Hover = { bar: PlacedBar; left: number; top: number };

const reducedMotion = () => window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;

/** A clock for sliding the window between polls (10 Hz); stands still when paused. */
function useClock(running: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!running || reducedMotion()) return;
    const timer = setInterval(() => setNow(Date.now()), 100);
    return () => clearInterval(timer);
  }, [running]);
  return now;
}

function barLabel(b: PlacedBar): string {
  const took = b.endMs === null ? 'running' : `took ${formatGap(b.endMs - b.startMs)}`;
  return `Job ${b.id}, ${b.path}, ${b.status}, ${took}, worker ${b.worker}, lane ${b.lane + 1}`;
}

type TrackProps = { row: WorkerTimeline; from: number; windowMs: number; onHover: (h: Hover | null) => void };

/** A worker's lanes of bars, positioned against the snapshot's window (memoised: the clock only shifts it). */
const Lanes = memo(function Lanes({ row, from, windowMs, onHover }: TrackProps) {
  const pct = (ms: number) => ((ms - from) / windowMs) * 100;
  const show = (bar: PlacedBar) => (e: { currentTarget: HTMLElement }) => {
    const r = e.currentTarget.getBoundingClientRect();
    onHover({ bar, left: r.left + r.width / 2, top: r.top });
  };
  if (row.lanes.length === 0) return <p className="tl-idle muted small">no jobs in this window</p>;
  return (
    <>
      {row.lanes.map((lane, i) => (
        <ul className="tl-lane" key={lane[0]?.id ?? i} aria-label={`${row.worker}, lane ${i + 1}`}>
          {lane.map((b) => (
            <li
              key={b.id}
              className="tl-slot"
              style={{ left: `${pct(b.startMs)}%`, width: `${Math.max(pct(b.end) - pct(b.startMs), 0)}%` }}
            >
              <a
                href={href.job(b.id)}
                className={`tl-bar tl-${b.status}`}
                data-testid="timeline-bar"
                data-job-id={b.id}
                data-worker={b.worker}
                data-lane={b.lane}
                data-status={b.status}
                data-path={b.path}
                data-queued={b.queuedMs}
                data-start={b.startMs}
                data-end={b.endMs ?? ''}
                onMouseEnter={show(b)}
                onFocus={show(b)}
                onMouseLeave={() => onHover(null)}
                onBlur={() => onHover(null)}
              >
                <span className="sr-only">{barLabel(b)}</span>
              </a>
            </li>
          ))}
        </ul>
      ))}
    </>
  );
});

function WorkerRow({ row, from, windowMs, shift, onHover }: TrackProps & { shift: number }) {
  const kind = row.dedicatedScript ? 'dedicated' : 'generic';
  return (
    <section
      className="tl-worker"
      aria-label={`Worker ${row.worker}`}
      data-testid="timeline-worker"
      data-worker={row.worker}
      data-kind={kind}
      data-mean-gap-ms={row.meanGapMs ?? ''}
    >
      <div className="tl-worker-head">
        <span className="mono">{row.worker}</span>
        {row.dedicatedScript ? (
          <span className="badge badge-dedicated">dedicated to {row.dedicatedScript}</span>
        ) : (
          <span className="badge">generic</span>
        )}
        {row.group && <span className="muted small">group {row.group}</span>}
        <span className="spacer" />
        <span className="tl-gap" data-testid="timeline-mean-gap">
          between jobs: <strong>{formatGap(row.meanGapMs)}</strong>
        </span>
        <span className="muted small">
          ({row.gapCount} gap{row.gapCount === 1 ? '' : 's'})
        </span>
      </div>
      <div className="tl-window">
        <div className="tl-track" style={{ transform: `translateX(${-shift}%)` }}>
          <Lanes row={row} from={from} windowMs={windowMs} onHover={onHover} />
        </div>
      </div>
    </section>
  );
}

function Axis({ seconds }: { seconds: number }) {
  const step = seconds <= 10 ? 2 : seconds <= 30 ? 5 : 10;
  const ticks = Array.from({ length: seconds / step + 1 }, (_, i) => seconds - i * step);
  return (
    <div className="tl-axis" aria-hidden="true">
      {ticks.map((t) => (
        <span key={t} style={{ left: `${100 - (t / seconds) * 100}%` }}>
          {t === 0 ? 'now' : `−${t} s`}
        </span>
      ))}
    </div>
  );
}

/**
 * Each worker's jobs as bars from start to end over a sliding window, one lane per slot (see
 * lanes.ts), with the mean idle time between jobs: cold starts show as gaps, warm runs back to back.
 */
export function JobTimeline() {
  const [seconds, setSeconds] = useState<number>(30);
  const [paused, setPaused] = useState(false);
  const [hover, setHover] = useState<Hover | null>(null);
  const poll = usePoll<Snapshot>(
    async () => ({ timeline: await historyApi.timeline(seconds), fetchedAt: Date.now() }),
    paused ? 0 : 1000,
    [seconds, paused],
  );
  const [frozen, setFrozen] = useState<Snapshot | undefined>(undefined);
  const snap = paused ? (frozen ?? poll.data) : poll.data;
  const clock = useClock(!paused);
  const windowMs = seconds * 1000;

  const rows = useMemo(
    () => (snap ? timelineByWorker(snap.timeline.jobs, snap.timeline.workers, snap.timeline.now) : []),
    [snap],
  );
  const from = snap ? snap.timeline.now - windowMs : 0;
  const shift = snap && !paused ? Math.max(0, ((clock - snap.fetchedAt) / windowMs) * 100) : 0;

  const togglePause = () => {
    setFrozen(paused ? undefined : poll.data);
    setPaused(!paused);
  };

  return (
    <section className="panel timeline" aria-labelledby="timeline-title" data-testid="job-timeline">
      <div className="panel-head">
        <h2 id="timeline-title" className="panel-title">
          Job timeline
        </h2>
        <span className="muted small">each bar is a job, from its start to its end, per worker and slot</span>
        <div className="spacer" />
        <label className="inline-field">
          <span>Window</span>
          <select
            value={seconds}
            onChange={(e) => setSeconds(Number(e.target.value))}
            data-testid="timeline-window-select"
          >
            {WINDOWS.map((s) => (
              <option key={s} value={s}>
                last {s} s
              </option>
            ))}
          </select>
        </label>
        <button type="button" aria-pressed={paused} onClick={togglePause} data-testid="timeline-pause-button">
          {paused ? 'Resume' : 'Pause'}
        </button>
      </div>
      <ErrorBanner error={poll.error} />
      <ul className="tl-legend" aria-label="Bar colours">
        {STATUSES.map((s) => (
          <li key={s}>
            <span className={`tl-swatch tl-${s}`} aria-hidden="true" />
            {s}
          </li>
        ))}
      </ul>
      {snap && rows.length === 0 && (
        <p className="muted" data-testid="timeline-empty">
          No worker ran a job in the last {seconds} s.
        </p>
      )}
      <div className="tl-rows">
        {rows.map((row) => (
          <WorkerRow
            key={row.worker}
            row={row}
            from={from}
            windowMs={windowMs}
            shift={shift}
            onHover={setHover}
          />
        ))}
        {rows.length > 0 && <Axis seconds={seconds} />}
      </div>
      {hover && (
        <div className="tl-tooltip" role="tooltip" style={{ left: hover.left, top: hover.top }}>
          <strong className="mono">{hover.bar.id}</strong> · {hover.bar.path}
          <br />
          {hover.bar.status} ·{' '}
          {hover.bar.endMs === null ? 'running' : formatGap(hover.bar.endMs - hover.bar.startMs)} · lane{' '}
          {hover.bar.lane + 1}
        </div>
      )}
    </section>
  );
}
