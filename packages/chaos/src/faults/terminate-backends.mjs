// Fault: the database drops every connection of the chaos database (pg_terminate_backend), as a
// restart or failover does. Only the chaos database's sessions are touched, never other databases'.

/** @param {import('@millrace/db').Db} admin a connection to another database (it survives) */
/** @returns {Promise<number>} how many sessions were terminated */
export async function terminateBackends(admin, database) {
  const { rows } = await admin.query(
    `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
     WHERE datname = $1 AND pid <> pg_backend_pid()`,
    [database],
  );
  return rows[0].n;
}
