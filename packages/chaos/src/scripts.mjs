// The scripts and worker groups every chaos run deploys.
import { PARENT_KILLING_SOURCE } from './faults/parent-killing-jobs.mjs';
import { POISON_SOURCE } from './faults/poison-jobs.mjs';

export const GENERIC_PATH = 'f/chaos/generic';
export const WARM_PATH = 'f/chaos/warm';
export const COLD_PATH = 'f/chaos/cold';
// a dedicated script on the process runtime: untrusted code in a warm process, for hostile jobs
export const PROCESS_PATH = 'f/chaos/process';
export const GENERIC_GROUP = 'chaos-generic';
export const DEDICATED_GROUP = 'chaos-dedicated';
export const PROCESS_GROUP = 'chaos-process';
export const GENERIC_TAG = 'chaos';
/** Set in the env of every job process of a run (value: the run's name), so leftovers can be found. */
export const RUN_ENV = 'MILLRACE_CHAOS_RUN';

// args.poison: a poison job (faults/poison-jobs.mjs); args.hostile: one that attacks its parent
// (faults/parent-killing-jobs.mjs)
const SLEEP_MAIN = `${POISON_SOURCE}
${PARENT_KILLING_SOURCE}
export async function main(args) {
  if (args.poison) return poison(args.poison);
  if (args.hostile) return hostile(args.hostile, args.runtime);
  if (args.ms > 0) await new Promise((r) => setTimeout(r, args.ms));
  return { i: args.i };
}`;

/**
 * Deploys the chaos scripts and groups: generic (in-host handler + an occasional cold job),
 * dedicated (thread runtime) and process (process runtime, one job at a time).
 */
export async function deployChaosScripts(settings, { concurrency = 16, run = 'chaos' } = {}) {
  for (const path of [GENERIC_PATH, COLD_PATH, WARM_PATH, PROCESS_PATH])
    await settings.deployScript({ path, content: SLEEP_MAIN, language: 'javascript' });
  await settings.setScriptSettings(GENERIC_PATH, { tag: GENERIC_TAG });
  await settings.setScriptSettings(COLD_PATH, { tag: GENERIC_TAG });
  await settings.setScriptSettings(WARM_PATH, { dedicated: true });
  await settings.setScriptSettings(PROCESS_PATH, { dedicated: true });
  const env = { [RUN_ENV]: run };
  await settings.setWorkerGroup(GENERIC_GROUP, { tags: [GENERIC_TAG], concurrency, env });
  await settings.setWorkerGroup(DEDICATED_GROUP, { dedicatedWorker: WARM_PATH, concurrency });
  // one call at a time: a job that kills its runtime takes no other job with it
  await settings.setWorkerGroup(PROCESS_GROUP, { dedicatedWorker: PROCESS_PATH, concurrency: 1, env });
}
