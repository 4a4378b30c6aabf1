/**
 * Paying a held booking with points, in one transaction that also writes the outbox event.
 */
import { randomUUID } from 'node:crypto';
import type { RowDataPacket } from 'mysql2';
import { inTransaction, isDuplicateKey, type Pool } from './db.ts';
import type { BookingPaidEvent } from './kafka.ts';

/** The outcome of a payment attempt. */
export type PaymentOutcome =
  | { readonly code: 'OK'; readonly paymentUuid: string; readonly usedPoint: number; readonly remainPoint: number; readonly performanceId: number }
  | { readonly code: 'BOOKING_NOT_FOUND' | 'BOOKING_NOT_PAYABLE' | 'USER_NOT_FOUND' | 'POINT_NOT_ENOUGH' | 'SEAT_ALREADY_PAID' };

// Thrown inside the transaction to roll it back and answer with a business code.
class Refusal extends Error {
  constructor(readonly code: 'SEAT_ALREADY_PAID') {
    super(code);
  }
}

/**
 * Pays `bookingUuid` for `userKey`: locks the reservation, then the user's points; debits the
 * seat's price (history row USE, payment row), marks the reservation PAID with paid_seat set, and
 * adds a BOOKING_PAID outbox row. paid_count is left to the Kafka consumer.
 * @returns BOOKING_NOT_FOUND for an unknown booking or one of another user; BOOKING_NOT_PAYABLE
 *   when it is not HOLDING or its hold has lapsed; USER_NOT_FOUND without a user_point row;
 *   POINT_NOT_ENOUGH when the balance is below the price; SEAT_ALREADY_PAID when the seat was paid
 *   through another booking (the uq_paid_seat guard). Nothing changes unless the code is OK.
 * @throws SQL errors.
 */
export async function payBooking(pool: Pool, bookingUuid: string, userKey: string): Promise<PaymentOutcome> {
  try {
    return await inTransaction(pool, async (conn): Promise<PaymentOutcome> => {
      const [bookings] = await conn.query<RowDataPacket[]>(
        'SELECT performance_id, seat_code, user_key, state, hold_until > NOW(6) AS live FROM seat_reservation WHERE booking_uuid = ? FOR UPDATE',
        [bookingUuid],
      );
      const booking = bookings[0];
      if (!booking || String(booking.user_key).toLowerCase() !== userKey) return { code: 'BOOKING_NOT_FOUND' };
      if (booking.state !== 'HOLDING' || Number(booking.live) !== 1) return { code: 'BOOKING_NOT_PAYABLE' };
      const performanceId = Number(booking.performance_id);
      const seatCode = String(booking.seat_code);

      const [wallets] = await conn.query<RowDataPacket[]>('SELECT point FROM user_point WHERE user_key = ? FOR UPDATE', [userKey]);
      if (!wallets[0]) return { code: 'USER_NOT_FOUND' };
      const [seats] = await conn.query<RowDataPacket[]>('SELECT price_point FROM performance_seat WHERE performance_id = ? AND seat_code = ?', [performanceId, seatCode]);
      const price = Number(seats[0]?.price_point ?? 0);
      const balance = Number(wallets[0].point);
      if (balance < price) return { code: 'POINT_NOT_ENOUGH' };
      const remain = balance - price;

      // First the guarded write, so a seat paid through another booking fails before any money moves.
      try {
        await conn.query("UPDATE seat_reservation SET state = 'PAID', paid_at = NOW(6), paid_seat = seat_code, updated_at = NOW(6) WHERE booking_uuid = ?", [bookingUuid]);
      } catch (err) {
        if (isDuplicateKey(err, 'uq_paid_seat')) throw new Refusal('SEAT_ALREADY_PAID');
        throw err;
      }
      await conn.query('UPDATE user_point SET point = point - ?, version = version + 1, updated_at = NOW(6) WHERE user_key = ?', [price, userKey]);
      await conn.query("INSERT INTO user_point_history (user_key, delta, reason, booking_uuid, point_after) VALUES (?, ?, 'USE', ?, ?)", [userKey, -price, bookingUuid, remain]);
      const paymentUuid = randomUUID();
      await conn.query('INSERT INTO payment (payment_uuid, booking_uuid, user_key, amount_point) VALUES (?, ?, ?, ?)', [paymentUuid, bookingUuid, userKey, price]);
      const event: BookingPaidEvent = {
        eventUuid: randomUUID(),
        eventType: 'BOOKING_PAID',
        occurredAt: new Date().toISOString(),
        payload: { bookingUuid, performanceId, seatCode, userKey },
      };
      await conn.query('INSERT INTO event_outbox (event_uuid, performance_id, booking_uuid, payload) VALUES (?, ?, ?, ?)', [event.eventUuid, performanceId, bookingUuid, JSON.stringify(event)]);
      return { code: 'OK', paymentUuid, usedPoint: price, remainPoint: remain, performanceId };
    });
  } catch (err) {
    if (err instanceof Refusal) return { code: err.code };
    throw err;
  }
}
