import { z } from 'zod';

// Push options of flow control (docs/flow-control.md), checked with the rest of a push's options.

/** A key chosen by the caller: printable text, no control characters. */
const keySchema = z
  .string()
  .min(1)
  .max(200)
  .refine((key) => ![...key].some((c) => c < ' ' || c === '\u007f'), 'key: no control characters');

export const flowOptions = {
  concurrencyKey: keySchema.optional(),
  concurrencyLimit: z.number().int().min(1).max(10_000).optional(),
  rateLimit: z
    .object({ max: z.number().int().min(1).max(10_000), windowMs: z.number().int().min(1).max(86_400_000) })
    .strict()
    .optional(),
  uniqueKey: keySchema.optional(),
  uniqueWhileRunning: z.boolean().optional(),
  debounceMs: z.number().int().min(0).max(86_400_000).optional(),
};

interface FlowFields {
  concurrencyKey?: string;
  concurrencyLimit?: number;
  rateLimit?: unknown;
  uniqueKey?: string;
  uniqueWhileRunning?: boolean;
  debounceMs?: number;
  scheduledFor?: unknown;
}

/** Options that only mean something together. */
export function flowOptionRules(o: FlowFields, ctx: z.RefinementCtx): void {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (o.uniqueKey === undefined) {
    if (o.uniqueWhileRunning !== undefined) issue('uniqueWhileRunning', 'needs uniqueKey');
    if (o.debounceMs !== undefined) issue('debounceMs', 'needs uniqueKey');
  }
  if (o.debounceMs !== undefined && o.scheduledFor !== undefined)
    issue('debounceMs', 'sets the start itself: leave out scheduledFor');
  if (o.debounceMs !== undefined && o.uniqueWhileRunning)
    issue('debounceMs', 'replaces a queued job only: leave out uniqueWhileRunning');
  if (o.concurrencyKey === undefined && (o.concurrencyLimit !== undefined || o.rateLimit !== undefined))
    issue(o.concurrencyLimit !== undefined ? 'concurrencyLimit' : 'rateLimit', 'needs concurrencyKey');
}
