import type { Job, WorkerInfo } from '@millrace/queue';
import type { Script, ScriptSummary, ScriptVersionInfo, WorkerGroup } from '@millrace/settings';

// Core objects to the JSON shapes of docs/http-api.md: ISO dates, nothing internal (compiled code).

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function jobJson(job: Job, { list = false } = {}) {
  return {
    id: job.id,
    path: job.path,
    hash: job.hash,
    tag: job.tag,
    status: job.status,
    // list items leave out the possibly large documents; GET /api/jobs/:id has them
    ...(list ? {} : { args: job.args, result: job.status === 'success' ? job.result : null }),
    error: job.error,
    worker: job.worker,
    attempt: job.attempt,
    maxAttempts: job.maxAttempts,
    priority: job.priority,
    timeoutMs: job.timeoutMs,
    rerunOf: job.rerunOf,
    concurrencyKey: job.concurrencyKey,
    uniqueKey: job.uniqueKey,
    createdAt: iso(job.createdAt),
    scheduledFor: iso(job.scheduledFor ?? job.createdAt),
    startedAt: iso(job.startedAt),
    completedAt: iso(job.completedAt),
    durationMs: job.durationMs,
    // GET /api/jobs/:id only: the schedule tick or the failed job that pushed it
    ...(job.schedule !== undefined
      ? { schedule: job.schedule && { name: job.schedule.name, tick: iso(job.schedule.tick) } }
      : {}),
    ...(job.failureOf !== undefined ? { failureOf: job.failureOf } : {}),
  };
}

export function scriptJson(s: Script | ScriptSummary) {
  return {
    path: s.path,
    hash: s.hash,
    version: s.version,
    language: s.language,
    ...('content' in s ? { content: s.content, dependencies: s.dependencies } : {}),
    createdAt: iso(s.createdAt),
    settings: s.settings,
    resolvedTag: s.resolvedTag,
  };
}

export function versionJson(v: ScriptVersionInfo) {
  return {
    version: v.version,
    hash: v.hash,
    language: v.language,
    createdAt: iso(v.createdAt),
    dependencies: v.dependencies,
  };
}

export function groupJson(g: WorkerGroup) {
  return {
    name: g.name,
    tags: g.tags,
    dedicatedWorker: g.dedicatedWorker,
    concurrency: g.concurrency,
    env: g.env,
    initScript: g.initScript,
    servedTags: g.servedTags,
    updatedAt: iso(g.updatedAt),
  };
}

export function workerJson(w: WorkerInfo, jobsPerSecond: number) {
  return {
    name: w.name,
    group: w.group,
    tags: w.tags,
    dedicatedScript: w.dedicatedScript,
    pid: w.pid,
    host: w.host,
    startedAt: iso(w.startedAt),
    lastPing: iso(w.lastPing),
    stoppedAt: iso(w.stoppedAt),
    alive: w.alive,
    jobsDone: w.jobsDone,
    currentJobs: w.currentJobs,
    jobsPerSecond,
  };
}
