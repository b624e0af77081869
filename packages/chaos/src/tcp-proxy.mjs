// A small TCP proxy on loopback for fault injection between clients (workers) and PostgreSQL:
// cut() drops every open connection (and, for a while, refuses new ones), delay(ms) adds latency
// to every chunk in both directions. Chunk order is kept per direction.
import net from 'node:net';

/**
 * @param {{ targetHost?: string, targetPort: number, host?: string, port?: number }} options
 *   host: the address to listen on (default 127.0.0.1; a veth address for a worker in a network namespace)
 * @returns {Promise<{ port: number, url(base: string): string, cut(opts?: { refuseMs?: number }): number,
 *   delay(ms: number): void, connections(): number, close(): Promise<void>, stats: { cuts: number, refused: number, accepted: number } }>}
 */
export async function startTcpProxy({ targetHost = '127.0.0.1', targetPort, host = '127.0.0.1', port = 0 }) {
  const live = new Set();
  const stats = { cuts: 0, refused: 0, accepted: 0 };
  let latencyMs = 0;
  let refuseUntil = 0;

  // Each direction is a FIFO: a chunk leaves `latencyMs` after it arrived, never before the one ahead.
  function pipeDelayed(from, to) {
    let tail = Promise.resolve();
    from.on('data', (chunk) => {
      const ms = latencyMs;
      if (ms === 0) {
        tail = tail.then(() => {
          if (!to.destroyed) to.write(chunk);
        });
        return;
      }
      const due = Date.now() + ms;
      tail = tail.then(
        () =>
          new Promise((resolve) => {
            setTimeout(
              () => {
                if (!to.destroyed) to.write(chunk);
                resolve();
              },
              Math.max(0, due - Date.now()),
            );
          }),
      );
    });
    from.on('end', () => {
      void tail.then(() => to.end());
    });
  }

  const server = net.createServer((client) => {
    if (Date.now() < refuseUntil) {
      stats.refused++;
      client.destroy();
      return;
    }
    stats.accepted++;
    const upstream = net.connect(targetPort, targetHost);
    const pair = { client, upstream };
    live.add(pair);
    const drop = () => {
      live.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    pipeDelayed(client, upstream);
    pipeDelayed(upstream, client);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());

  return {
    port: address.port,
    stats,
    /** the same PostgreSQL URL, through the proxy */
    url(base) {
      const u = new URL(base);
      u.hostname = host;
      u.port = String(address.port);
      return u.toString();
    },
    /** Drops every open connection; with refuseMs, new connections are refused for that long. */
    cut({ refuseMs = 0 } = {}) {
      stats.cuts++;
      refuseUntil = Date.now() + refuseMs;
      const n = live.size;
      for (const pair of [...live]) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      live.clear();
      return n;
    },
    delay(ms) {
      latencyMs = Math.max(0, ms);
    },
    connections() {
      return live.size;
    },
    async close() {
      for (const pair of live) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      live.clear();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
