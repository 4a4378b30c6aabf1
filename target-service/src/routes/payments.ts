/**
 * `POST /api/reservations/:id/payment`: confirms a HELD reservation in one transaction — payment,
 * `confirmed_seat_guard` row (the final guard against double booking; skipped when the seat-hold
 * strategy says so, see `SeatHoldStrategy.usesConfirmGuard`), reservation CONFIRMED, seat SOLD and
 * the `reservation.confirmed` outbox event.
 */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { ResultSetHeader, RowDataPacket } from 'mysql2';
import { z } from 'zod';
import { inTransaction, type Pool, type PoolConnection } from '../db.ts';
import { HttpError, isDuplicateKey, parseOrBadRequest } from '../errors.ts';
import type { SeatHoldStrategy } from '../hold-strategies/index.ts';
import { idSchema, pathIdSchema } from '../ids.ts';
import { CONFIRMED_TOPIC } from '../kafka.ts';

const paymentBody = z.object({ userId: idSchema });

/** The 201 body of a payment. `amount` is the seat price (whole currency units as stored). */
export interface PaymentResult {
  readonly paymentId: number;
  readonly reservationId: number;
  readonly amount: number;
  readonly status: 'CONFIRMED';
}

/** Payload of a `reservation.confirmed` event (outbox `payload` column and Kafka message value). */
export interface ReservationConfirmedEvent {
  /** UUID; the consumer's deduplication key. */
  readonly eventId: string;
  readonly reservationId: number;
  readonly scheduleId: number;
  readonly seatNo: string;
  readonly userId: number;
  readonly paymentId: number;
  readonly amount: number;
  /** ISO-8601 UTC. */
  readonly confirmedAt: string;
}

/** `event_type` column of confirmation events. */
export const CONFIRMED_EVENT_TYPE = 'ReservationConfirmed';

/** How payments confirm. */
export interface PaymentOptions {
  /** Insert the `confirmed_seat_guard` row (default true); false lets a seat be confirmed twice. */
  readonly confirmGuard?: boolean;
}

/**
 * Confirms a reservation.
 * @throws HttpError 404 RESERVATION_NOT_FOUND, 403 NOT_OWNER, 409 RESERVATION_NOT_HELD (not HELD,
 *   or `expires_at <= NOW(6)`), 409 SEAT_ALREADY_SOLD (guard row exists; everything rolled back).
 */
export async function confirmPayment(pool: Pool, reservationId: number, userId: number, options: PaymentOptions = {}): Promise<PaymentResult> {
  const confirmGuard = options.confirmGuard ?? true;
  return inTransaction(pool, async (conn) => {
    const [rows] = await conn.execute<RowDataPacket[]>(
      'SELECT r.user_id, r.schedule_id, r.seat_no, r.status, r.expires_at <= NOW(6) AS expired FROM reservations r WHERE r.id = ? FOR UPDATE',
      [reservationId],
    );
    const reservation = rows[0];
    if (!reservation) throw new HttpError(404, 'RESERVATION_NOT_FOUND', `Reservation ${reservationId} does not exist.`);
    if (Number(reservation.user_id) !== userId) {
      throw new HttpError(403, 'NOT_OWNER', `Reservation ${reservationId} belongs to another user.`);
    }
    if (reservation.status !== 'HELD') {
      throw new HttpError(409, 'RESERVATION_NOT_HELD', `Reservation ${reservationId} is ${String(reservation.status)}, not HELD.`);
    }
    if (Number(reservation.expired) === 1) {
      throw new HttpError(409, 'RESERVATION_NOT_HELD', `Reservation ${reservationId} has expired.`);
    }
    const scheduleId = Number(reservation.schedule_id);
    const seatNo = String(reservation.seat_no);

    const amount = await seatPrice(conn, scheduleId, seatNo);
    const [payment] = await conn.execute<ResultSetHeader>('INSERT INTO payments (reservation_id, user_id, amount) VALUES (?, ?, ?)', [
      reservationId,
      userId,
      amount,
    ]);
    if (confirmGuard) {
      try {
        await conn.execute('INSERT INTO confirmed_seat_guard (schedule_id, seat_no, reservation_id) VALUES (?, ?, ?)', [scheduleId, seatNo, reservationId]);
      } catch (err) {
        // inTransaction rolls back the payment row with everything else.
        if (isDuplicateKey(err)) throw new HttpError(409, 'SEAT_ALREADY_SOLD', `Seat ${seatNo} of schedule ${scheduleId} is already sold.`);
        throw err;
      }
    }
    await conn.execute("UPDATE reservations SET status = 'CONFIRMED', updated_at = NOW(6) WHERE id = ?", [reservationId]);
    await conn.execute("UPDATE seats SET status = 'SOLD', version = version + 1 WHERE schedule_id = ? AND seat_no = ?", [scheduleId, seatNo]);

    const event: ReservationConfirmedEvent = {
      eventId: randomUUID(),
      reservationId,
      scheduleId,
      seatNo,
      userId,
      paymentId: payment.insertId,
      amount,
      confirmedAt: new Date().toISOString(),
    };
    await conn.execute('INSERT INTO outbox_event (event_id, topic, event_type, aggregate_id, schedule_id, payload) VALUES (?, ?, ?, ?, ?, ?)', [
      event.eventId,
      CONFIRMED_TOPIC,
      CONFIRMED_EVENT_TYPE,
      reservationId,
      scheduleId,
      JSON.stringify(event),
    ]);
    return { paymentId: payment.insertId, reservationId, amount, status: 'CONFIRMED' as const };
  });
}

async function seatPrice(conn: PoolConnection, scheduleId: number, seatNo: string): Promise<number> {
  const [rows] = await conn.execute<RowDataPacket[]>('SELECT price FROM seats WHERE schedule_id = ? AND seat_no = ?', [scheduleId, seatNo]);
  const row = rows[0];
  if (!row) throw new Error(`seat ${seatNo} of schedule ${scheduleId} vanished while reservation points at it`);
  return Number(row.price);
}

/**
 * Router with the payment endpoint.
 * @param strategy the seat-hold strategy in use; decides whether the guard row is inserted.
 */
export function paymentRoutes(pool: Pool, strategy: Pick<SeatHoldStrategy, 'usesConfirmGuard'>): Router {
  const router = Router();
  router.post('/api/reservations/:id/payment', async (req, res) => {
    const reservationId = parseOrBadRequest(pathIdSchema, req.params.id, 'id');
    const { userId } = parseOrBadRequest(paymentBody, req.body, 'body');
    res.status(201).json(await confirmPayment(pool, reservationId, userId, { confirmGuard: strategy.usesConfirmGuard }));
  });
  return router;
}
