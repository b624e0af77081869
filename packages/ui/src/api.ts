// Every call the UI makes to the server, in one place (docs/http-api.md is the contract).
import { SseParser } from './sse';
import { readToken, signalTokenNeeded } from './token';
import type {
  Counts,
  FailureHandler,
  FailureHandlerTarget,
  Job,
  JobFilter,
  JobInput,
  JobStatus,
  Schedule,
  ScheduleInput,
  Script,
  ScriptSettings,
  ScriptVersion,
  Throughput,
  Worker,
  WorkerGroup,
  WorkerGroupInput,
} from './types';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** A readable one-liner for any thrown value, for the UI's error banners. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return `${err.message} (${err.code}, HTTP ${err.status})`;
  if (err instanceof Error) return err.message;
  return String(err);
}

function headers(extra?: Record<string, string>): Record<string, string> {
  const token = readToken();
  return { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}), ...extra };
}

async function errorFrom(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = res.statusText || 'Request failed';
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // Not JSON (a proxy error page, say): keep the status line.
  }
  if (res.status === 401) signalTokenNeeded();
  return new ApiError(res.status, code, message);
}

async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      // every write says JSON, even without a body: the server refuses writes a cross-site page
      // could send without a CORS preflight (docs/security.md)
      headers: headers(method === 'GET' ? undefined : { 'Content-Type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, 'network', `Cannot reach the server: ${err instanceof Error ? err.message : err}`);
  }
  if (!res.ok) throw await errorFrom(res);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('Content-Type') ?? '';
  return (type.includes('application/json') ? res.json() : res.text()) as Promise<T>;
}

/** Script paths keep their slashes in URLs; each segment is still encoded defensively. */
export function pathUrl(prefix: string, path: string): string {
  return `${prefix}/${path.split('/').map(encodeURIComponent).join('/')}`;
}

/** Every page of a paged list (`limit` + cursor, docs/http-api.md), concatenated. */
async function allPages<T>(url: string, list: string, cursor: 'after' | 'before'): Promise<T[]> {
  const items: T[] = [];
  const next = cursor === 'after' ? 'nextAfter' : 'nextBefore';
  let at: string | null = null;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const target: string = at === null ? url : `${url}${sep}${cursor}=${encodeURIComponent(at)}`;
    const page: Record<string, unknown> = await request('GET', target);
    items.push(...(page[list] as T[]));
    at = (page[next] as string | null | undefined) ?? null;
  } while (at !== null);
  return items;
}

function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const api = {
  auth: () => request<{ required: boolean; ok: boolean }>('GET', '/api/auth'),
  health: () => request<{ ok: boolean; version?: string; db?: string }>('GET', '/api/health'),

  listScripts: () => allPages<Script>('/api/scripts', 'scripts', 'after'),
  getScript: (path: string, version?: number) =>
    request<Script>('GET', pathUrl('/api/scripts', path) + query({ version })),
  deployScript: (input: { path: string; content: string; language: string }) =>
    request<{ path: string; hash: string; version: number }>('POST', '/api/scripts', input),
  listVersions: (path: string) =>
    allPages<ScriptVersion>(pathUrl('/api/script-versions', path), 'versions', 'before'),
  putSettings: (path: string, settings: Partial<ScriptSettings>) =>
    request<{ path: string; settings: ScriptSettings; resolvedTag: string }>(
      'PUT',
      pathUrl('/api/script-settings', path),
      settings,
    ),

  listGroups: () => allPages<WorkerGroup>('/api/worker-groups', 'groups', 'after'),
  putGroup: (name: string, group: WorkerGroupInput) =>
    request<WorkerGroup>('PUT', `/api/worker-groups/${encodeURIComponent(name)}`, group),
  deleteGroup: (name: string) => request<void>('DELETE', `/api/worker-groups/${encodeURIComponent(name)}`),
  listWorkers: () => request<{ workers: Worker[] }>('GET', '/api/workers').then((r) => r.workers),

  listJobs: (filter: JobFilter & { limit?: number; before?: string | null }) =>
    request<{ jobs: Job[]; nextBefore: string | null }>('GET', `/api/jobs${query(filter)}`),
  getJob: (id: string) => request<Job>('GET', `/api/jobs/${encodeURIComponent(id)}`),
  pushJob: (job: JobInput) => request<{ id: string }>('POST', '/api/jobs', job),
  pushJobs: (jobs: JobInput[]) => request<{ ids: string[] }>('POST', '/api/jobs', { jobs }),
  cancelJob: (id: string) => request<Job>('POST', `/api/jobs/${encodeURIComponent(id)}/cancel`),
  rerunJob: (id: string) => request<{ id: string }>('POST', `/api/jobs/${encodeURIComponent(id)}/rerun`, {}),
  jobLogs: (id: string) => request<string>('GET', `/api/jobs/${encodeURIComponent(id)}/logs`),

  listSchedules: () => request<{ schedules: Schedule[] }>('GET', '/api/schedules').then((r) => r.schedules),
  putSchedule: (name: string, input: ScheduleInput) =>
    request<Schedule>('PUT', `/api/schedules/${encodeURIComponent(name)}`, input),
  deleteSchedule: (name: string) => request<void>('DELETE', `/api/schedules/${encodeURIComponent(name)}`),
  listFailureHandlers: () =>
    request<{ handlers: FailureHandler[] }>('GET', '/api/failure-handlers').then((r) => r.handlers),
  /** `handler` null removes it. */
  putFailureHandler: (target: FailureHandlerTarget, handler: string | null) =>
    request<{ handler: FailureHandler | null }>('PUT', '/api/failure-handlers', { ...target, handler }),

  counts: () => request<Counts>('GET', '/api/counts'),
  throughput: (minutes: number) => request<Throughput>('GET', `/api/stats/throughput${query({ minutes })}`),
};

export type LogStreamHandlers = {
  onLog: (seq: number, text: string) => void;
  onEnd: (status: JobStatus) => void;
  onError: (err: unknown) => void;
};

/**
 * Reads the job's SSE log stream with fetch, not EventSource: EventSource cannot send the
 * Authorization header, and a token in the query string would leak into logs and history.
 * Resumes after a dropped connection from the last seq; stops on `end` or abort.
 */
export function streamJobLogs(id: string, handlers: LogStreamHandlers, signal: AbortSignal): void {
  let lastSeq = 0;
  let ended = false;
  const url = `/api/jobs/${encodeURIComponent(id)}/logs/stream`;

  const connect = async (): Promise<void> => {
    const res = await fetch(url, {
      headers: headers({
        Accept: 'text/event-stream',
        ...(lastSeq ? { 'Last-Event-ID': String(lastSeq) } : {}),
      }),
      signal,
    });
    if (!res.ok || !res.body) throw await errorFrom(res);
    const parser = new SseParser();
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      for (const event of parser.push(value)) {
        if (event.event === 'log') {
          const chunk = JSON.parse(event.data) as { seq: number; text: string };
          if (chunk.seq <= lastSeq) continue;
          lastSeq = chunk.seq;
          handlers.onLog(chunk.seq, chunk.text);
        } else if (event.event === 'end') {
          ended = true;
          handlers.onEnd((JSON.parse(event.data) as { status: JobStatus }).status);
          await reader.cancel();
          return;
        }
      }
    }
  };

  const loop = async (): Promise<void> => {
    let failures = 0;
    while (!ended && !signal.aborted) {
      try {
        await connect();
        failures = 0;
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof ApiError && err.status >= 400 && err.status < 500) {
          handlers.onError(err);
          return;
        }
        failures++;
        if (failures === 3) handlers.onError(err);
      }
      if (!ended && !signal.aborted)
        await new Promise((r) => setTimeout(r, Math.min(1000 * failures, 5000) || 500));
    }
  };
  void loop();
}

/** The job timeline, a job's earlier attempts, and a re-run with other args. */
export const historyApi = {
  timeline: (seconds: number) =>
    request<import('./types').Timeline>('GET', `/api/timeline${query({ seconds })}`),
  attempts: (id: string) =>
    request<{ attempts: import('./types').JobAttempt[] }>(
      'GET',
      `/api/jobs/${encodeURIComponent(id)}/attempts`,
    ).then((r) => r.attempts),
  rerunWithArgs: (id: string, args: Record<string, unknown>) =>
    request<{ id: string }>('POST', `/api/jobs/${encodeURIComponent(id)}/rerun`, { args }),
};
