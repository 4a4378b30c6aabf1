/** Small helpers for the checkers' MySQL reads. */
import type { Pool, RowDataPacket } from 'mysql2/promise';

/** Runs a read-only query and returns its rows typed as `T`. */
export async function selectRows<T>(pool: Pool, sql: string, params: readonly unknown[]): Promise<T[]> {
  const [rows] = await pool.query<RowDataPacket[]>(sql, params as unknown[]);
  return rows as unknown as T[];
}

/** `?, ?, ?` placeholders for an IN list of `n` values (n ≥ 1). */
export function placeholders(n: number): string {
  return Array.from({ length: Math.max(1, n) }, () => '?').join(', ');
}
