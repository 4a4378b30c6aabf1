/**
 * `POST /api/reservations/:id/payment`: confirms a HELD reservation in one transaction — the
 * wallet debit of the seat price (through the wallet strategy, with its PAYMENT ledger row),
 * payment, `confirmed_seat_guard` row (the final guard against double booking; skipped when the
 * seat-hold strategy says so, see `SeatHoldStrategy.usesConfirmGuard`), reservation CONFIRMED,
 * seat SOLD and the `reservation.confirmed` outbox event. Too few points: 402 INSUFFICIENT_FUNDS
 * and nothing changed (the reservation stays HELD). An optional idempotency key makes a retried
 * payment answer its first result.
 */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { ResultSetHeader, RowDataPacket } from 'mysql2';
import { z } from 'zod';
import type { Pool, PoolConnection } from '../db.ts';
import { HttpError, isDuplicateKey, parseOrBadRequest } from '../errors.ts';
import type { SeatHoldStrategy } from '../hold-strategies/index.ts';
import { idSchema, pathIdSchema } from '../ids.ts';
import { CONFIRMED_TOPIC } from '../kafka.ts';
import type { Metrics } from '../metrics.ts';
import { describe, type Logger } from '../log.ts';
import type { WaitingQueue } from '../queue/waiting-queue.ts';
import { countWalletOperation, findLedgerRowByKey, IDEMPOTENT_REPLAY_HEADER, IdempotencyKeyTaken, idempotencyKeySchema, insertLedgerRow, keyReused, type LedgerRow } from '../wallet.ts';
import type { WalletStrategy } from '../wallet-strategies/index.ts';

const paymentBody = z.object({ userId: idSchema, idempotencyKey: idempotencyKeySchema.optional() });

/**
 * The body of a payment: 201 when it was made now, 200 for a replay of its idempotency key.
 * `amount` is the seat price, debited from the wallet in points.
 */
export interface PaymentResult {
  readonly paymentId: number;
  readonly reservationId: number;
  readonly amount: number;
  readonly status: 'CONFIRMED';
  /** Wallet balance right after the debit (for a replay: after the first one), points. */
  readonly balance: number;
  /** False when the idempotency key had been applied before: nothing changed now. */
  readonly applied: boolean;
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
  /** Debits the seat price from the user's wallet, serialising per user its own way. */
  readonly wallet: WalletStrategy;
  /** Insert the `confirmed_seat_guard` row (default true); false lets a seat be confirmed twice. */
  readonly confirmGuard?: boolean;
  /** The client's idempotency key: a payment already made with it answers its first result. */
  readonly idempotencyKey?: string;
  /** TEST ONLY (`TARGET_EXPIRY_FAULT=pay-after-expiry`): confirm a hold whose time is up, even one the sweep expired. */
  readonly acceptExpired?: boolean;
}

/**
 * Confirms a reservation and debits its seat price from the user's wallet, in one transaction.
 * With an idempotency key already in the user's ledger for this reservation, answers the first
 * payment (`applied: false`) and changes nothing.
 * @throws HttpError 404 RESERVATION_NOT_FOUND, 403 NOT_OWNER, 409 RESERVATION_NOT_HELD (not HELD,
 *   or `expires_at <= NOW(6)`), 409 SEAT_ALREADY_SOLD (guard row exists), 402 INSUFFICIENT_FUNDS,
 *   404 WALLET_NOT_FOUND, 409 IDEMPOTENCY_KEY_REUSED (the key paid for something else) and the
 *   wallet strategy's 409s (WALLET_BUSY, WALLET_CONFLICT, WALLET_LOCK_LOST); each with everything
 *   rolled back, so the reservation stays HELD.
 */
export async function confirmPayment(pool: Pool, reservationId: number, userId: number, options: PaymentOptions): Promise<PaymentResult> {
  const key = options.idempotencyKey;
  if (key === undefined) return payOnce(pool, reservationId, userId, options);
  const before = await findLedgerRowByKey(pool, userId, key);
  if (before) return replayPayment(pool, reservationId, key, before);
  try {
    return await payOnce(pool, reservationId, userId, options);
  } catch (err) {
    // A concurrent retry with the same key may have paid first: ours then found the reservation
    // CONFIRMED (409) or the key taken; either way the first payment is the answer.
    if (!(err instanceof IdempotencyKeyTaken) && !(err instanceof HttpError && err.status === 409)) throw err;
    const first = await findLedgerRowByKey(pool, userId, key);
    if (!first) throw err;
    return replayPayment(pool, reservationId, key, first);
  }
}

async function replayPayment(pool: Pool, reservationId: number, key: string, first: LedgerRow): Promise<PaymentResult> {
  if (first.type !== 'PAYMENT' || first.reservationId !== reservationId) throw keyReused(key, first);
  const [rows] = await pool.execute<RowDataPacket[]>('SELECT id FROM payments WHERE reservation_id = ?', [reservationId]);
  const paymentId = Number(rows[0]?.id);
  if (!Number.isInteger(paymentId) || paymentId <= 0) throw new Error(`ledger row ${first.id} debits reservation ${reservationId}, which has no payment row`);
  return { paymentId, reservationId, amount: -first.amount, status: 'CONFIRMED', balance: first.balanceAfter, applied: false };
}

async function payOnce(pool: Pool, reservationId: number, userId: number, options: PaymentOptions): Promise<PaymentResult> {
  const confirmGuard = options.confirmGuard ?? true;
  return options.wallet.apply(userId, async (conn) => {
    const [rows] = await conn.execute<RowDataPacket[]>(
      'SELECT r.user_id, r.schedule_id, r.seat_no, r.status, r.expires_at <= NOW(6) AS expired FROM reservations r WHERE r.id = ? FOR UPDATE',
      [reservationId],
    );
    const reservation = rows[0];
    if (!reservation) throw new HttpError(404, 'RESERVATION_NOT_FOUND', `Reservation ${reservationId} does not exist.`);
    if (Number(reservation.user_id) !== userId) {
      throw new HttpError(403, 'NOT_OWNER', `Reservation ${reservationId} belongs to another user.`);
    }
    const payable = reservation.status === 'HELD' || (options.acceptExpired === true && reservation.status === 'EXPIRED');
    if (!payable) {
      throw new HttpError(409, 'RESERVATION_NOT_HELD', `Reservation ${reservationId} is ${String(reservation.status)}, not HELD.`);
    }
    if (Number(reservation.expired) === 1 && options.acceptExpired !== true) {
      throw new HttpError(409, 'RESERVATION_NOT_HELD', `Reservation ${reservationId} has expired.`);
    }
    const seat = { reservationId, userId, scheduleId: Number(reservation.schedule_id), seatNo: String(reservation.seat_no) };
    const amount = await seatPrice(conn, seat.scheduleId, seat.seatNo);
    // The wallet strategy writes the balance between this and `write`: funds are checked only
    // once the reservation is known to be payable, and a refusal leaves it HELD.
    return {
      delta: -amount,
      write: async (tx, balance) => {
        const paymentId = await confirmReservation(tx, seat, amount, confirmGuard);
        await insertLedgerRow(tx, { userId, amount: -amount, type: 'PAYMENT', idempotencyKey: options.idempotencyKey ?? null, reservationId, balanceAfter: balance });
        return { paymentId, reservationId, amount, status: 'CONFIRMED' as const, balance, applied: true };
      },
    };
  });
}

/** Payment row, guard row, reservation CONFIRMED, seat SOLD, outbox event; returns the payment id. */
async function confirmReservation(
  conn: PoolConnection,
  seat: { reservationId: number; userId: number; scheduleId: number; seatNo: string },
  amount: number,
  confirmGuard: boolean,
): Promise<number> {
  const { reservationId, userId, scheduleId, seatNo } = seat;
  const [payment] = await conn.execute<ResultSetHeader>('INSERT INTO payments (reservation_id, user_id, amount) VALUES (?, ?, ?)', [reservationId, userId, amount]);
  if (confirmGuard) {
    try {
      await conn.execute('INSERT INTO confirmed_seat_guard (schedule_id, seat_no, reservation_id) VALUES (?, ?, ?)', [scheduleId, seatNo, reservationId]);
    } catch (err) {
      // The transaction rolls back the payment row and the wallet debit with everything else.
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
  return payment.insertId;
}

async function seatPrice(conn: PoolConnection, scheduleId: number, seatNo: string): Promise<number> {
  const [rows] = await conn.execute<RowDataPacket[]>('SELECT price FROM seats WHERE schedule_id = ? AND seat_no = ?', [scheduleId, seatNo]);
  const row = rows[0];
  if (!row) throw new Error(`seat ${seatNo} of schedule ${scheduleId} vanished while reservation points at it`);
  return Number(row.price);
}

/**
 * Router with the payment endpoint: 201 for a payment made now, 200 with header
 * `Idempotent-Replay: true` for a replayed idempotency key.
 * @param strategy the seat-hold strategy in use; decides whether the guard row is inserted.
 * @param wallet the wallet strategy that debits the seat price
 * @param metrics counts the outcome in `wallet_operations_total{type="payment"}`
 * @param queue a payment made now gives the user's queue pass back early (schedules with a queue)
 * @param onConfirmed called with the reservation id after a payment committed, before the answer
 *   (the read cache drops the seat's schedule there)
 * @param acceptExpired TEST ONLY: confirm holds whose time is up (`TARGET_EXPIRY_FAULT=pay-after-expiry`)
 * @param log where a failed after-commit step (pass release, cache drop) is reported
 */
export function paymentRoutes(pool: Pool, strategy: Pick<SeatHoldStrategy, 'usesConfirmGuard'>, wallet: WalletStrategy, metrics?: Metrics, queue?: WaitingQueue, onConfirmed?: (reservationId: number) => Promise<void>, acceptExpired = false, log?: Logger): Router {
  const router = Router();
  router.post('/api/reservations/:id/payment', async (req, res) => {
    const reservationId = parseOrBadRequest(pathIdSchema, req.params.id, 'id');
    const { userId, idempotencyKey } = parseOrBadRequest(paymentBody, req.body, 'body');
    const options = { wallet, confirmGuard: strategy.usesConfirmGuard, acceptExpired, ...(idempotencyKey === undefined ? {} : { idempotencyKey }) };
    const result = await countWalletOperation(metrics, wallet.name, 'payment', confirmPayment(pool, reservationId, userId, options), (r) => r.applied);
    if (!result.applied) res.setHeader(IDEMPOTENT_REPLAY_HEADER, 'true');
    if (result.applied) {
      // The payment is committed: what follows is housekeeping whose failure (Redis down) must not
      // turn the acknowledgement into an error. A pass not given back expires by its TTL, a cached
      // read by its own. (restart-redis found committed payments answered 500 here.)
      const steps = await Promise.allSettled([
        (async () => {
          if (queue && (await queue.anyQueue())) await releasePassAfterPayment(pool, queue, reservationId, userId);
        })(),
        onConfirmed?.(reservationId),
      ]);
      for (const step of steps) if (step.status === 'rejected') log?.warn(`payment ${result.paymentId} committed; an after-commit step failed: ${describe(step.reason)}`);
    }
    res.status(result.applied ? 201 : 200).json(result);
  });
  return router;
}

/**
 * Gives back the paying user's queue pass for the reservation's schedule, when that schedule has a
 * queue: the slot goes to the next user in line at the next advancement instead of after the TTL.
 */
async function releasePassAfterPayment(pool: Pool, queue: WaitingQueue, reservationId: number, userId: number): Promise<void> {
  const [rows] = await pool.execute<RowDataPacket[]>('SELECT schedule_id FROM reservations WHERE id = ?', [reservationId]);
  const scheduleId = Number(rows[0]?.schedule_id);
  if (!Number.isInteger(scheduleId) || !(await queue.settingsOf(scheduleId))) return;
  await queue.release(scheduleId, userId, 'paid');
}
