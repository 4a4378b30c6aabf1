/**
 * MySQL / MariaDB `SHOW GLOBAL STATUS` counters read before and after the load phase. The
 * counters are server-wide: every client of the server counts, not only the target.
 */
import type { Connection, RowDataPacket } from 'mysql2/promise';

/**
 * Cumulative counters whose difference over the load phase is reported, by their status name.
 * `Innodb_row_lock_time` is in milliseconds; the rest are counts (bytes for `Bytes_*`). A server
 * lacks some: MySQL 8 has `Innodb_rows_*` but no `Rows_read` / `Rows_sent` nor
 * `Innodb_deadlocks`; MariaDB 10.6+ the reverse.
 */
export const MYSQL_STATUS_COUNTERS = [
  'Queries',
  'Questions',
  'Com_select',
  'Com_insert',
  'Com_update',
  'Com_delete',
  'Com_commit',
  'Com_rollback',
  'Innodb_row_lock_waits',
  'Innodb_row_lock_time',
  'Innodb_rows_read',
  'Innodb_rows_inserted',
  'Innodb_rows_updated',
  'Innodb_rows_deleted',
  'Innodb_deadlocks',
  'Rows_read',
  'Rows_sent',
  'Connections',
  'Slow_queries',
  'Bytes_received',
  'Bytes_sent',
] as const;

/** Counters every client's statement bumps, so the observer's own statements are taken out of them. */
export const STATEMENT_COUNTERS: readonly string[] = ['Queries', 'Questions'];

/** The gauge sampled during the load; its maximum is reported as `Threads_connected_max`. */
export const THREADS_CONNECTED = 'Threads_connected';

/** Key of the sampled maximum of `Threads_connected` in `ObservedDeltas.mysql`. */
export const THREADS_CONNECTED_MAX = 'Threads_connected_max';

/** Status values by name; names the server does not have are absent. */
export type MysqlStatus = ReadonlyMap<string, number>;

/**
 * Reads the counters of `MYSQL_STATUS_COUNTERS` and `Threads_connected` in one statement.
 * Values that are not numbers are skipped.
 * @throws the driver's error.
 */
export async function readMysqlStatus(conn: Connection): Promise<MysqlStatus> {
  const names = [...MYSQL_STATUS_COUNTERS, THREADS_CONNECTED];
  const [rows] = await conn.query<RowDataPacket[]>(`SHOW GLOBAL STATUS WHERE Variable_name IN (${names.map(() => '?').join(',')})`, names);
  const status = new Map<string, number>();
  for (const row of rows) {
    const value = Number(row.Value);
    if (Number.isFinite(value)) status.set(String(row.Variable_name), value);
  }
  return status;
}

/**
 * Reads `Threads_connected` alone (the cheap statement the sampler repeats).
 * @returns undefined when the server did not answer a number.
 * @throws the driver's error.
 */
export async function readThreadsConnected(conn: Connection): Promise<number | undefined> {
  const [rows] = await conn.query<RowDataPacket[]>(`SHOW GLOBAL STATUS LIKE '${THREADS_CONNECTED}'`);
  const value = Number(rows[0]?.Value);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Differences of `MYSQL_STATUS_COUNTERS` between two reads. `ownStatements` (statements the
 * observer sent after the `before` read, the `after` read included) are subtracted from
 * `Queries` and `Questions`, which count them. A counter missing from either read is left out; a
 * counter that went down (server restarted) reports its `after` value.
 */
export function diffMysqlStatus(before: MysqlStatus, after: MysqlStatus, ownStatements = 0): Record<string, number> {
  const deltas: Record<string, number> = {};
  for (const name of MYSQL_STATUS_COUNTERS) {
    const a = before.get(name);
    const b = after.get(name);
    if (a === undefined || b === undefined) continue;
    let delta = b >= a ? b - a : b;
    if (STATEMENT_COUNTERS.includes(name)) delta = Math.max(0, delta - ownStatements);
    deltas[name] = delta;
  }
  return deltas;
}
