// The open loop's producer: a child process of the bench (forked by open-loop.mjs), so its pushes
// never share an event loop with the worker under test. Protocol over the IPC channel:
//   ← { type: 'open', producer }          open the system's producer (systems/pushers.mjs)
//   → { type: 'ready' }
//   ← { type: 'run', rate, total, startAt, lanes }   startAt: monotonic ms (lib/arrivals.mjs)
//   → { type: 'push', seq, payloads }  (ipc producers only) ← { type: 'pushed', seq, ids }
//   → { type: 'done', records, late }   records: [i, due, sent, acked, id, error] per job
import { open } from '../systems/pushers.mjs';
import { runArrivals } from './arrivals.mjs';

const send = (msg) =>
  new Promise((resolve, reject) => process.send(msg, (err) => (err ? reject(err) : resolve())));

let seq = 0;
const ipcWaiters = new Map();
const viaIpc = (payloads) =>
  new Promise((resolve) => {
    const n = seq++;
    ipcWaiters.set(n, resolve);
    process.send({ type: 'push', seq: n, payloads });
  });

let producer;
process.on('message', async (msg) => {
  try {
    if (msg.type === 'open') {
      producer = await open(msg.producer, { send: viaIpc });
      await send({ type: 'ready' });
    } else if (msg.type === 'pushed') {
      ipcWaiters.get(msg.seq)?.(msg.ids);
      ipcWaiters.delete(msg.seq);
    } else if (msg.type === 'run') {
      const { records, late } = await runArrivals({
        rate: msg.rate,
        total: msg.total,
        startAt: msg.startAt,
        lanes: msg.lanes,
        push: (i, due) => producer.push({ i, due }),
        pushMany: (batch) => producer.pushMany(batch.map(({ i, due }) => ({ i, due }))),
      });
      await producer.close().catch(() => {});
      await send({
        type: 'done',
        late,
        records: records.map((r) => [
          r.i,
          r.due,
          r.sent,
          r.acked,
          r.id == null ? null : String(r.id),
          r.error,
        ]),
      });
      process.disconnect();
    }
  } catch (err) {
    process.send({ type: 'error', message: err?.stack ?? String(err) });
    process.disconnect();
  }
});
