/**
 * `pessimistic` (seed 004's recommendation): one transaction takes the seat's row lock with
 * `SELECT ... FOR UPDATE`, checks it is AVAILABLE, marks it HELD and inserts the reservation.
 * Concurrent holds of a seat queue on the row lock instead of failing fast, so waits are bounded:
 * the session's `innodb_lock_wait_timeout` is set to `LOCK_WAIT_TIMEOUT_S`, and a lock wait
 * timeout or a deadlock is answered 409 SEAT_LOCKED.
 *
 * The setting stays on the pooled connection afterwards. Every other statement of this service
 * holds row locks for milliseconds, so the shorter bound only matters in a pathological case.
 */
import type { RowDataPacket } from 'mysql2';
import { inTransaction } from '../db.ts';
import { HttpError } from '../errors.ts';
import { secondsSince } from '../metrics.ts';
import { findSeatForHold, insertHold, seatLocked, seatUnavailable } from './seat-queries.ts';
import type { HoldStrategyFactory } from './types.ts';

/** Longest a hold waits for a seat's row lock, seconds. */
export const LOCK_WAIT_TIMEOUT_S = 5;

const ER_LOCK_WAIT_TIMEOUT = 1205;
const ER_LOCK_DEADLOCK = 1213;

/** True for a lock wait timeout (1205) or a deadlock (1213): lost contention, not a fault. */
export function isLockContention(err: unknown): boolean {
  const errno = (err as { errno?: unknown } | null)?.errno;
  return errno === ER_LOCK_WAIT_TIMEOUT || errno === ER_LOCK_DEADLOCK;
}

/** Creates the `pessimistic` strategy. */
export const createPessimisticStrategy: HoldStrategyFactory = ({ pool, holdTtlMs, metrics }) => ({
  name: 'pessimistic',
  usesConfirmGuard: true,
  async hold(input, attempts) {
    const { seatId, status: seen } = await findSeatForHold(pool, input);
    // A seat already taken when read is answered without a transaction or a row lock: nothing
    // but an expiry makes a taken seat AVAILABLE again, and losing to that timing is fair.
    if (seen !== 'AVAILABLE') throw seatUnavailable(input, seen);
    attempts.count += 1;
    try {
      return await inTransaction(pool, async (conn) => {
        await conn.query(`SET SESSION innodb_lock_wait_timeout = ${LOCK_WAIT_TIMEOUT_S}`);
        const started = process.hrtime.bigint();
        // Observed on failure too: a wait that timed out is the longest wait there is.
        const [rows] = await conn
          .execute<RowDataPacket[]>('SELECT status FROM seats WHERE id = ? FOR UPDATE', [seatId])
          .finally(() => metrics?.dbRowLockWait.observe(secondsSince(started)));
        const row = rows[0];
        if (!row) throw new HttpError(404, 'SEAT_NOT_FOUND', `Seat ${input.seatNo} of schedule ${input.scheduleId} does not exist.`);
        const status = String(row.status);
        if (status !== 'AVAILABLE') throw seatUnavailable(input, status);
        return insertHold(conn, input, seatId, holdTtlMs);
      });
    } catch (err) {
      if ((err as { errno?: unknown } | null)?.errno === ER_LOCK_WAIT_TIMEOUT) metrics?.dbLockTimeouts.inc();
      if (isLockContention(err)) throw seatLocked(input);
      throw err;
    }
  },
});
