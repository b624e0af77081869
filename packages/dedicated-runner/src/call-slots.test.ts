// CallSlots alone: the one place that decides how many calls run at once and which starts next.
import { expect, test } from 'vitest';
import { CallSlots } from '../runtime/call-slots.mjs';

test('admits up to the limit, then queues in arrival order and starts the next as each slot frees', () => {
  const started: string[] = [];
  const slots = new CallSlots<string>(2, (item) => started.push(item));
  expect(['a', 'b', 'c', 'd'].map((item) => slots.admit(item))).toEqual([true, true, false, false]);
  expect(slots.running).toBe(2);
  // the next one starts inside release(), before whoever freed the slot hears back
  expect(slots.release()).toBe(true);
  expect(started).toEqual(['c']);
  expect(slots.running).toBe(2);
  expect(slots.release()).toBe(true);
  expect(slots.release()).toBe(false);
  expect(slots.release()).toBe(false);
  expect(started).toEqual(['c', 'd']);
  expect(slots.running).toBe(0);
  expect(slots.admit('e')).toBe(true);
});

test('a dropped waiting item never starts; a running or unknown one cannot be dropped', () => {
  const started: number[] = [];
  const slots = new CallSlots<{ id: number }>(1, (item) => started.push(item.id));
  const [a, b, c] = [{ id: 1 }, { id: 2 }, { id: 3 }];
  for (const item of [a, b, c]) slots.admit(item);
  expect(slots.drop((item) => item.id === 2)).toBe(true);
  expect(slots.drop((item) => item.id === 2)).toBe(false);
  expect(slots.drop((item) => item.id === 1)).toBe(false); // running
  slots.release();
  expect(started).toEqual([3]);
});

test('takeWaiting empties the queue without starting anything', () => {
  const started: string[] = [];
  const slots = new CallSlots<string>(1, (item) => started.push(item));
  for (const item of ['a', 'b', 'c']) slots.admit(item);
  expect(slots.takeWaiting()).toEqual(['b', 'c']);
  expect(slots.release()).toBe(false);
  expect(started).toEqual([]);
});
