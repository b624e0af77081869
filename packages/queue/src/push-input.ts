import type { JobDefaults } from '@millrace/settings';
import type { ValidPush } from './validate';

/**
 * The input document of PUSH_JOBS for validated pushes, with each job's script version, tag and
 * defaults (`settings.jobDefaults`, read before any transaction: PGlite has one connection). Built as text so each job's args (already serialised once
 * for the size check) are not re-encoded.
 */
export function pushInput(
  defaults: Map<string, JobDefaults>,
  valid: ValidPush[],
  pin?: { hash: string; rerunOf: string },
): string {
  const rows = valid.map(({ path, argsJson, options }) => {
    const d = defaults.get(path);
    if (!d) throw new Error(`unreachable: jobDefaults returned no entry for ${path}`);
    const scheduledFor = options.scheduledFor ? new Date(options.scheduledFor).toISOString() : null;
    const fields = {
      path,
      hash: pin?.hash ?? d.hash,
      tag: options.tag ?? d.tag,
      priority: options.priority ?? d.priority,
      max_attempts: options.maxAttempts ?? d.maxAttempts,
      timeout_ms: options.timeoutMs !== undefined ? options.timeoutMs : d.timeoutMs,
      scheduled_for: scheduledFor,
      rerun_of: pin?.rerunOf ?? null,
    };
    return `${JSON.stringify(fields).slice(0, -1)},"args":${argsJson}}`;
  });
  return `[${rows.join(',')}]`;
}
