import { describe, expect, it } from 'vitest';
import { SpareTarget } from './spare-target';

const booting = { gotBooted: false, foundBooting: true, bootedLeft: 0 };
const booted = (bootedLeft: number) => ({ gotBooted: true, foundBooting: false, bootedLeft });

describe('how many spares to keep', () => {
  it('starts at min', () => {
    expect(new SpareTarget({ min: 2, max: 4 }).value).toBe(2);
  });

  it('keeps one more each time a job finds every spare still booting, up to max', () => {
    const target = new SpareTarget({ min: 2, max: 4 });
    expect([target.taken(booting), target.taken(booting), target.taken(booting)]).toEqual([3, 4, 4]);
  });

  it('keeps one fewer when a job leaves two booted spares behind, down to min', () => {
    const target = new SpareTarget({ min: 2, max: 4 });
    target.taken(booting);
    target.taken(booting);
    expect([target.taken(booted(2)), target.taken(booted(3)), target.taken(booted(2))]).toEqual([3, 2, 2]);
  });

  it('stays put while jobs find a booted spare and leave fewer than two', () => {
    const target = new SpareTarget({ min: 2, max: 4 });
    target.taken(booting);
    expect([target.taken(booted(1)), target.taken(booted(0))]).toEqual([3, 3]);
  });

  it('does not grow when no spare was there at all (none could start, or the env changed)', () => {
    const target = new SpareTarget({ min: 1, max: 4 });
    expect(target.taken({ gotBooted: false, foundBooting: false, bootedLeft: 0 })).toBe(1);
  });

  it('never grows past max when min equals max', () => {
    const target = new SpareTarget({ min: 1, max: 1 });
    expect(target.taken(booting)).toBe(1);
  });
});
