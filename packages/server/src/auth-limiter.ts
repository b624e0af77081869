/**
 * Counts failed token attempts per client in a fixed window: after `max` failures the client is
 * refused (429) until the window ends, whatever token it sends, so guessing gets no answer at all.
 * Memory is bounded: at most MAX_CLIENTS entries, the oldest dropped first.
 */
const MAX_CLIENTS = 10_000;

export interface AuthFailureLimits {
  max: number;
  windowMs: number;
}

export const DEFAULT_AUTH_FAILURES: AuthFailureLimits = { max: 10, windowMs: 60_000 };

export class FailedAuthLimiter {
  private readonly clients = new Map<string, { failures: number; resetAt: number }>();

  constructor(
    private readonly limits: AuthFailureLimits = DEFAULT_AUTH_FAILURES,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whole seconds until `client` may try again; 0 when it may now. */
  retryAfter(client: string): number {
    const entry = this.clients.get(client);
    if (!entry) return 0;
    const left = entry.resetAt - this.now();
    if (left <= 0) {
      this.clients.delete(client);
      return 0;
    }
    return entry.failures >= this.limits.max ? Math.ceil(left / 1000) : 0;
  }

  fail(client: string): void {
    const now = this.now();
    const entry = this.clients.get(client);
    if (entry && entry.resetAt > now) {
      entry.failures++;
      return;
    }
    this.clients.delete(client); // re-inserted last: Map order is then oldest window first
    if (this.clients.size >= MAX_CLIENTS) {
      const oldest = this.clients.keys().next().value;
      if (oldest !== undefined) this.clients.delete(oldest);
    }
    this.clients.set(client, { failures: 1, resetAt: now + this.limits.windowMs });
  }
}

/** The client a failure is counted against: its address, IPv6 by its /64 (one host holds a /64). */
export function clientKey(ip: string): string {
  if (!ip.includes(':') || ip.startsWith('::ffff:') || ip.includes('.')) return ip;
  const [head, tail] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g || '0', 16).toString(16))
    .join(':');
}
