/**
 * Holding a seat: the safe path (Redis seat lock, then a transaction that locks the seat row) and
 * the `no-seat-lock` fault (an unguarded check-then-insert).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RowDataPacket } from 'mysql2';
import { inTransaction, type Pool, type PoolConnection } from './db.ts';
import { FAULT_RACE_WINDOW_MS } from './faults.ts';
import { withSeatLock } from './seat-lock.ts';

/** The outcome of a hold attempt. */
export type HoldOutcome =
  | { readonly code: 'OK'; readonly bookingUuid: string; readonly holdUntil: number }
  | { readonly code: 'SEAT_LOCKED' | 'SEAT_NOT_FOUND' | 'SEAT_UNAVAILABLE' };

/** A hold request: who, which seat, for how long (milliseconds). */
export interface HoldRequest {
  readonly performanceId: number;
  readonly seatCode: string;
  readonly userKey: string;
  readonly holdTtlMs: number;
}

type Queryable = Pick<PoolConnection, 'query'>;

const SEAT_TAKEN_SQL = `SELECT 1 FROM seat_reservation
  WHERE performance_id = ? AND seat_code = ? AND (state = 'PAID' OR (state = 'HOLDING' AND hold_until > NOW(6)))
  LIMIT 1`;

async function seatTaken(db: Queryable, performanceId: number, seatCode: string): Promise<boolean> {
  const [rows] = await db.query<RowDataPacket[]>(SEAT_TAKEN_SQL, [performanceId, seatCode]);
  return rows.length > 0;
}

async function insertHold(db: Queryable, request: HoldRequest): Promise<HoldOutcome> {
  const bookingUuid = randomUUID();
  await db.query(
    `INSERT INTO seat_reservation (booking_uuid, performance_id, seat_code, user_key, state, held_at, hold_until, updated_at)
     VALUES (?, ?, ?, ?, 'HOLDING', NOW(6), NOW(6) + INTERVAL ? MICROSECOND, NOW(6))`,
    [bookingUuid, request.performanceId, request.seatCode, request.userKey, request.holdTtlMs * 1000],
  );
  // Read back so the answer carries the stored instant, converted by the server itself.
  const [rows] = await db.query<RowDataPacket[]>('SELECT FLOOR(UNIX_TIMESTAMP(hold_until) * 1000) AS ms FROM seat_reservation WHERE booking_uuid = ?', [bookingUuid]);
  return { code: 'OK', bookingUuid, holdUntil: Number(rows[0]?.ms) };
}

/**
 * Holds a seat safely. The Redis lock keeps concurrent holders of one seat out of MySQL; the
 * seat row's FOR UPDATE inside the transaction is the backstop should the lock's TTL lapse
 * mid-request (a long GC pause, a slow disk), so two live holds of a seat can never coexist.
 * @param lockTtlMs the Redis lock's expiry.
 * @returns SEAT_LOCKED when another request holds the lock, SEAT_NOT_FOUND for an unknown seat,
 *   SEAT_UNAVAILABLE when the seat is paid or held by a hold that has not lapsed.
 * @throws Redis or SQL errors.
 */
export async function holdSeat(pool: Pool, redis: Redis, request: HoldRequest, lockTtlMs: number): Promise<HoldOutcome> {
  const locked = await withSeatLock(redis, request.performanceId, request.seatCode, lockTtlMs, () =>
    // READ COMMITTED: the availability check after the seat-row lock sees every hold committed
    // before the lock was granted, and takes no gap locks that would block neighbouring seats.
    inTransaction(pool, async (conn): Promise<HoldOutcome> => {
      const [seat] = await conn.query<RowDataPacket[]>('SELECT seat_code FROM performance_seat WHERE performance_id = ? AND seat_code = ? FOR UPDATE', [
        request.performanceId,
        request.seatCode,
      ]);
      if (seat.length === 0) return { code: 'SEAT_NOT_FOUND' };
      if (await seatTaken(conn, request.performanceId, request.seatCode)) return { code: 'SEAT_UNAVAILABLE' };
      return insertHold(conn, request);
    }),
  );
  return locked.acquired ? locked.value : { code: 'SEAT_LOCKED' };
}

/**
 * The `no-seat-lock` fault: checks availability with plain autocommit reads, pauses a few
 * milliseconds, then inserts. Concurrent holds of one seat all pass the check, so several
 * overlapping HOLDING rows appear — the double booking ticketbench must detect.
 */
export async function holdSeatUnguarded(pool: Pool, request: HoldRequest): Promise<HoldOutcome> {
  const [seat] = await pool.query<RowDataPacket[]>('SELECT seat_code FROM performance_seat WHERE performance_id = ? AND seat_code = ?', [request.performanceId, request.seatCode]);
  if (seat.length === 0) return { code: 'SEAT_NOT_FOUND' };
  if (await seatTaken(pool, request.performanceId, request.seatCode)) return { code: 'SEAT_UNAVAILABLE' };
  await new Promise((resolve) => setTimeout(resolve, FAULT_RACE_WINDOW_MS));
  return inTransaction(pool, (conn) => insertHold(conn, request));
}
