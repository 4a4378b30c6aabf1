/** `GET /api/schedules/:id/seats`: every seat of a schedule with its status. */
import { Router } from 'express';
import type { RowDataPacket } from 'mysql2';
import type { Pool } from '../db.ts';
import { HttpError, parseOrBadRequest } from '../errors.ts';
import { pathIdSchema } from '../ids.ts';

/** The 200 body of `GET /api/schedules/:id/seats`. */
export interface ScheduleSeats {
  readonly scheduleId: number;
  /** In seat creation order; status `AVAILABLE` | `HELD` | `SOLD`. */
  readonly seats: { readonly seatNo: string; readonly status: string }[];
}

/**
 * Reads the seats of a schedule.
 * @throws HttpError 404 SCHEDULE_NOT_FOUND.
 */
export async function getScheduleSeats(pool: Pool, scheduleId: number): Promise<ScheduleSeats> {
  const [schedules] = await pool.execute<RowDataPacket[]>('SELECT id FROM schedules WHERE id = ?', [scheduleId]);
  if (schedules.length === 0) throw new HttpError(404, 'SCHEDULE_NOT_FOUND', `Schedule ${scheduleId} does not exist.`);
  const [rows] = await pool.execute<RowDataPacket[]>('SELECT seat_no, status FROM seats WHERE schedule_id = ? ORDER BY id', [scheduleId]);
  return { scheduleId, seats: rows.map((row) => ({ seatNo: String(row.seat_no), status: String(row.status) })) };
}

/** Router with the seat-map endpoint. */
export function scheduleRoutes(pool: Pool): Router {
  const router = Router();
  router.get('/api/schedules/:id/seats', async (req, res) => {
    const id = parseOrBadRequest(pathIdSchema, req.params.id, 'id');
    res.json(await getScheduleSeats(pool, id));
  });
  return router;
}
