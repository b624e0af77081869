import schema0001 from '../migrations/0001_schema.sql';
import claimFunction0002 from '../migrations/0002_claim_function.sql';
import claimByCtid0003 from '../migrations/0003_claim_by_ctid.sql';
import historyPartitions0004 from '../migrations/0004_history_partitions.sql';
import jobCounters0005 from '../migrations/0005_job_counters.sql';
import unsuccessfulFilters0006 from '../migrations/0006_unsuccessful_filters.sql';
import workerGroupLimits0007 from '../migrations/0007_worker_group_limits.sql';
import schedulesFailureHandlers0008 from '../migrations/0008_schedules_failure_handlers.sql';
import flowControl0009 from '../migrations/0009_flow_control.sql';
import scriptDependencies0010 from '../migrations/0010_script_dependencies.sql';
import claimFastPathPruneKeys0011 from '../migrations/0011_claim_fast_path_prune_keys.sql';

export interface Migration {
  id: number;
  name: string;
  sql: string;
}

/** Every migration, in order. Inlined at build time: nothing is read from disk at run time. */
export const migrations: readonly Migration[] = [
  { id: 1, name: '0001_schema', sql: schema0001 },
  { id: 2, name: '0002_claim_function', sql: claimFunction0002 },
  { id: 3, name: '0003_claim_by_ctid', sql: claimByCtid0003 },
  { id: 4, name: '0004_history_partitions', sql: historyPartitions0004 },
  { id: 5, name: '0005_job_counters', sql: jobCounters0005 },
  { id: 6, name: '0006_unsuccessful_filters', sql: unsuccessfulFilters0006 },
  { id: 7, name: '0007_worker_group_limits', sql: workerGroupLimits0007 },
  { id: 8, name: '0008_schedules_failure_handlers', sql: schedulesFailureHandlers0008 },
  { id: 9, name: '0009_flow_control', sql: flowControl0009 },
  { id: 10, name: '0010_script_dependencies', sql: scriptDependencies0010 },
  { id: 11, name: '0011_claim_fast_path_prune_keys', sql: claimFastPathPruneKeys0011 },
];
