/**
 * SQL shared by every hold strategy, so strategies differ only in how they serialise access to
 * a seat. All statements run on MySQL 8 and MariaDB 10.11.
 */
import type { ResultSetHeader, RowDataPacket } from 'mysql2';
import type { Pool, PoolConnection } from '../db.ts';
import { HttpError } from '../errors.ts';
import type { HoldInput, HoldResult } from './types.ts';

/** A hold request's seat as one plain (non-locking) read saw it. */
export interface SeatForHold {
  /** The seat's primary key. */
  readonly seatId: number;
  /** `AVAILABLE` | `HELD` | `SOLD` when read. */
  readonly status: string;
  /** Its optimistic-lock version when read. */
  readonly version: number;
}

/**
 * Resolves the seat of a hold request, with its status and version, and checks the user, in one
 * round trip (a plain read: a strategy that needs the status under its lock reads it there, or
 * calls this under the lock).
 * @throws HttpError 404 SEAT_NOT_FOUND (checked first) or 404 USER_NOT_FOUND.
 */
export async function findSeatForHold(db: Pool | PoolConnection, input: HoldInput): Promise<SeatForHold> {
  const [rows] = await db.execute<RowDataPacket[]>(
    'SELECT s.id AS seat_id, s.status, s.version, EXISTS (SELECT 1 FROM users WHERE id = ?) AS user_exists FROM (SELECT 1) AS one LEFT JOIN seats s ON s.schedule_id = ? AND s.seat_no = ?',
    [input.userId, input.scheduleId, input.seatNo],
  );
  const row = rows[0];
  if (!row || row.seat_id === null) {
    throw new HttpError(404, 'SEAT_NOT_FOUND', `Seat ${input.seatNo} of schedule ${input.scheduleId} does not exist.`);
  }
  if (Number(row.user_exists) !== 1) throw new HttpError(404, 'USER_NOT_FOUND', `User ${input.userId} does not exist.`);
  return { seatId: Number(row.seat_id), status: String(row.status), version: Number(row.version) };
}

/** 409 SEAT_UNAVAILABLE for a seat that is not AVAILABLE. */
export function seatUnavailable(input: HoldInput, status: string): HttpError {
  return new HttpError(409, 'SEAT_UNAVAILABLE', `Seat ${input.seatNo} of schedule ${input.scheduleId} is ${status}.`);
}

/** 409 SEAT_LOCKED: another request holds the seat's lock (Redis lease or row lock). */
export function seatLocked(input: HoldInput): HttpError {
  return new HttpError(409, 'SEAT_LOCKED', `Seat ${input.seatNo} of schedule ${input.scheduleId} is being reserved by another request.`);
}

/**
 * Inside the caller's transaction: marks the seat HELD (version + 1) unconditionally and
 * inserts the HELD reservation expiring `holdTtlMs` after the database's NOW(6).
 * The caller has already established (by its strategy) that the seat is AVAILABLE.
 */
export async function insertHold(conn: PoolConnection, input: HoldInput, seatId: number, holdTtlMs: number): Promise<HoldResult> {
  await conn.execute("UPDATE seats SET status = 'HELD', version = version + 1 WHERE id = ?", [seatId]);
  return insertReservation(conn, input, holdTtlMs);
}

/**
 * Inside the caller's transaction: inserts the HELD reservation expiring `holdTtlMs` after the
 * database's NOW(6), for a caller that has already marked the seat HELD itself.
 */
export async function insertReservation(conn: PoolConnection, input: HoldInput, holdTtlMs: number): Promise<HoldResult> {
  const [inserted] = await conn.execute<ResultSetHeader>(
    "INSERT INTO reservations (schedule_id, seat_no, user_id, status, expires_at) VALUES (?, ?, ?, 'HELD', NOW(6) + INTERVAL ? MICROSECOND)",
    [input.scheduleId, input.seatNo, input.userId, holdTtlMs * 1000],
  );
  const reservationId = inserted.insertId;
  // The expiry is computed by the database clock (the sweep's clock), so read it back.
  const [rows] = await conn.execute<RowDataPacket[]>('SELECT expires_at FROM reservations WHERE id = ?', [reservationId]);
  const expiresAt = rows[0]?.expires_at;
  if (!(expiresAt instanceof Date)) throw new Error(`reservation ${reservationId} vanished inside its own transaction`);
  return { reservationId, scheduleId: input.scheduleId, seatNo: input.seatNo, userId: input.userId, status: 'HELD', expiresAt };
}
