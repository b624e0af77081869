import { MillraceError } from '@millrace/db';

/** No script at this path (or no such version / hash of it). */
export class ScriptNotFoundError extends MillraceError {
  readonly path: string;

  constructor(path: string, detail?: string) {
    super('script_not_found', `script not found: ${path}${detail ? ` (${detail})` : ''}`);
    this.path = path;
  }
}

/** A script path that is not `segment/segment[/...]` of `a-z0-9_-`, or is too long. */
export class InvalidPathError extends MillraceError {
  constructor(path: unknown) {
    super(
      'invalid_path',
      `invalid script path ${JSON.stringify(path)}: expected at least two segments of a-z0-9_- separated by "/" (max 255 chars), e.g. f/billing/charge`,
    );
  }
}

/** Script content that cannot be deployed: does not parse, has no `main`, too large, bad language. */
export class InvalidScriptError extends MillraceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_script', message, options);
  }
}

/** Script settings refused; `issues` lists every problem found, one per field. */
export class InvalidSettingsError extends MillraceError {
  readonly issues: string[];

  constructor(issues: string[]) {
    super('invalid_settings', `invalid script settings: ${issues.join('; ')}`);
    this.issues = issues;
  }
}

export class WorkerGroupNotFoundError extends MillraceError {
  /** not `name`: that is the error class name */
  readonly groupName: string;

  constructor(name: string) {
    super('worker_group_not_found', `worker group not found: ${name}`);
    this.groupName = name;
  }
}

/** A worker group name or config refused; `issues` lists every problem found. */
export class InvalidWorkerGroupError extends MillraceError {
  readonly issues: string[];

  constructor(issues: string[]) {
    super('invalid_worker_group', `invalid worker group: ${issues.join('; ')}`);
    this.issues = issues;
  }
}

/**
 * A script's dependencies could not be resolved, installed or bundled at deploy; nothing was
 * written. `packageName` names the package (or `millrace:<path>` script) at fault, `reason` is
 * what went wrong in a few words, and the subclass's `code` says which case it is.
 */
export class DependencyError extends MillraceError {
  readonly packageName: string;
  readonly reason: string;

  constructor(code: string, packageName: string, reason: string, options?: { cause?: unknown }) {
    super(code, `dependency ${packageName}: ${reason}`, options);
    this.packageName = packageName;
    this.reason = reason;
  }
}

/** The registry has no package of that name (npm E404), or no deployed script at that path. */
export class DependencyNotFoundError extends DependencyError {
  constructor(packageName: string, reason: string, options?: { cause?: unknown }) {
    super('dependency_not_found', packageName, reason, options);
  }
}

/** The package exists but no version matches the requested one (npm ETARGET). */
export class DependencyVersionNotFoundError extends DependencyError {
  constructor(packageName: string, reason: string, options?: { cause?: unknown }) {
    super('dependency_version_not_found', packageName, reason, options);
  }
}

/** The registry could not be reached (DNS, refused connection, timeout, TLS). */
export class RegistryUnreachableError extends DependencyError {
  constructor(packageName: string, reason: string, options?: { cause?: unknown }) {
    super('registry_unreachable', packageName, reason, options);
  }
}

/**
 * The package was found but cannot become part of the script: npm refused to install it (e.g. an
 * unsupported platform), it is a native addon, or bundling it failed.
 */
export class DependencyBuildError extends DependencyError {
  constructor(packageName: string, reason: string, options?: { cause?: unknown }) {
    super('dependency_build_failed', packageName, reason, options);
  }
}

/** Resolving and installing the dependencies took longer than the deploy timeout. */
export class DependencyTimeoutError extends DependencyError {
  constructor(packageName: string, reason: string, options?: { cause?: unknown }) {
    super('dependency_timeout', packageName, reason, options);
  }
}

export class ScheduleNotFoundError extends MillraceError {
  readonly scheduleName: string;

  constructor(name: string) {
    super('schedule_not_found', `schedule not found: ${name}`);
    this.scheduleName = name;
  }
}

/** A schedule name or definition refused (cron, timezone, args, path); `issues` lists every problem. */
export class InvalidScheduleError extends MillraceError {
  readonly issues: string[];

  constructor(issues: string[]) {
    super('invalid_schedule', `invalid schedule: ${issues.join('; ')}`);
    this.issues = issues;
  }
}

/** A failure handler target or handler path refused. */
export class InvalidFailureHandlerError extends MillraceError {
  readonly issues: string[];

  constructor(issues: string[]) {
    super('invalid_failure_handler', `invalid failure handler: ${issues.join('; ')}`);
    this.issues = issues;
  }
}
