/**
 * Hold-expiry sweep: HELD reservations past `expires_at` become EXPIRED and their seats
 * AVAILABLE again. The reservation rows are claimed `FOR UPDATE SKIP LOCKED`, the same row lock
 * a payment takes, so a reservation is either paid or expired, never both.
 */
import type { RowDataPacket } from 'mysql2';
import { inTransaction, type Pool } from './db.ts';
import type { Logger } from './log.ts';
import { startLoop, type Loop } from './timing.ts';

/** Reservations expired per transaction. */
export const EXPIRY_BATCH = 500;

/**
 * Expires one batch of overdue holds (database clock: `expires_at < NOW(6)`).
 * A seat is freed only if it is still HELD and no other HELD reservation points at it.
 * @returns how many reservations were expired.
 * @throws the database error.
 */
export async function expireHoldsOnce(pool: Pool, batchSize = EXPIRY_BATCH): Promise<number> {
  return inTransaction(
    pool,
    async (conn) => {
      const [rows] = await conn.query<RowDataPacket[]>(
        `SELECT id, schedule_id, seat_no FROM reservations WHERE status = 'HELD' AND expires_at < NOW(6) ORDER BY expires_at LIMIT ${Number(batchSize)} FOR UPDATE SKIP LOCKED`,
      );
      if (rows.length === 0) return 0;
      const ids = rows.map((row) => Number(row.id));
      // The rows are locked and were read by a locking read, so they are still HELD; the status
      // condition stays as a belt-and-braces guard.
      await conn.query("UPDATE reservations SET status = 'EXPIRED', updated_at = NOW(6) WHERE id IN (?) AND status = 'HELD'", [ids]);
      const seats = rows.map((row) => [Number(row.schedule_id), String(row.seat_no)]);
      await conn.query(
        `UPDATE seats s SET s.status = 'AVAILABLE', s.version = s.version + 1
          WHERE (s.schedule_id, s.seat_no) IN (?) AND s.status = 'HELD'
            AND NOT EXISTS (SELECT 1 FROM reservations r WHERE r.schedule_id = s.schedule_id AND r.seat_no = s.seat_no AND r.status = 'HELD')`,
        [seats],
      );
      return rows.length;
    },
    // No gap locks on the (status, expires_at) range, which new holds insert into.
    'READ COMMITTED',
  );
}

/** Starts the sweep every `intervalMs` milliseconds (immediately again after a full batch). */
export function startHoldExpiry(pool: Pool, intervalMs: number, log: Logger): Loop {
  return startLoop('hold expiry', intervalMs, async () => (await expireHoldsOnce(pool)) === EXPIRY_BATCH, log);
}
