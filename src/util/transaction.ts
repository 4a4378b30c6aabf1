/**
 * Runs work in one MySQL transaction on a pooled connection. A leaf helper shared by the toolkit
 * (the seeder) and the bundled target (every write path).
 */
import type { Pool, PoolConnection } from 'mysql2/promise';

/** Isolation levels a transaction can ask for. */
export type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ';

/**
 * Runs `work` in one transaction on a pooled connection: commit when it resolves, rollback when
 * it throws (the error is rethrown), connection always released.
 * @param isolation for this transaction only; the server default (REPEATABLE READ) otherwise.
 */
export async function inTransaction<T>(pool: Pool, work: (conn: PoolConnection) => Promise<T>, isolation?: IsolationLevel): Promise<T> {
  const conn = await pool.getConnection();
  try {
    if (isolation) await conn.query(`SET TRANSACTION ISOLATION LEVEL ${isolation}`);
    await conn.beginTransaction();
    try {
      const result = await work(conn);
      await conn.commit();
      return result;
    } catch (err) {
      await conn.rollback().catch(() => {
        // The connection is probably broken; the original error is the one worth reporting.
      });
      throw err;
    }
  } finally {
    conn.release();
  }
}
