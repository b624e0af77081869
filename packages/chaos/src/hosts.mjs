// Several hosts on one machine: each "host" is a Linux network namespace joined to this one by a
// veth pair on a private /30, with a TCP proxy on the host-side address forwarding to PostgreSQL
// (which listens on loopback only). Cutting a host takes its link down: packets are dropped, not
// refused, so its connections hang the way a real partition leaves them. Needs root (CAP_NET_ADMIN).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startTcpProxy } from './tcp-proxy.mjs';

const run = promisify(execFile);
const ip = (...args) => run('ip', args);

/** null when namespaces can be made here, else why not (the suite then skips saying so). */
export async function netnsUnavailableReason() {
  const probe = `millrace-probe-${process.pid}`;
  try {
    await ip('netns', 'add', probe);
    await ip('netns', 'del', probe);
    return null;
  } catch (err) {
    return `ip netns is not usable here: ${String(err.stderr || err.message).trim()}`;
  }
}

/**
 * @param {{ index: number, targetHost: string, targetPort: number }} options
 *   index: 1..250, picks the namespace name and the 10.231.<index>.0/30 subnet
 */
export async function createHost({ index, targetHost, targetPort }) {
  await removeAbandonedHosts(index);
  const ns = `millrace-h${index}-${process.pid}`;
  // interface names are at most 15 characters
  const outside = `mrh${index}o${process.pid % 100000}`;
  const inside = `mrh${index}i${process.pid % 100000}`;
  const hostAddress = `10.231.${index}.1`;
  const nsAddress = `10.231.${index}.2`;
  await ip('netns', 'add', ns);
  try {
    await ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
    await ip('link', 'set', inside, 'netns', ns);
    await ip('addr', 'add', `${hostAddress}/30`, 'dev', outside);
    await ip('link', 'set', outside, 'up');
    await ip('netns', 'exec', ns, 'ip', 'addr', 'add', `${nsAddress}/30`, 'dev', inside);
    await ip('netns', 'exec', ns, 'ip', 'link', 'set', inside, 'up');
    await ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
  } catch (err) {
    await ip('link', 'del', outside).catch(() => {});
    await ip('netns', 'del', ns).catch(() => {});
    throw err;
  }
  const proxy = await startTcpProxy({ targetHost, targetPort, host: hostAddress });

  return {
    ns,
    address: nsAddress,
    /** run a command on this host: prefix its argv with this */
    wrap: ['ip', 'netns', 'exec', ns],
    /** a PostgreSQL URL as seen from inside this host */
    url: (base) => proxy.url(base),
    /** Partition: the link goes down; in-flight packets are dropped and TCP retransmits into the void. */
    cut: () => ip('link', 'set', outside, 'down'),
    restore: () => ip('link', 'set', outside, 'up'),
    async destroy() {
      await proxy.close();
      await ip('link', 'del', outside).catch(() => {}); // deleting one end deletes the pair
      await ip('netns', 'del', ns).catch(() => {});
    },
  };
}

/** Hosts on this subnet left behind by a run that was killed (its process is gone): they would clash. */
async function removeAbandonedHosts(index) {
  const { stdout } = await ip('netns', 'list');
  for (const [, pid] of stdout.matchAll(new RegExp(`^millrace-h${index}-(\\d+)`, 'gm'))) {
    if (isAlive(Number(pid))) continue;
    await ip('link', 'del', `mrh${index}o${Number(pid) % 100000}`).catch(() => {});
    await ip('netns', 'del', `millrace-h${index}-${pid}`).catch(() => {});
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
