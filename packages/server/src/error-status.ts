/**
 * Every Millrace error code, of every package, and the HTTP status the API answers it with. The
 * API returns the code unchanged (`{ error: { code, message } }`): no renaming between the
 * library and HTTP. Adding an error class: add its code here and to docs/errors.md (a test in
 * packages/cli fails until both list it). Codes that cannot reach the API (runner, worker, CLI)
 * are listed too, so that one table answers "what does this code mean over HTTP".
 */
export const ERROR_STATUS = {
  // @millrace/db
  database_error: 503,
  migration_failed: 500,
  data_dir_locked: 503,
  // @millrace/dedicated-runner
  invalid_args: 400,
  invalid_runner_options: 400,
  script_error: 500,
  result_not_json: 500,
  result_too_large: 500,
  run_timeout: 504,
  run_canceled: 409,
  runtime_crashed: 500,
  runner_closed: 503,
  load_error: 500,
  // @millrace/settings
  invalid_path: 400,
  invalid_script: 400,
  invalid_settings: 400,
  invalid_worker_group: 400,
  script_not_found: 404,
  worker_group_not_found: 404,
  invalid_schedule: 400,
  invalid_failure_handler: 400,
  schedule_not_found: 404,
  dependency_not_found: 422,
  dependency_version_not_found: 422,
  dependency_build_failed: 422,
  registry_unreachable: 502,
  dependency_timeout: 504,
  // @millrace/queue
  invalid_job_options: 400,
  job_not_found: 404,
  args_too_large: 413,
  wait_timeout: 504,
  history_busy: 503,
  // @millrace/worker
  worker_config: 400,
  init_script_failed: 500,
  invalid_cold_executor_options: 400,
  cold_wrapper_not_found: 500,
  row_refused: 500,
  write_failing: 503,
  // @millrace/server: its config, and the HTTP layer's own (HttpError.codes)
  server_config: 500,
  validation: 400,
  unauthorized: 401,
  cross_site_request: 403,
  not_found: 404,
  script_version_not_found: 404,
  job_canceled: 409,
  job_already_completed: 409,
  payload_too_large: 413,
  json_required: 415,
  host_not_allowed: 421,
  too_many_requests: 429,
  too_many_streams: 429,
  job_failed: 500,
  internal: 500,
  // @millrace/cli (CliError.codes): printed by the CLI, never sent by the server
  usage: 400,
  bad_flags: 400,
  unknown_language: 400,
  file_not_found: 404,
  database_unreachable: 503,
  stop_incomplete: 500,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The status of a code; a code missing from the table is a bug (500). */
export function statusOf(code: string): number {
  return (ERROR_STATUS as Record<string, number>)[code] ?? 500;
}
