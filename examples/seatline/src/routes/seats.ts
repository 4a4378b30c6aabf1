/**
 * GET /v1/performances/:performanceId/seats
 */
import { Router } from 'express';
import type { Context } from '../context.ts';
import { ok, route } from '../envelope.ts';
import { performanceIdOf } from '../request.ts';
import { seatMap } from '../seat-map.ts';

/** The seat-map route: OK `{ seats: [{ seatCode, price, status }] }` (empty for an unknown performance). */
export function seatRoutes(ctx: Context): Router {
  const router = Router();
  router.get(
    '/v1/performances/:performanceId/seats',
    route(async (req) => ok({ seats: await seatMap(ctx.pool, performanceIdOf(req)) })),
  );
  return router;
}
