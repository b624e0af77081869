import { describe, expect, it } from 'vitest';
import { formatAgo, formatDuration, formatRate } from './format';

describe('formatters', () => {
  it('formats durations from ms to hours', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(0.4)).toBe('<1 ms');
    expect(formatDuration(12)).toBe('12 ms');
    expect(formatDuration(1534)).toBe('1.53 s');
    expect(formatDuration(42_000)).toBe('42.0 s');
    expect(formatDuration(125_000)).toBe('2m 5s');
    expect(formatDuration(3_700_000)).toBe('1h 1m');
  });

  it('formats times relative to now', () => {
    const now = Date.parse('2025-01-01T00:10:00Z');
    expect(formatAgo('2025-01-01T00:09:55Z', now)).toBe('5 s ago');
    expect(formatAgo('2025-01-01T00:07:00Z', now)).toBe('3 min ago');
    expect(formatAgo('2025-01-01T00:10:30Z', now)).toBe('in 30 s');
    expect(formatAgo(null, now)).toBe('—');
  });

  it('formats rates', () => {
    expect(formatRate(0)).toBe('0/s');
    expect(formatRate(2.345)).toBe('2.3/s');
    expect(formatRate(1234.5)).toBe('1235/s');
  });
});
