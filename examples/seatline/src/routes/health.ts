/**
 * GET /health
 */
import { Router } from 'express';
import { failure, ok, route } from '../envelope.ts';

/**
 * The health route: 200 `{ status: "UP" }` while `ready()` is true, else 503 NOT_READY (during
 * shutdown; the server only listens once startup has finished).
 */
export function healthRoutes(ready: () => boolean): Router {
  const router = Router();
  router.get(
    '/health',
    route(async () => (ready() ? ok({ status: 'UP' }, 'up') : failure(503, 'NOT_READY', 'shutting down'))),
  );
  return router;
}
