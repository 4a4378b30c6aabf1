/**
 * Hold-expiry sweep: HELD reservations past `expires_at` become EXPIRED and their seats
 * AVAILABLE again. The reservation rows are claimed `FOR UPDATE SKIP LOCKED`, the same row lock
 * a payment takes, so a reservation is either paid or expired, never both. After the commit the
 * seat-hold strategy is told how many seats each schedule got back (`redis-stock` keeps a count).
 */
import type { ResultSetHeader, RowDataPacket } from 'mysql2';
import { inTransaction, type Pool } from './db.ts';
import { describe, type Logger } from './log.ts';
import { startLoop, type Loop } from './timing.ts';

/**
 * TEST ONLY broken expiry, selected with `TARGET_EXPIRY_FAULT` (the CLI never sets it), so tests
 * can prove the hold-expiry checks catch each: `late` expires holds 3 s after their time,
 * `expire-paid` also expires CONFIRMED reservations past their hold time (and frees their seats),
 * `pay-after-expiry` lets a payment confirm a hold whose time is up (routes/payments.ts).
 */
export const EXPIRY_FAULTS = ['none', 'late', 'expire-paid', 'pay-after-expiry'] as const;
/** A test-only broken expiry; see EXPIRY_FAULTS. */
export type ExpiryFault = (typeof EXPIRY_FAULTS)[number];

/** Reservations expired per transaction. */
export const EXPIRY_BATCH = 500;

/**
 * Told, after a sweep transaction committed, how many seats it made AVAILABLE per schedule
 * (scheduleId → seats), so state kept outside MySQL (the `redis-stock` counter) can follow.
 */
export type SeatsFreedListener = (freed: ReadonlyMap<number, number>) => Promise<void>;

/**
 * Expires one batch of overdue holds (database clock: `expires_at < NOW(6)`).
 * A seat is freed only if it is still HELD and no other HELD reservation points at it.
 * @param onSeatsFreed called after the commit when seats were freed.
 * @param fault TEST ONLY: a broken sweep (see EXPIRY_FAULTS); `none` by default.
 * @returns how many reservations were expired.
 * @throws the database error, or the listener's.
 */
export async function expireHoldsOnce(pool: Pool, batchSize = EXPIRY_BATCH, onSeatsFreed?: SeatsFreedListener, fault: ExpiryFault = 'none'): Promise<number> {
  const statuses = fault === 'expire-paid' ? "('HELD', 'CONFIRMED')" : "('HELD')";
  const seatStatuses = fault === 'expire-paid' ? "('HELD', 'SOLD')" : "('HELD')";
  const due = fault === 'late' ? 'NOW(6) - INTERVAL 3 SECOND' : 'NOW(6)';
  const freed = new Map<number, number>();
  const expired = await inTransaction(
    pool,
    async (conn) => {
      const [rows] = await conn.query<RowDataPacket[]>(
        // The broken expire-paid sweep takes the newest first, so a run that sets it sees its own
        // paid reservations taken back whatever older CONFIRMED rows the database holds.
        `SELECT id, schedule_id, seat_no FROM reservations WHERE status IN ${statuses} AND expires_at < ${due} ORDER BY expires_at${fault === 'expire-paid' ? ' DESC' : ''} LIMIT ${Number(batchSize)} FOR UPDATE SKIP LOCKED`,
      );
      if (rows.length === 0) return 0;
      const ids = rows.map((row) => Number(row.id));
      // The rows are locked and were read by a locking read, so they are still HELD; the status
      // condition stays as a belt-and-braces guard.
      await conn.query(`UPDATE reservations SET status = 'EXPIRED', updated_at = NOW(6) WHERE id IN (?) AND status IN ${statuses}`, [ids]);
      const seatsBySchedule = new Map<number, string[]>();
      for (const row of rows) {
        const scheduleId = Number(row.schedule_id);
        seatsBySchedule.set(scheduleId, [...(seatsBySchedule.get(scheduleId) ?? []), String(row.seat_no)]);
      }
      // One statement per schedule (a batch rarely spans more than one) so affectedRows says how
      // many seats of that schedule were really freed.
      for (const [scheduleId, seatNos] of seatsBySchedule) {
        const [updated] = await conn.query<ResultSetHeader>(
          `UPDATE seats s SET s.status = 'AVAILABLE', s.version = s.version + 1
            WHERE s.schedule_id = ? AND s.seat_no IN (?) AND s.status IN ${seatStatuses}
              AND NOT EXISTS (SELECT 1 FROM reservations r WHERE r.schedule_id = s.schedule_id AND r.seat_no = s.seat_no AND r.status = 'HELD')`,
          [scheduleId, seatNos],
        );
        if (updated.affectedRows > 0) freed.set(scheduleId, updated.affectedRows);
      }
      return rows.length;
    },
    // No gap locks on the (status, expires_at) range, which new holds insert into.
    'READ COMMITTED',
  );
  if (onSeatsFreed && freed.size > 0) await onSeatsFreed(freed);
  return expired;
}

/**
 * Starts the sweep every `intervalMs` milliseconds (immediately again after a full batch).
 * @param onSeatsFreed see `SeatsFreedListener`; its failures are logged, never retried (the
 *   seats are already free in MySQL).
 * @param fault TEST ONLY: a broken sweep (see EXPIRY_FAULTS); `none` by default.
 */
export function startHoldExpiry(pool: Pool, intervalMs: number, log: Logger, onSeatsFreed?: SeatsFreedListener, fault: ExpiryFault = 'none'): Loop {
  const notify: SeatsFreedListener | undefined =
    onSeatsFreed &&
    ((freed) =>
      onSeatsFreed(freed).catch((err: unknown) => {
        log.warn(`hold expiry: freed seats not reported (${[...freed].map(([id, n]) => `schedule ${id}: ${n}`).join(', ')}): ${describe(err)}`);
      }));
  return startLoop('hold expiry', intervalMs, async () => (await expireHoldsOnce(pool, EXPIRY_BATCH, notify, fault)) === EXPIRY_BATCH, log);
}
