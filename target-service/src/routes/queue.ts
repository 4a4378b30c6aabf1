/**
 * Waiting-queue endpoints of a schedule created with a queue:
 * - `POST /api/schedules/:id/queue` {userId}: enter (201 now, 200 when already in line: the first
 *   place is kept);
 * - `GET /api/schedules/:id/queue/status?userId=`: position and estimated wait, or the pass token
 *   once admitted;
 * - `GET /api/schedules/:id/queue/stream?userId=`: the same as Server-Sent Events, one `position`
 *   event per change and an `admitted` event with the pass, then the stream ends;
 * - `POST /api/schedules/:id/queue/leave` {userId}: leave the line or give the pass back.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { parseOrBadRequest } from '../errors.ts';
import { idSchema, pathIdSchema } from '../ids.ts';
import type { Advancer } from '../queue/advancer.ts';
import type { QueueStatus, WaitingQueue } from '../queue/waiting-queue.ts';

const userBody = z.object({ userId: idSchema });
const userQuery = z.object({ userId: pathIdSchema });

// A comment line this often keeps proxies from closing a quiet stream.
const SSE_HEARTBEAT_MS = 15_000;
// The stream re-reads the status at most this often (and at least once per advance interval).
const SSE_MIN_POLL_MS = 50;

/** Router with the queue endpoints; `advancer` is woken when someone enters. */
export function queueRoutes(queue: WaitingQueue, advancer?: Pick<Advancer, 'wake'>): Router {
  const router = Router();
  const scheduleOf = (req: Request): number => parseOrBadRequest(pathIdSchema, req.params['id'], 'id');

  router.post('/api/schedules/:id/queue', async (req, res) => {
    const scheduleId = scheduleOf(req);
    const { userId } = parseOrBadRequest(userBody, req.body, 'body');
    const result = await queue.enter(scheduleId, userId);
    if (result.entered) advancer?.wake(scheduleId);
    res.status(result.entered ? 201 : 200).json({ entered: result.entered, ...result.status });
  });

  router.get('/api/schedules/:id/queue/status', async (req, res) => {
    const scheduleId = scheduleOf(req);
    const { userId } = parseOrBadRequest(userQuery, req.query, 'query');
    res.json(await queue.status(scheduleId, userId));
  });

  router.post('/api/schedules/:id/queue/leave', async (req, res) => {
    const scheduleId = scheduleOf(req);
    const { userId } = parseOrBadRequest(userBody, req.body, 'body');
    await queue.status(scheduleId, userId); // 404 when the schedule has no queue
    res.json({ scheduleId, userId, ...(await queue.release(scheduleId, userId, 'left')) });
  });

  router.get('/api/schedules/:id/queue/stream', async (req, res) => {
    const scheduleId = scheduleOf(req);
    const { userId } = parseOrBadRequest(userQuery, req.query, 'query');
    // Errors before the first byte (no queue, bad id) are ordinary JSON answers.
    let status = await queue.status(scheduleId, userId);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    let closed = false;
    req.on('close', () => {
      closed = true;
    });
    const send = (event: string, data: QueueStatus): void => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const pollMs = Math.max(SSE_MIN_POLL_MS, Math.floor(status.settings.advanceMs / 2));
    let lastSent = '';
    let lastWrite = Date.now();
    try {
      while (!closed) {
        const key = `${status.state}:${status.position ?? ''}`;
        if (key !== lastSent) {
          lastSent = key;
          lastWrite = Date.now();
          send(status.state === 'admitted' ? 'admitted' : 'position', status);
        }
        if (status.state !== 'waiting') break;
        if (Date.now() - lastWrite >= SSE_HEARTBEAT_MS) {
          res.write(': heartbeat\n\n');
          lastWrite = Date.now();
        }
        await new Promise((resolve) => setTimeout(resolve, pollMs));
        if (!closed) status = await queue.status(scheduleId, userId);
      }
    } catch (err) {
      // Headers are out: say what broke as an event, then end the stream.
      if (!closed) res.write(`event: error\ndata: ${JSON.stringify({ message: (err as Error).message })}\n\n`);
    }
    res.end();
  });
  return router;
}
