import { expect, it } from 'vitest';
import { handlerFor, parseHandlerDraft } from './failureHandler';
import type { FailureHandler } from './types';

const handlers: FailureHandler[] = [
  { scope: 'script', target: 'f/app/charge', handler: 'f/ops/alert', updatedAt: '2026-11-30T00:00:00Z' },
  { scope: 'group', target: 'f/app/charge', handler: 'f/ops/page', updatedAt: '2026-11-30T00:00:00Z' },
];

it('finds the handler of a script or of a group, never the other scope’s', () => {
  expect(handlerFor(handlers, { script: 'f/app/charge' })).toBe('f/ops/alert');
  expect(handlerFor(handlers, { group: 'f/app/charge' })).toBe('f/ops/page');
  expect(handlerFor(handlers, { script: 'f/app/other' })).toBeNull();
  expect(handlerFor([], { group: 'default' })).toBeNull();
});

it('reads an empty field as "remove" and refuses what is not a script path', () => {
  expect(parseHandlerDraft('  ')).toEqual({ ok: true, handler: null });
  expect(parseHandlerDraft(' f/ops/alert ')).toEqual({ ok: true, handler: 'f/ops/alert' });
  for (const bad of ['alert', 'f/Ops/alert', 'f//alert', 'f/ops/alert/'])
    expect(parseHandlerDraft(bad)).toMatchObject({ ok: false });
});
