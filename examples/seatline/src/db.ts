/**
 * MySQL access: the database's name and creation, the connection pool, and a transaction helper
 * that retries InnoDB deadlock victims.
 */
import mysql, { type Pool, type PoolConnection } from 'mysql2/promise';

export type { Pool, PoolConnection } from 'mysql2/promise';

/** Connections the pool keeps at most; requests beyond wait for a free one. */
const POOL_SIZE = 20;

/**
 * The database named in a `mysql://` URL's path.
 * @throws Error when the URL names no database or a name that would need quoting tricks.
 */
export function databaseName(mysqlUrl: string): string {
  const name = decodeURIComponent(new URL(mysqlUrl).pathname.replace(/^\//, ''));
  // The name is interpolated into CREATE DATABASE and the consumer group; keep it plain.
  if (!/^[A-Za-z0-9_$]{1,64}$/.test(name)) throw new Error(`SEATLINE_MYSQL_URL must name a plain database (letters, digits, _ or $), got "${name}"`);
  return name;
}

/**
 * Creates the URL's database unless it exists, over a connection without a default database.
 * @throws the connection or SQL error (server down, no privilege).
 */
export async function ensureDatabase(mysqlUrl: string): Promise<void> {
  const name = databaseName(mysqlUrl);
  const server = new URL(mysqlUrl);
  server.pathname = '/';
  const conn = await mysql.createConnection({ uri: server.toString(), connectTimeout: 5_000 });
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4`);
  } finally {
    await conn.end();
  }
}

/**
 * Opens the service's pool (connections are made lazily). Sessions keep the server's time zone:
 * rows that ticketbench inserts with NOW() then agree with the service's own NOW(6).
 */
export function createPool(mysqlUrl: string): Pool {
  return mysql.createPool({ uri: mysqlUrl, connectionLimit: POOL_SIZE, maxIdle: POOL_SIZE, connectTimeout: 5_000, enableKeepAlive: true });
}

/** Isolation levels a transaction may ask for. */
export type Isolation = 'READ COMMITTED' | 'REPEATABLE READ';

// ER_LOCK_DEADLOCK: InnoDB rolled the whole transaction back, so running it again is safe.
const DEADLOCK_ERRNO = 1213;
const DEADLOCK_ATTEMPTS = 3;

/**
 * Runs `work` in a transaction on one pooled connection: commits when it resolves, rolls back
 * when it throws. A deadlock victim is retried (up to 3 attempts in all), so `work` must not
 * have effects outside the database.
 * @param isolation applies to this transaction only.
 * @throws whatever `work` throws, or the SQL error of BEGIN/COMMIT.
 */
export async function inTransaction<T>(pool: Pool, work: (conn: PoolConnection) => Promise<T>, isolation: Isolation = 'READ COMMITTED'): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const conn = await pool.getConnection();
    try {
      await conn.query(`SET TRANSACTION ISOLATION LEVEL ${isolation}`);
      await conn.beginTransaction();
      const result = await work(conn);
      await conn.commit();
      return result;
    } catch (err) {
      await conn.rollback().catch(() => {
        // The connection may be gone; the original error is the one worth reporting.
      });
      if ((err as { errno?: number }).errno === DEADLOCK_ERRNO && attempt < DEADLOCK_ATTEMPTS) continue;
      throw err;
    } finally {
      conn.release();
    }
  }
}

/**
 * Whether `err` is a duplicate-key error (ER_DUP_ENTRY) on the unique key named `keyName`.
 * MySQL 8 names the key `table.key` in the message, MariaDB just `key`; both end with it.
 */
export function isDuplicateKey(err: unknown, keyName: string): boolean {
  const { code, message } = err as { code?: string; message?: string };
  return code === 'ER_DUP_ENTRY' && typeof message === 'string' && new RegExp(`for key '([^']*\\.)?${keyName}'`).test(message);
}
