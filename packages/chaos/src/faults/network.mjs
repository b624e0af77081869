// Faults on the wire, through the TCP proxy every worker connects through.

/** Cuts every connection and refuses new ones for `outageMs`: a network partition or a DB restart. */
export function networkOutage(proxy, outageMs) {
  const dropped = proxy.cut({ refuseMs: outageMs });
  return { dropped, endsAt: Date.now() + outageMs };
}

/** Adds `ms` of latency each way for `forMs`, then removes it. Resolves when it is over. */
export async function latencySpike(proxy, ms, forMs) {
  proxy.delay(ms);
  await new Promise((r) => setTimeout(r, forMs));
  proxy.delay(0);
}
