import type { RateLimit } from './types';

/** The flow-control fields of the script settings form, as typed (docs/flow-control.md). */
export type FlowLimitsDraft = { maxRunning: string; rateMax: string; rateWindowSeconds: string };

export function flowLimitsDraft(s: {
  maxRunning: number | null;
  rateLimit: RateLimit | null;
}): FlowLimitsDraft {
  return {
    maxRunning: s.maxRunning === null ? '' : String(s.maxRunning),
    rateMax: s.rateLimit === null ? '' : String(s.rateLimit.max),
    rateWindowSeconds: s.rateLimit === null ? '' : String(s.rateLimit.windowMs / 1000),
  };
}

/** Empty fields mean "no limit"; a rate needs both its count and its window. */
export function parseFlowLimits(
  d: FlowLimitsDraft,
): { ok: true; maxRunning: number | null; rateLimit: RateLimit | null } | { ok: false; message: string } {
  const maxRunning = d.maxRunning.trim() === '' ? null : Number(d.maxRunning);
  if (maxRunning !== null && (!Number.isInteger(maxRunning) || maxRunning < 1 || maxRunning > 10_000))
    return {
      ok: false,
      message: 'Max running must be a whole number from 1 to 10,000 (or empty for no limit).',
    };
  const max = d.rateMax.trim();
  const window = d.rateWindowSeconds.trim();
  if (max === '' && window === '') return { ok: true, maxRunning, rateLimit: null };
  const rateMax = Number(max);
  const windowMs = Math.round(Number(window) * 1000);
  if (max === '' || !Number.isInteger(rateMax) || rateMax < 1 || rateMax > 10_000)
    return { ok: false, message: 'Rate limit: starts must be a whole number from 1 to 10,000.' };
  if (window === '' || !Number.isFinite(windowMs) || windowMs < 1 || windowMs > 86_400_000)
    return { ok: false, message: 'Rate limit: the window must be more than 0 and at most 86,400 seconds.' };
  return { ok: true, maxRunning, rateLimit: { max: rateMax, windowMs } };
}
