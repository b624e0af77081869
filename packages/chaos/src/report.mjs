// Formats a chaos run's figures for people. Every number comes from the run's own measurements.

const ms = (v) => (v == null ? 'not recovered' : `${(v / 1000).toFixed(2)} s`);

export function formatReport(r) {
  const inv = r.invariants;
  const t = r.throughput;
  const kills = r.faults.killRecoveryMs.filter((x) => x != null).sort((a, b) => a - b);
  const unrecoveredKills = r.faults.killRecoveryMs.filter((x) => x == null).length;
  const lines = [
    '',
    `MILLRACE CHAOS REPORT (${r.config.jobs.toLocaleString('en')} jobs, ${r.config.generic} generic + ${r.config.dedicated} dedicated workers × ${r.config.concurrency}${r.config.process ? ` + ${r.config.process} on the process runtime × 1` : ''}${r.faults.hostPartition.skipped ? '' : ', + 1 generic on a host of its own'})`,
    '─'.repeat(78),
    'faults injected',
    `  workers SIGKILLed and replaced   ${r.faults.killedWorkers} (holding ${r.faults.killHeldJobs} running jobs)`,
    ...r.faults.connectionFaults.map((f) => `  ${f.name.padEnd(32)} recovered in ${ms(f.recoverMs)}`),
    r.faults.hostPartition.skipped
      ? `  host partition                   skipped: ${r.faults.hostPartition.skipped}`
      : hostLine(r.faults.hostPartition),
    `  proxy: connections accepted ${r.faults.proxy.accepted}, refused ${r.faults.proxy.refused}, cuts ${r.faults.proxy.cuts}`,
    'jobs',
    `  pushed (acknowledged)            ${inv.acknowledged}`,
    `  jobs in the database             ${inv.jobs}`,
    `  completed                        ${inv.completed}`,
    ...inv.statuses.map((s) => `    ${`${s.status}${s.reason ? ` (${s.reason})` : ''}`.padEnd(31)}${s.n}`),
    `  re-run (lost attempts)           ${inv.lostAttempts} attempts over ${inv.rerunJobs} jobs (max ${inv.maxLostPerJob} for one job)`,
    `    of which from live workers     ${inv.lostFromLiveWorkers} (held by the cut-off host, or claims whose reply a fault cut off: reaped, re-run, fenced)`,
    `  failed by worker loss            ${inv.failedByWorkerLoss}`,
    `  LOST                             ${inv.lost}`,
    `  DUPLICATES                       ${inv.duplicates}`,
    `  stuck running                    ${inv.stuckRunning}`,
    `  attempts not accounted for       ${inv.attemptsUnaccounted}`,
    `  fencing violations               ${inv.fencingViolations}`,
    `  poison jobs                      ${poisonLine(r.poison)}`,
    `  parent-killing jobs              ${parentKillingLine(r.parentKilling)}`,
    `  processes left by jobs           ${r.strayProcesses}`,
    `  workers killed by a job          ${r.workersDiedUnasked.length}`,
    `  workers frozen                   ${r.frozenWorkers.length}`,
    'pushes during faults',
    `  failed pushes                    ${r.pushes.errors} (retried ${r.pushes.retried}, committed despite the error ${r.pushes.committedDespiteError}; none dropped)`,
    ...r.pushes.errorMessages.slice(0, 5).map((m) => `    ${m.slice(0, 110)}`),
    'throughput',
    `  drained in                       ${r.drainSeconds.toFixed(1)} s → ${r.jobsPerSecond.toFixed(0)} jobs/s overall`,
    `  per second (completed_at)        min ${t.min}, p10 ${t.p10}, p50 ${t.p50}, max ${t.max}; ${t.zeroSeconds} s with none`,
    'time to recover',
    `  killed worker's jobs finished    ${kills.length ? `p50 ${ms(kills[Math.floor(kills.length / 2)])}, max ${ms(kills[kills.length - 1])}` : 'n/a'}${unrecoveredKills ? `, ${unrecoveredKills} not recovered` : ''}`,
    '─'.repeat(78),
    r.ok ? 'RESULT: PASS' : `RESULT: FAIL${r.timedOut ? ' (timed out)' : ''}`,
    ...inv.problems.map((p) => `  ✗ ${p}`),
    `(total ${r.seconds.toFixed(1)} s; worker logs: ${r.logFile})`,
    '',
  ];
  return lines.join('\n');
}

function hostLine(h) {
  return (
    `  host cut off (link down)         ${h.heldJobs} jobs it held finished elsewhere in ${ms(h.finishedElsewhereMs)}; ` +
    `back, it did ${h.jobsDoneAfter} more and exited ${h.exitCode}`
  );
}

function parentKillingLine(p) {
  if (p.skipped) return `skipped: ${p.skipped}`;
  return (
    `${p.pushed} (SIGKILL parent / group / -1, setsid'd daemons, memory, forged answers; cold + process runtime): ` +
    `${p.asExpected} failed as they should${p.unexpected.length ? `, ${p.unexpected.length} kinds unexpected` : ''}`
  );
}

function poisonLine(p) {
  return (
    `${p.pushed} (NUL / lone surrogate in logs, results, errors): ${p.asExpected} ended as the rule says, ` +
    `${p.sanitizedLogs} logs stored with U+FFFD${p.unexpected.length ? `, ${p.unexpected.length} kinds unexpected` : ''}`
  );
}
