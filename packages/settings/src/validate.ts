import type { z } from 'zod';
import {
  InvalidPathError,
  InvalidScriptError,
  InvalidSettingsError,
  InvalidWorkerGroupError,
} from './errors';
import {
  deployInputSchema,
  scriptPathSchema,
  scriptSettingsPatchSchema,
  workerGroupInputSchema,
  workerGroupNameSchema,
} from './schemas';
import type { DeployLanguage, ScriptSettingsPatch, WorkerGroupInput } from './types';

/** The boundary: every public call parses its input here, once, into typed errors. */

/** Returns `path` if it is a well-formed script path, else throws InvalidPathError. */
export function validateScriptPath(path: unknown): string {
  const parsed = scriptPathSchema.safeParse(path);
  if (!parsed.success) throw new InvalidPathError(path);
  return parsed.data;
}

export function parseDeployInput(input: unknown): {
  path: string;
  content: string;
  language: DeployLanguage;
} {
  const parsed = deployInputSchema.safeParse(input);
  if (!parsed.success)
    throw new InvalidScriptError(`invalid deploy input: ${describeIssues(parsed.error).join('; ')}`);
  return { ...parsed.data, path: validateScriptPath(parsed.data.path) };
}

export function parseScriptSettingsPatch(patch: unknown): ScriptSettingsPatch {
  const parsed = scriptSettingsPatchSchema.safeParse(patch);
  if (!parsed.success) throw new InvalidSettingsError(describeIssues(parsed.error));
  return parsed.data;
}

export function validateWorkerGroupName(name: unknown): string {
  const parsed = workerGroupNameSchema.safeParse(name);
  if (!parsed.success)
    throw new InvalidWorkerGroupError([`name ${JSON.stringify(name)}: ${parsed.error.issues[0].message}`]);
  return parsed.data;
}

export function parseWorkerGroupInput(input: unknown): WorkerGroupInput {
  const parsed = workerGroupInputSchema.safeParse(input);
  if (!parsed.success) throw new InvalidWorkerGroupError(describeIssues(parsed.error));
  return parsed.data;
}

/** One line per problem, prefixed with the field it concerns, so a caller can fix them all at once. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') return `unknown key(s): ${issue.keys.join(', ')}`;
    return where ? `${where}: ${issue.message}` : issue.message;
  });
}
