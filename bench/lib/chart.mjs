// A hand-written SVG bar chart of throughput per scenario and runner, log scale (jobs/s spans
// 10 to 10^6 across runners). No browser, no dependency: one horizontal bar per row, grouped by
// scenario, coloured by runner; failed rows are drawn as a labelled gap.

const COLOURS = {
  'for-loop': '#7f7f7f',
  handlers: '#1f77b4',
  thread: '#2ca02c',
  process: '#17becf',
  generic: '#ff7f0e',
  'generic-naive': '#d62728',
  'graphile-worker': '#9467bd',
  'pg-boss': '#8c564b',
  bullmq: '#e377c2',
  'Windmill (26 M)': '#000000',
};

const LABEL_W = 150;
const PLOT_W = 560;
const VALUE_W = 110;
const BAR_H = 14;
const GAP = 4;
const GROUP_HEAD = 24;

const escapeXml = (s) =>
  String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const fmt = (v) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : String(v));

/**
 * `scenarios`: [{ id, title, rows: [{ runner, jobsPerSec?, error? }] }] → SVG text.
 * The x axis runs over whole decades covering every value.
 */
export function throughputChart(scenarios, { title = 'Throughput per runner (jobs/s, log scale)' } = {}) {
  const values = scenarios.flatMap((s) => s.rows.map((r) => r.jobsPerSec).filter((v) => v > 0));
  const lo = Math.floor(Math.log10(Math.min(1, ...values)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(10, ...values))));
  const x = (v) => LABEL_W + ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * PLOT_W;
  const parts = [];
  let y = 50;
  for (const scenario of scenarios) {
    parts.push(`<text x="4" y="${y + 16}" font-weight="bold">${escapeXml(scenario.title)}</text>`);
    y += GROUP_HEAD;
    for (const row of scenario.rows) {
      const colour = COLOURS[row.runner] ?? '#444';
      parts.push(
        `<text x="${LABEL_W - 6}" y="${y + BAR_H - 3}" text-anchor="end">${escapeXml(row.runner)}</text>`,
      );
      if (row.jobsPerSec > 0) {
        const w = Math.max(1, x(row.jobsPerSec) - LABEL_W);
        parts.push(
          `<rect x="${LABEL_W}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${colour}"/>`,
        );
        parts.push(
          `<text x="${(LABEL_W + w + 4).toFixed(1)}" y="${y + BAR_H - 3}">${fmt(row.jobsPerSec)}</text>`,
        );
      } else {
        parts.push(
          `<text x="${LABEL_W + 4}" y="${y + BAR_H - 3}" fill="#b00">${escapeXml(row.error ? 'failed' : 'not run')}</text>`,
        );
      }
      y += BAR_H + GAP;
    }
  }
  const height = y + 30;
  const axis = [];
  for (let d = lo; d <= hi; d++) {
    const gx = x(10 ** d).toFixed(1);
    axis.push(`<line x1="${gx}" y1="40" x2="${gx}" y2="${y}" stroke="#ddd"/>`);
    axis.push(`<text x="${gx}" y="${y + 16}" text-anchor="middle" fill="#666">${fmt(10 ** d)}</text>`);
  }
  const width = LABEL_W + PLOT_W + VALUE_W;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="4" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    ...axis,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

/**
 * Jobs per month per worker, in millions, per scenario (job length × concurrency), with Windmill's
 * 26 M as a bar in every group: the seed's picture, generic vs dedicated across job lengths.
 */
export function jobsPerMonthChart(scenarios, windmillMillions = 26) {
  return throughputChart(
    scenarios.map((s) => ({
      ...s,
      rows: [
        ...s.rows.map((r) => ({ ...r, jobsPerSec: r.jobsPerMonth ? r.jobsPerMonth / 1e6 : null })),
        { runner: 'Windmill (26 M)', jobsPerSec: windmillMillions },
      ],
    })),
    { title: 'Jobs per month per worker (millions, log scale) against Windmill’s 26 M' },
  );
}
