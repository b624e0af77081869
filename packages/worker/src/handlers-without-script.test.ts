// A library consumer registers an in-host handler and pushes to it: no placeholder script deploy.
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDedicatedWorker, startWorker } from './index';
import { openWorkerFixture, type WorkerFixture } from './test-support';

describe.each(testDrivers())('in-host handlers without a deployed script on %s', (driver) => {
  let f: WorkerFixture;
  beforeAll(async () => {
    f = await openWorkerFixture(driver);
  });
  afterAll(() => f.drop());

  const startHost = (group: string, handlers: Parameters<typeof startDedicatedWorker>[0]['handlers']) =>
    startDedicatedWorker({
      db: f.db,
      queue: f.queue,
      settings: f.settings,
      group,
      heartbeat: { pingMs: 200, reapEveryMs: 0 },
      onError: () => {},
      handlers,
    }).then((w) => {
      f.workers.push(w);
      return w;
    });

  it('a worker started with handlers makes their paths pushable, with settings like any script', async () => {
    await f.settings.setWorkerGroup('hosts', { tags: ['hosts'] });
    const w = await startWorker({
      db: f.db,
      queue: f.queue,
      settings: f.settings,
      group: 'hosts',
      heartbeat: { pingMs: 200, reapEveryMs: 0 },
      onError: () => {},
      handlers: {
        'f/host/send': async (args) => {
          const { to } = args as { to: string };
          console.log(`to ${to}`);
          return { sent: to };
        },
      },
    });
    f.workers.push(w);
    expect(await f.settings.getScript('f/host/send')).toMatchObject({
      language: 'handler',
      version: 1,
      code: '',
    });
    await f.settings.setScriptSettings('f/host/send', { tag: 'hosts', maxAttempts: 2 });
    const id = await f.queue.push('f/host/send', { to: 'ada@example.com' });
    expect(await f.finished(id)).toMatchObject({
      status: 'success',
      tag: 'hosts',
      result: { sent: 'ada@example.com' },
    });
    expect(await f.queue.logs(id)).toBe('to ada@example.com\n');
  });

  it('registered up front, a handler path takes both dedicated steps', async () => {
    expect(await f.settings.registerHandlers(['f/host/mail'])).toEqual(['f/host/mail']);
    await f.settings.setWorkerGroup('mail', { dedicatedWorker: 'f/host/mail' });
    await f.settings.setScriptSettings('f/host/mail', { dedicated: true });
    await startHost('mail', { 'f/host/mail': async () => 'mailed' });
    const job = await f.finished(await f.queue.push('f/host/mail'));
    expect(job).toMatchObject({ status: 'success', tag: 'dedicated:f/host/mail', result: 'mailed' });
  });

  it('leaves a deployed script at the path as it is', async () => {
    await f.deploy('f/host/deployed', 'export const main = () => "script";');
    await f.settings.setWorkerGroup('hosted2', { dedicatedWorker: 'f/host/deployed' });
    await startHost('hosted2', { 'f/host/deployed': async () => 'handler' });
    expect(await f.settings.getScript('f/host/deployed')).toMatchObject({
      language: 'typescript',
      version: 1,
    });
    expect(await f.settings.registerHandlers(['f/host/deployed', 'f/host/mail'])).toEqual([]);
  });

  it('fails a handler job that reaches a worker without the handler, for good, and says how to route it', async () => {
    await f.settings.registerHandlers(['f/host/elsewhere']);
    await f.settings.setScriptSettings('f/host/elsewhere', { maxAttempts: 3 });
    await f.start({ group: 'default' }); // a generic worker serving `node`, the path's default tag
    const job = await f.finished(await f.queue.push('f/host/elsewhere'));
    expect(job.status).toBe('failure');
    expect(job.attempt).toBe(1);
    expect(job.error).toMatchObject({ name: 'NoHandlerError', reason: 'no_handler' });
    expect(job.error?.message).toContain('in-host handler');
  });

  it('refuses a deploy in the handler language: handler versions come only from registering', async () => {
    await expect(
      // biome-ignore lint/suspicious/noExplicitAny: the type forbids it; a JavaScript caller may not care
      f.settings.deployScript({ path: 'f/host/fake', content: '', language: 'handler' as any }),
    ).rejects.toMatchObject({ code: 'invalid_script' });
    await expect(f.settings.getScript('f/host/fake')).rejects.toMatchObject({ code: 'script_not_found' });
  });
});
