import { describe, expect, it } from 'vitest';
import { flowLimitsDraft, parseFlowLimits } from './flowLimits';

describe('flow limits in the script settings form', () => {
  it('empty fields are no limit; values round-trip through the draft', () => {
    expect(parseFlowLimits({ maxRunning: '', rateMax: '', rateWindowSeconds: '' })).toEqual({
      ok: true,
      maxRunning: null,
      rateLimit: null,
    });
    const settings = { maxRunning: 2, rateLimit: { max: 10, windowMs: 1500 } };
    expect(parseFlowLimits(flowLimitsDraft(settings))).toEqual({ ok: true, ...settings });
  });

  it('refuses bad numbers and a half-given rate', () => {
    for (const d of [
      { maxRunning: '0', rateMax: '', rateWindowSeconds: '' },
      { maxRunning: '1.5', rateMax: '', rateWindowSeconds: '' },
      { maxRunning: '', rateMax: '5', rateWindowSeconds: '' },
      { maxRunning: '', rateMax: '', rateWindowSeconds: '60' },
      { maxRunning: '', rateMax: '5', rateWindowSeconds: '0' },
      { maxRunning: '', rateMax: 'x', rateWindowSeconds: '60' },
    ]) {
      expect(parseFlowLimits(d).ok).toBe(false);
    }
  });
});
