import { useEffect, useId, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api } from '../api';
import { formatRate } from '../format';
import type { Throughput } from '../types';
import { usePoll } from '../usePoll';
import { ErrorBanner } from './ErrorBanner';

const COLORS = ['#2563eb', '#16a34a', '#db2777', '#ea580c', '#7c3aed', '#0891b2', '#ca8a04', '#64748b'];
const WINDOWS = [5, 15, 60];
const HEIGHT = 180;

function chartOptions(width: number, tags: string[]): uPlot.Options {
  return {
    width,
    height: HEIGHT,
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [
      { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.15)' } },
      {
        stroke: 'currentColor',
        grid: { stroke: 'rgba(128,128,128,0.15)' },
        size: 56,
        values: (_u, ticks) => ticks.map((t) => `${t}/s`),
      },
    ],
    series: [
      {},
      ...tags.map((tag, i) => ({
        label: tag,
        stroke: COLORS[i % COLORS.length],
        width: 2,
        points: { show: false },
        value: (_u: uPlot, v: number | null) => (v === null ? '—' : formatRate(v)),
      })),
    ],
  };
}

function toAligned(data: Throughput): uPlot.AlignedData {
  return [data.timestamps, ...data.series.map((s) => s.values)];
}

/** Completed jobs per second per tag over the last minutes, polled every 5 s. */
export function ThroughputChart() {
  const [minutes, setMinutes] = useState(15);
  const poll = usePoll(() => api.throughput(minutes), 5000, [minutes]);
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<{ chart: uPlot; key: string } | null>(null);
  const selectId = useId();
  const data = poll.data;
  const tags = data?.series.map((s) => s.tag) ?? [];
  const tagKey = tags.join('\n');

  useEffect(() => {
    const el = host.current;
    if (!el || !data || data.series.length === 0) {
      plot.current?.chart.destroy();
      plot.current = null;
      return;
    }
    if (plot.current && plot.current.key === tagKey) {
      plot.current.chart.setData(toAligned(data));
      return;
    }
    plot.current?.chart.destroy();
    const chart = new uPlot(chartOptions(el.clientWidth || 600, tagKey.split('\n')), toAligned(data), el);
    plot.current = { chart, key: tagKey };
  }, [data, tagKey]);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const observer = new ResizeObserver(() => {
      plot.current?.chart.setSize({ width: el.clientWidth, height: HEIGHT });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.current?.chart.destroy();
      plot.current = null;
    };
  }, []);

  // The newest bucket is still filling: the one before it is the "current" rate in words.
  const latest =
    data?.series.map((s) => ({ tag: s.tag, rate: s.values.at(-2) ?? s.values.at(-1) ?? 0 })) ?? [];

  return (
    <figure className="panel chart" data-testid="throughput-chart">
      <div className="panel-head">
        <figcaption className="panel-title">Throughput — completed jobs per second, per tag</figcaption>
        <label className="inline-field" htmlFor={selectId}>
          Window
          <select
            id={selectId}
            value={minutes}
            onChange={(e) => setMinutes(Number(e.target.value))}
            data-testid="throughput-window-select"
          >
            {WINDOWS.map((m) => (
              <option key={m} value={m}>
                last {m} min
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorBanner error={poll.error} />
      <div ref={host} className="chart-host" aria-hidden="true" />
      {data && data.series.length === 0 && (
        <p className="muted empty">No jobs completed in the last {minutes} minutes.</p>
      )}
      {latest.length > 0 && (
        <p className="sr-summary" data-testid="throughput-summary">
          Now:{' '}
          {latest.map((l, i) => (
            <span key={l.tag}>
              {i > 0 && ', '}
              <code>{l.tag}</code> {formatRate(l.rate)}
            </span>
          ))}
        </p>
      )}
    </figure>
  );
}
