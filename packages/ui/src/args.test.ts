import { describe, expect, it } from 'vitest';
import { parseJobArgs, parseRunCount } from './args';

describe('parseJobArgs', () => {
  it('accepts a JSON object and treats an empty box as {}', () => {
    expect(parseJobArgs('{"a": 1, "b": [true]}')).toEqual({ ok: true, args: { a: 1, b: [true] } });
    expect(parseJobArgs('  \n')).toEqual({ ok: true, args: {} });
  });

  it('refuses text that is not JSON, with the parser message', () => {
    const r = parseJobArgs('{a: 1}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/not valid JSON/);
  });

  it.each([
    ['[1,2]', 'an array'],
    ['null', 'null'],
    ['42', 'a number'],
    ['"x"', 'a string'],
  ])('refuses %s: args must be an object', (text, kind) => {
    const r = parseJobArgs(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(kind);
  });
});

describe('parseRunCount', () => {
  it('takes whole numbers from 1 to 1000 only', () => {
    expect(parseRunCount('50')).toBe(50);
    expect(parseRunCount(' 1 ')).toBe(1);
    expect(parseRunCount('0')).toBeNull();
    expect(parseRunCount('1001')).toBeNull();
    expect(parseRunCount('2.5')).toBeNull();
    expect(parseRunCount('')).toBeNull();
  });
});
