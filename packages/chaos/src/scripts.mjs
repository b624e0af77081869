// The scripts and worker groups every chaos run deploys.
import { POISON_SOURCE } from './faults/poison-jobs.mjs';

export const GENERIC_PATH = 'f/chaos/generic';
export const WARM_PATH = 'f/chaos/warm';
export const COLD_PATH = 'f/chaos/cold';
export const GENERIC_GROUP = 'chaos-generic';
export const DEDICATED_GROUP = 'chaos-dedicated';
export const GENERIC_TAG = 'chaos';

// args.poison: a poison job (faults/poison-jobs.mjs)
const SLEEP_MAIN = `${POISON_SOURCE}
export async function main(args) {
  if (args.poison) return poison(args.poison);
  if (args.ms > 0) await new Promise((r) => setTimeout(r, args.ms));
  return { i: args.i };
}`;

/** Deploys the chaos scripts and groups: generic (in-host handler + an occasional cold job) and dedicated. */
export async function deployChaosScripts(settings, { concurrency = 16 } = {}) {
  await settings.deployScript({ path: GENERIC_PATH, content: SLEEP_MAIN, language: 'javascript' });
  await settings.deployScript({ path: COLD_PATH, content: SLEEP_MAIN, language: 'javascript' });
  await settings.deployScript({ path: WARM_PATH, content: SLEEP_MAIN, language: 'javascript' });
  await settings.setScriptSettings(GENERIC_PATH, { tag: GENERIC_TAG });
  await settings.setScriptSettings(COLD_PATH, { tag: GENERIC_TAG });
  await settings.setScriptSettings(WARM_PATH, { dedicated: true });
  await settings.setWorkerGroup(GENERIC_GROUP, { tags: [GENERIC_TAG], concurrency });
  await settings.setWorkerGroup(DEDICATED_GROUP, { dedicatedWorker: WARM_PATH, concurrency });
}
