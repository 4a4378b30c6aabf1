/**
 * POST /v1/performances/:performanceId/seats/:seatCode/hold
 */
import { Router } from 'express';
import type { Context } from '../context.ts';
import { failure, ok, outcome, route } from '../envelope.ts';
import { queueEnabled } from '../performances.ts';
import { isUuid, performanceIdOf, seatCodeOf, userKeyOf } from '../request.ts';
import { holdSeat, holdSeatUnguarded, type HoldRequest } from '../seat-hold.ts';
import { isActiveToken } from '../waiting-room.ts';

const MESSAGES = {
  SEAT_LOCKED: 'another request is holding this seat right now',
  SEAT_NOT_FOUND: 'no such seat in this performance',
  SEAT_UNAVAILABLE: 'the seat is held or sold',
} as const;

/**
 * The hold route. For a queue-enabled performance the caller must present, in X-Queue-Token, a
 * live admission of their own for this performance (else 403 QUEUE_TOKEN_REQUIRED).
 * Answers OK `{ bookingUuid, holdUntil }` (epoch ms), or SEAT_LOCKED / SEAT_NOT_FOUND /
 * SEAT_UNAVAILABLE with status 200.
 */
export function holdRoutes(ctx: Context): Router {
  const router = Router();
  router.post(
    '/v1/performances/:performanceId/seats/:seatCode/hold',
    route(async (req) => {
      const request: HoldRequest = { performanceId: performanceIdOf(req), seatCode: seatCodeOf(req), userKey: userKeyOf(req), holdTtlMs: ctx.config.holdTtlMs };
      const queued = await queueEnabled(ctx.pool, request.performanceId);
      if (queued === undefined) return outcome('SEAT_NOT_FOUND', MESSAGES.SEAT_NOT_FOUND);
      if (queued) {
        const token = req.get('x-queue-token');
        if (!isUuid(token) || !(await isActiveToken(ctx.redis, request.performanceId, request.userKey, token.toLowerCase()))) {
          return failure(403, 'QUEUE_TOKEN_REQUIRED', 'this performance needs a live waiting-room token (X-Queue-Token)');
        }
      }
      const result =
        ctx.config.fault === 'no-seat-lock' ? await holdSeatUnguarded(ctx.pool, request) : await holdSeat(ctx.pool, ctx.redis, request, ctx.config.lockTtlMs);
      if (result.code !== 'OK') return outcome(result.code, MESSAGES[result.code]);
      return ok({ bookingUuid: result.bookingUuid, holdUntil: result.holdUntil }, 'seat held');
    }),
  );
  return router;
}
