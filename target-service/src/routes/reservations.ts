/** `POST /api/reservations` (hold, through the configured strategy) and `GET /api/reservations/:id`. */
import { Router } from 'express';
import type { RowDataPacket } from 'mysql2';
import { z } from 'zod';
import type { Pool } from '../db.ts';
import { HttpError, parseOrBadRequest } from '../errors.ts';
import type { HoldAttempts, SeatHoldStrategy } from '../hold-strategies/index.ts';
import { idSchema, pathIdSchema, seatNoSchema } from '../ids.ts';
import type { Metrics } from '../metrics.ts';
import { QUEUE_PASS_HEADER, type WaitingQueue } from '../queue/waiting-queue.ts';

// `queuePass`: the pass token for schedules with a waiting queue, when not sent as the Queue-Pass header.
const holdBody = z.object({ userId: idSchema, scheduleId: idSchema, seatNo: seatNoSchema, queuePass: z.string().max(128).optional() });

/** Response header of every answer the hold strategy gave: its database write attempts. */
export const HOLD_ATTEMPTS_HEADER = 'Hold-Attempts';

/** A reservation as `GET /api/reservations/:id` answers it. */
export interface ReservationView {
  readonly reservationId: number;
  readonly scheduleId: number;
  readonly seatNo: string;
  readonly userId: number;
  /** `HELD` | `CONFIRMED` | `EXPIRED` | `CANCELLED`. */
  readonly status: string;
  readonly expiresAt: Date;
}

/**
 * Reads one reservation.
 * @throws HttpError 404 RESERVATION_NOT_FOUND.
 */
export async function getReservation(pool: Pool, id: number): Promise<ReservationView> {
  const [rows] = await pool.execute<RowDataPacket[]>('SELECT id, schedule_id, seat_no, user_id, status, expires_at FROM reservations WHERE id = ?', [id]);
  const row = rows[0];
  if (!row) throw new HttpError(404, 'RESERVATION_NOT_FOUND', `Reservation ${id} does not exist.`);
  return {
    reservationId: Number(row.id),
    scheduleId: Number(row.schedule_id),
    seatNo: String(row.seat_no),
    userId: Number(row.user_id),
    status: String(row.status),
    expiresAt: row.expires_at as Date,
  };
}

/**
 * The `result` label of `seat_holds_total` for a hold that threw: the HttpError code (a bounded
 * set, e.g. `SEAT_LOCKED`), or `error` for anything unexpected.
 */
export function holdResultLabel(err: unknown): string {
  return err instanceof HttpError ? err.code : 'error';
}

/**
 * Router with the hold and reservation-read endpoints; `metrics` counts hold outcomes. With a
 * `queue`, a hold on a schedule that has a waiting queue needs the user's valid pass first (401
 * QUEUE_PASS_REQUIRED / 403 QUEUE_PASS_INVALID); other schedules are not affected.
 */
export function reservationRoutes(pool: Pool, strategy: SeatHoldStrategy, metrics?: Metrics, queue?: WaitingQueue): Router {
  const router = Router();
  router.post('/api/reservations', async (req, res) => {
    const { queuePass, ...input } = parseOrBadRequest(holdBody, req.body, 'body');
    await queue?.verifyPass(input.scheduleId, input.userId, req.get(QUEUE_PASS_HEADER) ?? queuePass);
    const attempts: HoldAttempts = { count: 0 };
    // Set on failure too: the error handler keeps headers already set when it answers.
    const held = await strategy
      .hold(input, attempts)
      .then(
        (result) => {
          metrics?.seatHolds.inc({ strategy: strategy.name, result: 'held' });
          return result;
        },
        (err: unknown) => {
          metrics?.seatHolds.inc({ strategy: strategy.name, result: holdResultLabel(err) });
          throw err;
        },
      )
      .finally(() => res.setHeader(HOLD_ATTEMPTS_HEADER, String(attempts.count)));
    res.status(201).json(held);
  });
  router.get('/api/reservations/:id', async (req, res) => {
    const id = parseOrBadRequest(pathIdSchema, req.params.id, 'id');
    res.json(await getReservation(pool, id));
  });
  return router;
}
