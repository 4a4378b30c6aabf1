/**
 * POST /v1/points/:userKey/charge and GET /v1/points/:userKey
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Context } from '../context.ts';
import { BadRequestError, ok, outcome, route } from '../envelope.ts';
import { chargePoints, chargePointsLossy, MAX_CHARGE_POINT, readBalance } from '../point-wallet.ts';
import { uuidFrom } from '../request.ts';

const ChargeBody = z.object({
  point: z.number().int().positive().max(MAX_CHARGE_POINT),
  requestKey: z.string().min(1).max(100),
});

const USER_NOT_FOUND = 'no point balance for this user';

/**
 * The point routes. Charge answers OK `{ historyId, point, duplicated }` (point = balance after);
 * balance answers OK `{ point, version }`; both answer USER_NOT_FOUND (200) for an unknown user.
 */
export function pointRoutes(ctx: Context): Router {
  const router = Router();
  router.post(
    '/v1/points/:userKey/charge',
    route(async (req) => {
      const userKey = uuidFrom(req.params.userKey, 'userKey');
      const body = ChargeBody.safeParse(req.body);
      if (!body.success) throw new BadRequestError(`body must be {"point": 1..${MAX_CHARGE_POINT}, "requestKey": 1..100 characters}`);
      const charge = ctx.config.fault === 'lost-update-points' ? chargePointsLossy : chargePoints;
      const result = await charge(ctx.pool, { userKey, ...body.data });
      if (result.code !== 'OK') return outcome(result.code, USER_NOT_FOUND);
      return ok({ historyId: result.historyId, point: result.point, duplicated: result.duplicated }, result.duplicated ? 'already charged' : 'charged');
    }),
  );
  router.get(
    '/v1/points/:userKey',
    route(async (req) => {
      const result = await readBalance(ctx.pool, uuidFrom(req.params.userKey, 'userKey'));
      if (result.code !== 'OK') return outcome(result.code, USER_NOT_FOUND);
      return ok({ point: result.point, version: result.version });
    }),
  );
  return router;
}
