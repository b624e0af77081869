// Issue 14, item 5: token guessing. After a few wrong tokens a client gets 429 with Retry-After
// for every token it sends, the right one included (a locked client learns nothing), while other
// clients are unaffected; the window ends by the clock.
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientKey, FailedAuthLimiter } from './auth-limiter';
import { errorCode, type ListeningFixture, openListeningFixture, rawRequest } from './http-test-support';

const TOKEN = 'limiter-token-0123456789';

describe.each(testDrivers())('failed token attempts (%s)', (driver) => {
  let f: ListeningFixture;
  beforeAll(async () => {
    f = await openListeningFixture(driver, { token: TOKEN, authFailures: { max: 5, windowMs: 600_000 } });
  });
  afterAll(() => f.close());

  it('locks a guessing client out with 429 + Retry-After, for the right token too; others go on', async () => {
    const guess = (token: string, path = '/api/scripts', localAddress?: string) =>
      rawRequest(f.port, { path, headers: { authorization: `Bearer ${token}` }, localAddress });
    for (let i = 0; i < 5; i++) expect((await guess(`wrong-${i}-xxxxxxxx`)).status).toBe(401);

    for (const path of ['/api/scripts', '/api/auth', '/metrics']) {
      const locked = await guess('wrong-again-xxxxxxxx', path);
      expect(locked.status, path).toBe(429);
      expect(errorCode(locked)).toBe('too_many_requests');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      expect((await guess(TOKEN, path)).status, `${path} with the right token, while locked`).toBe(429);
    }
    // no Authorization header: nothing is being guessed, the usual 401
    expect((await rawRequest(f.port, { path: '/api/scripts' })).status).toBe(401);
    // another client (another loopback source address) is not locked
    expect((await guess(TOKEN, '/api/scripts', '127.0.0.2')).status).toBe(200);
  });
});

describe('FailedAuthLimiter', () => {
  it('locks after max failures within the window and lets the client try again after it', () => {
    let now = 1_000;
    const limiter = new FailedAuthLimiter({ max: 3, windowMs: 10_000 }, () => now);
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfter('a')).toBe(0);
      limiter.fail('a');
    }
    expect(limiter.retryAfter('a')).toBe(10);
    expect(limiter.retryAfter('b')).toBe(0);
    now += 9_500;
    expect(limiter.retryAfter('a')).toBe(1);
    now += 500;
    expect(limiter.retryAfter('a')).toBe(0);
    limiter.fail('a'); // a new window
    expect(limiter.retryAfter('a')).toBe(0);
  });

  it('keys IPv6 clients by their /64 and IPv4 by address', () => {
    expect(clientKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe(clientKey('2001:db8:1:2::1'));
    expect(clientKey('2001:db8::1')).toBe(clientKey('2001:0db8:0:0:ffff::'));
    expect(clientKey('2001:db8::1')).not.toBe(clientKey('2001:db8:0:1::1'));
    expect(clientKey('10.0.0.1')).not.toBe(clientKey('10.0.0.2'));
    expect(clientKey('::ffff:10.0.0.1')).toBe('::ffff:10.0.0.1');
  });
});
