// The worker-group editor's text fields <-> the API's WorkerGroupInput.
import type { WorkerGroup, WorkerGroupInput } from './types';

export type GroupDraft = {
  name: string;
  tags: string;
  dedicatedWorker: string;
  concurrency: string;
  env: string;
  initScript: string;
};

export const emptyGroupDraft: GroupDraft = {
  name: '',
  tags: 'node',
  dedicatedWorker: '',
  concurrency: '1',
  env: '',
  initScript: '',
};

export function draftFromGroup(group: WorkerGroup): GroupDraft {
  return {
    name: group.name,
    tags: group.tags.join(', '),
    dedicatedWorker: group.dedicatedWorker ?? '',
    concurrency: String(group.concurrency),
    env: Object.entries(group.env)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
    initScript: group.initScript ?? '',
  };
}

const NAME = /^[a-z0-9_-]+$/;
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type GroupParse = { ok: true; name: string; group: WorkerGroupInput } | { ok: false; message: string };

export function parseGroupDraft(draft: GroupDraft): GroupParse {
  const name = draft.name.trim();
  if (!NAME.test(name))
    return { ok: false, message: 'Group name: lower-case letters, digits, "-" and "_" only.' };
  const concurrency = Number(draft.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    return { ok: false, message: 'Concurrency must be a whole number of at least 1.' };
  }
  const tags = draft.tags
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter(Boolean);
  const env: Record<string, string> = {};
  const lines = draft.env.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]?.trim() ?? '';
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const key = eq === -1 ? line : line.slice(0, eq).trim();
    if (eq === -1 || !ENV_KEY.test(key)) {
      return { ok: false, message: `Env line ${i + 1}: expected KEY=value, got "${line}".` };
    }
    env[key] = line.slice(eq + 1);
  }
  const dedicatedWorker = draft.dedicatedWorker.trim() || null;
  if (!dedicatedWorker && tags.length === 0) {
    return { ok: false, message: 'Give the group at least one tag, or a script to be dedicated to.' };
  }
  return {
    ok: true,
    name,
    group: {
      tags,
      dedicatedWorker,
      concurrency,
      env,
      initScript: draft.initScript.trim() ? draft.initScript : null,
    },
  };
}
