/**
 * Facts about a performance the request paths need.
 */
import type { RowDataPacket } from 'mysql2';
import type { Pool } from './db.ts';

/**
 * Whether the performance admits holds only through its waiting room.
 * @returns undefined when no such performance exists.
 * @throws the SQL error.
 */
export async function queueEnabled(pool: Pool, performanceId: number): Promise<boolean | undefined> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT queue_enabled FROM performance WHERE id = ?', [performanceId]);
  return rows[0] ? Number(rows[0].queue_enabled) === 1 : undefined;
}
