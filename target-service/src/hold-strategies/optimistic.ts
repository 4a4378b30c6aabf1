/**
 * `optimistic` (seeds 000 and 002: a `@Version` column): a plain read of the seat's status and
 * version, then one transaction whose `UPDATE ... WHERE version = ? AND status = 'AVAILABLE'`
 * only succeeds if nobody changed the seat since the read. No lock is waited for; a lost race
 * is retried from the read after a full-jitter backoff, at most `optimisticRetries` times, then
 * answered 409 SEAT_CONFLICT. Usually the re-read already shows the winner's HELD, so most losers
 * get SEAT_UNAVAILABLE.
 */
import type { ResultSetHeader, RowDataPacket } from 'mysql2';
import { inTransaction, type Pool } from '../db.ts';
import { HttpError } from '../errors.ts';
import { findSeatForHold, insertReservation, seatUnavailable } from './seat-queries.ts';
import type { HoldInput, HoldStrategyFactory } from './types.ts';

// Upper bound of one backoff, however many retries are configured.
const MAX_BACKOFF_MS = 1_000;

/**
 * Full-jitter backoff before retry number `retry` (1-based): uniform in
 * [0, min(MAX_BACKOFF_MS, baseMs * 2^(retry - 1))).
 */
export function optimisticBackoffMs(baseMs: number, retry: number): number {
  return Math.random() * Math.min(MAX_BACKOFF_MS, baseMs * 2 ** (retry - 1));
}

// A retry signal inside the transaction callback; makes inTransaction roll back.
class VersionConflict extends Error {}

async function readSeatVersion(pool: Pool, input: HoldInput, seatId: number): Promise<{ status: string; version: number }> {
  const [rows] = await pool.execute<RowDataPacket[]>('SELECT status, version FROM seats WHERE id = ?', [seatId]);
  const row = rows[0];
  if (!row) throw new HttpError(404, 'SEAT_NOT_FOUND', `Seat ${input.seatNo} of schedule ${input.scheduleId} does not exist.`);
  return { status: String(row.status), version: Number(row.version) };
}

/** Creates the `optimistic` strategy. */
export const createOptimisticStrategy: HoldStrategyFactory = ({ pool, holdTtlMs, optimisticRetries, optimisticBackoffMs: baseMs, metrics }) => ({
  name: 'optimistic',
  usesConfirmGuard: true,
  async hold(input, attempts) {
    const first = await findSeatForHold(pool, input);
    const seatId = first.seatId;
    for (let retry = 0; ; retry += 1) {
      if (retry > 0) await new Promise((resolve) => setTimeout(resolve, optimisticBackoffMs(baseMs, retry)));
      // The first attempt uses the lookup's read; each retry reads the version again.
      const seat = retry === 0 ? first : await readSeatVersion(pool, input, seatId);
      if (seat.status !== 'AVAILABLE') throw seatUnavailable(input, seat.status);
      attempts.count += 1;
      try {
        return await inTransaction(pool, async (conn) => {
          const [updated] = await conn.execute<ResultSetHeader>(
            "UPDATE seats SET status = 'HELD', version = version + 1 WHERE id = ? AND version = ? AND status = 'AVAILABLE'",
            [seatId, seat.version],
          );
          if (updated.affectedRows === 0) throw new VersionConflict();
          return insertReservation(conn, input, holdTtlMs);
        });
      } catch (err) {
        if (!(err instanceof VersionConflict)) throw err;
        if (retry >= optimisticRetries) {
          throw new HttpError(
            409,
            'SEAT_CONFLICT',
            `Seat ${input.seatNo} of schedule ${input.scheduleId} kept changing; gave up after ${attempts.count} attempt(s).`,
          );
        }
        metrics?.optimisticRetries.inc();
      }
    }
  },
});
