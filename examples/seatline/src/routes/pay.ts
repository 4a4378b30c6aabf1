/**
 * POST /v1/bookings/:bookingUuid/payments
 */
import { Router } from 'express';
import { payBooking } from '../booking-payment.ts';
import type { Context } from '../context.ts';
import { ok, outcome, route } from '../envelope.ts';
import { describeError } from '../log.ts';
import { userKeyOf, uuidFrom } from '../request.ts';
import { releaseAdmission } from '../waiting-room.ts';

const MESSAGES = {
  BOOKING_NOT_FOUND: 'no such booking of this user',
  BOOKING_NOT_PAYABLE: 'the booking is not a live hold',
  USER_NOT_FOUND: 'the user has no point balance',
  POINT_NOT_ENOUGH: 'not enough points for this seat',
  SEAT_ALREADY_PAID: 'the seat was already paid through another booking',
} as const;

/**
 * The payment route (body `{}` or empty). Answers OK `{ paymentUuid, usedPoint, remainPoint }`
 * or a business code with status 200. A successful payment also hands back the user's
 * waiting-room admission for that performance, if any, so the next user gets in.
 */
export function payRoutes(ctx: Context): Router {
  const router = Router();
  router.post(
    '/v1/bookings/:bookingUuid/payments',
    route(async (req) => {
      const userKey = userKeyOf(req);
      const bookingUuid = uuidFrom(req.params.bookingUuid, 'bookingUuid');
      const result = await payBooking(ctx.pool, bookingUuid, userKey);
      if (result.code !== 'OK') return outcome(result.code, MESSAGES[result.code]);
      // The payment is committed; a Redis hiccup here only lets the token run out its TTL.
      await releaseAdmission(ctx.redis, result.performanceId, userKey).catch((err: unknown) => ctx.log.warn(`releasing the queue token failed: ${describeError(err)}`));
      return ok({ paymentUuid: result.paymentUuid, usedPoint: result.usedPoint, remainPoint: result.remainPoint }, 'paid');
    }),
  );
  return router;
}
