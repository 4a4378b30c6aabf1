/**
 * The mysql2/promise pool and a transaction helper.
 * Every session runs with `time_zone = '+00:00'` and mysql2 reads DATETIMEs as UTC, so
 * `NOW(6)`, column defaults and the `Date`s the service returns all mean the same instant.
 */
import mysql, { type Pool, type PoolConnection } from 'mysql2/promise';
import type { PoolStats } from './metrics.ts';

export type { Pool, PoolConnection } from 'mysql2/promise';

/**
 * Creates the pool; connections are opened lazily.
 * @param url `mysql://user:pass@host:port/database`.
 * @param size maximum connections (requests beyond wait for a free one).
 */
export function createPool(url: string, size: number): Pool {
  const pool = mysql.createPool({
    uri: url.replace(/^mariadb:/, 'mysql:'),
    connectionLimit: size,
    maxIdle: size,
    waitForConnections: true,
    queueLimit: 0,
    timezone: 'Z',
    connectTimeout: 5_000,
    enableKeepAlive: true,
  });
  // The pool hands out a connection only after this runs: mysql2 queues commands per connection.
  pool.pool.on('connection', (conn) => {
    conn.query("SET time_zone = '+00:00'", () => {
      // A failure here means the connection is broken; the caller's own query reports it.
    });
  });
  return pool;
}

/**
 * Opens `size` connections now, so the first burst of requests does not pay for connection
 * handshakes (HikariCP, which the seed projects use, fills its pool at startup the same way).
 * @throws the first connection error.
 */
export async function fillPool(pool: Pool, size: number): Promise<void> {
  const connections = await Promise.all(Array.from({ length: size }, () => pool.getConnection()));
  await Promise.all(connections.map((conn) => conn.query('SELECT 1')));
  for (const conn of connections) conn.release();
}

/**
 * Reads the pool's connection counts for the `db_pool_*` gauges. mysql2 has no public API for
 * them, so this reads the core pool's queues (`_allConnections`, `_freeConnections`,
 * `_connectionQueue`, mysql2 3.x).
 * @returns undefined when those fields are missing (another mysql2 version), so the gauges stay
 *   absent rather than read 0.
 */
export function readPoolStats(pool: Pool): PoolStats | undefined {
  const core = (pool as { pool?: unknown }).pool as Record<string, unknown> | undefined;
  const sizeOf = (field: string): number | undefined => {
    const length = (core?.[field] as { length?: unknown } | undefined)?.length;
    return typeof length === 'number' ? length : undefined;
  };
  const total = sizeOf('_allConnections');
  const free = sizeOf('_freeConnections');
  const queued = sizeOf('_connectionQueue');
  if (total === undefined || free === undefined || queued === undefined) return undefined;
  return { total, free, inUse: Math.max(0, total - free), queued };
}

// The transaction helper is shared with the toolkit's seeder.
export { inTransaction, type IsolationLevel } from '../../src/util/transaction.ts';
