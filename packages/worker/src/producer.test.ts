// The Producer alone, against a real queue: when it claims. A NOTIFY is never lost (not during a
// claim, not while every slot is busy), the fallback poll still finds what no NOTIFY announced,
// and a freed slot with nothing announced sends no claim (an idle worker's claim after each job
// found nothing, and the next job's NOTIFY waited for it to come back).
import { type ClaimedJob, JOBS_CHANNEL, Queue } from '@millrace/queue';
import { Settings } from '@millrace/settings';
import { openTestDb, type TestDb, testDrivers, waitFor } from '@millrace/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Producer } from './producer';

const PATH = 'f/producer/job';
const turns = async (n = 20) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe.each(testDrivers())('Producer on %s', (driver) => {
  let t: TestDb;
  let queue: Queue;
  let producer: Producer | undefined;
  let free: number;
  let got: ClaimedJob[];
  /** every claim the producer sent: its statement ran, how many jobs came back (null while in flight) */
  let claims: { ran: boolean; returned: number | null }[];
  /** when set, a claim's reply is held back until it resolves (the statement itself has run) */
  let gate: Promise<void> | null;

  beforeEach(async () => {
    t = await openTestDb(driver);
    const settings = new Settings(t.db);
    await settings.deployScript({ path: PATH, content: 'export const main = () => 1;' });
    queue = new Queue(t.db, { settings });
    const claim = queue.claim.bind(queue);
    queue.claim = async (worker, tags, limit) => {
      const entry: { ran: boolean; returned: number | null } = { ran: false, returned: null };
      claims.push(entry);
      const jobs = await claim(worker, tags, limit);
      entry.ran = true;
      await gate;
      entry.returned = jobs.length;
      return jobs;
    };
    free = 1;
    got = [];
    claims = [];
    gate = null;
  }, 60_000);

  afterEach(async () => {
    await producer?.stop();
    producer = undefined;
    await t.drop();
  });

  async function start(pollMs = 60_000) {
    producer = new Producer({
      queue,
      db: t.db,
      worker: 'w1',
      pollMs,
      freeSlots: () => free - got.length,
      onJobs: (jobs) => got.push(...jobs),
    });
    await producer.start(['node']);
    await waitFor(() => claims[0]?.returned === 0); // the first look finds an empty queue
  }

  /** pushes a job and resolves once the NOTIFY reached this process (the producer heard it first) */
  async function pushAndHear(): Promise<string> {
    let heard = false;
    const unlisten = await t.db.listen(JOBS_CHANNEL, () => {
      heard = true;
    });
    const id = await queue.push(PATH, {});
    await waitFor(() => heard);
    await unlisten();
    return id;
  }

  it('claims again when a NOTIFY arrives while a claim is in flight', async () => {
    await start();
    free = 2;
    let open = () => {};
    gate = new Promise((resolve) => {
      open = resolve;
    });
    const first = await pushAndHear(); // its claim runs and is held back before it returns
    await waitFor(() => claims[1]?.ran);
    const second = await pushAndHear(); // heard while that claim is in flight, after its statement ran
    open();
    await waitFor(() => got.length === 2);
    expect(got.map((j) => j.id)).toEqual([first, second]);
    expect(claims.map((c) => c.returned)).toEqual([0, 1, 1]);
  });

  it('claims a job announced while no slot was free as soon as a slot frees', async () => {
    await start();
    free = 0;
    const id = await pushAndHear();
    await turns();
    expect(claims).toHaveLength(1); // no room: nothing sent
    free = 1;
    producer?.wake(); // a job ended
    await waitFor(() => got.length === 1);
    expect(got[0].id).toBe(id);
  });

  it('sends no claim when a slot frees and nothing was announced since the last one', async () => {
    await start();
    free = 3;
    producer?.wake(); // jobs ended: room, but no NOTIFY since the last claim found the queue empty
    producer?.wake();
    await turns();
    expect(claims).toHaveLength(1);
    const id = await pushAndHear();
    await waitFor(() => got.length === 1);
    expect(got[0].id).toBe(id);
    expect(claims).toHaveLength(2);
  });

  it('claims at the poll what no NOTIFY announced (a job that comes due later)', async () => {
    await start(50);
    const id = await queue.push(PATH, {}, { scheduledFor: new Date(Date.now() + 300) });
    await waitFor(() => got.length === 1, { timeoutMs: 10_000 });
    expect(got[0].id).toBe(id);
  });

  it('polls on time on a worker whose slots free up more often than the poll interval', async () => {
    await start(200);
    free = 5;
    const id = await queue.push(PATH, {}, { scheduledFor: new Date(Date.now() + 300) });
    let waking = true;
    const keepWaking = (async () => {
      while (waking) {
        producer?.wake(); // a job ended, every 20 ms: each wake-up used to restart the poll's timer
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      await waitFor(() => got.length === 1, { timeoutMs: 10_000 });
    } finally {
      waking = false;
      await keepWaking;
    }
    expect(got[0].id).toBe(id);
  });
});
