// The machine's load around a measurement: load averages and CPU idle from /proc/stat (Linux;
// elsewhere only load averages). A row is flagged busy when the machine was already busy before it
// started — other work on the machine, not the bench's own, which "during" includes.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { round } from './stats.mjs';

/** Above this share of busy CPU while the bench is idle before a row, the row is flagged busy. */
export const BUSY_CPU_SHARE = 0.5;

/** Cumulative { idle, total } jiffies over all CPUs, or null off Linux. */
function cpuTimes() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]; // "cpu  user nice system idle iowait …"
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    return { idle: v[3] + (v[4] ?? 0), total: v.reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}

const busyShare = (a, b) =>
  a && b && b.total > a.total ? round(1 - (b.idle - a.idle) / (b.total - a.total), 3) : null;

/** CPU busy share over the next `ms` (the bench idle meanwhile) and the load averages. */
export async function sampleIdleLoad(ms = 500) {
  const a = cpuTimes();
  await new Promise((r) => setTimeout(r, ms));
  return { cpuBusy: busyShare(a, cpuTimes()), loadAvg1: round(os.loadavg()[0], 2) };
}

/** Starts counting CPU busy time; `stop()` returns the share over the whole window. */
export function startLoadWindow() {
  const a = cpuTimes();
  return { stop: () => ({ cpuBusy: busyShare(a, cpuTimes()), loadAvg1: round(os.loadavg()[0], 2) }) };
}

/**
 * Busy before the row: more than half the CPU busy while the bench sat idle, so with work that is
 * not the bench's. The load average (which still counts the bench's previous row) decides only
 * where /proc/stat cannot be read.
 */
export function isBusy(before) {
  if (before.cpuBusy != null) return before.cpuBusy > BUSY_CPU_SHARE;
  return before.loadAvg1 / (os.cpus().length || 1) > 1;
}
