/**
 * The Express application: JSON parsing, the routes, 404 for anything else, and the error
 * handler that turns exceptions into envelopes.
 */
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Context } from './context.ts';
import { BadRequestError, failure, send } from './envelope.ts';
import { describeError } from './log.ts';
import { healthRoutes } from './routes/health.ts';
import { holdRoutes } from './routes/hold.ts';
import { payRoutes } from './routes/pay.ts';
import { pointRoutes } from './routes/points.ts';
import { seatRoutes } from './routes/seats.ts';
import { waitingRoomRoutes } from './routes/waiting-room.ts';

/**
 * Builds the application.
 * @param ready whether /health reports UP.
 */
export function createApp(ctx: Context, ready: () => boolean): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(express.json({ limit: '16kb' }));
  app.use(healthRoutes(ready));
  app.use(holdRoutes(ctx));
  app.use(payRoutes(ctx));
  app.use(pointRoutes(ctx));
  app.use(seatRoutes(ctx));
  app.use(waitingRoomRoutes(ctx));
  app.use((req: Request, res: Response) => send(res, failure(404, 'NOT_FOUND', `no route ${req.method} ${req.path}`)));
  // Express recognises an error handler by its four parameters; `next` must stay declared.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof BadRequestError) return send(res, failure(400, 'BAD_REQUEST', err.message));
    const status = (err as { status?: unknown }).status;
    // body-parser's errors (malformed JSON, too large) carry a 4xx status: the client's fault.
    if (typeof status === 'number' && status >= 400 && status < 500) return send(res, failure(400, 'BAD_REQUEST', describeError(err)));
    ctx.log.warn(`request failed: ${describeError(err)}`);
    send(res, failure(500, 'INTERNAL_ERROR', 'unexpected error'));
  });
  return app;
}
