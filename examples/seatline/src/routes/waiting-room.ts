/**
 * POST and GET /v1/performances/:performanceId/waiting-room
 */
import { Router, type Request } from 'express';
import type { Context } from '../context.ts';
import { ok, outcome, route, type Reply } from '../envelope.ts';
import { queueEnabled } from '../performances.ts';
import { performanceIdOf, userKeyOf } from '../request.ts';
import { joinRoom, roomStatus, type RoomStatus } from '../waiting-room.ts';

/**
 * The waiting-room routes: POST joins the line (first arrival kept), GET only looks. Both answer
 * OK with `{ status: "WAITING", rank }` or `{ status: "ACTIVE", token, expiresAt }` (epoch ms);
 * GET may also answer `{ status: "NONE" }`. A performance without a queue (or an unknown one)
 * answers QUEUE_NOT_ENABLED with status 200.
 */
export function waitingRoomRoutes(ctx: Context): Router {
  const router = Router();
  const handle = (look: typeof joinRoom) =>
    route(async (req: Request): Promise<Reply> => {
      const performanceId = performanceIdOf(req);
      const userKey = userKeyOf(req);
      if (!(await queueEnabled(ctx.pool, performanceId))) return outcome('QUEUE_NOT_ENABLED', 'this performance has no waiting room');
      const status: RoomStatus = await look(ctx.redis, performanceId, userKey);
      return ok(status);
    });
  router.post('/v1/performances/:performanceId/waiting-room', handle(joinRoom));
  router.get('/v1/performances/:performanceId/waiting-room', handle(roomStatus));
  return router;
}
