/**
 * The read path a sale's opening is made of (issue 7), each an index range/ref scan (migration
 * 003_read_indexes.sql, shown by test/target-service/read-path.test.ts) and each answered
 * through the read cache (`TARGET_CACHE`):
 * - `GET /api/concerts?after=&limit=`: concerts by id, keyset-paged;
 * - `GET /api/concerts/:id/schedules`: a concert's schedules with their AVAILABLE seat counts;
 * - `GET /api/schedules/:id/available-seats`: the AVAILABLE seats of a schedule.
 */
import { Router } from 'express';
import type { RowDataPacket } from 'mysql2';
import { z } from 'zod';
import type { Pool } from '../db.ts';
import { HttpError, parseOrBadRequest } from '../errors.ts';
import { pathIdSchema } from '../ids.ts';
import { concertsKey, schedulesKey, seatsKey, type ReadCache } from '../read-cache.ts';

/** Largest `limit` of a concert page. */
export const MAX_PAGE = 100;
const DEFAULT_PAGE = 20;

/** The SQL of each read, exported so the EXPLAIN test runs exactly what the routes run. */
export const READ_SQL = {
  /** Keyset page: PRIMARY range scan. */
  concertsPage: 'SELECT id, name FROM concerts WHERE id > ? ORDER BY id LIMIT ?',
  /** `idx_schedules_concert_starts` ref scan, rows already in start order. */
  schedulesOfConcert: 'SELECT id, starts_at, seat_count, sold_count FROM schedules WHERE concert_id = ? ORDER BY starts_at, id',
  /** Per schedule, a covering range over (schedule_id, status) of `idx_seats_available`. */
  availableCounts: "SELECT schedule_id, COUNT(*) AS n FROM seats WHERE schedule_id IN (?) AND status = 'AVAILABLE' GROUP BY schedule_id",
  /** Covering ref scan of `idx_seats_available`, already in seat_no order. */
  availableSeats: "SELECT seat_no FROM seats WHERE schedule_id = ? AND status = 'AVAILABLE' ORDER BY seat_no",
  concertExists: 'SELECT 1 FROM concerts WHERE id = ?',
  scheduleExists: 'SELECT 1 FROM schedules WHERE id = ?',
} as const;

/** 200 body of `GET /api/concerts`. */
export interface ConcertPage {
  readonly concerts: { readonly concertId: number; readonly name: string }[];
  /** Pass as `after` for the next page; null on the last page. */
  readonly next: number | null;
}

/** 200 body of `GET /api/concerts/:id/schedules`. */
export interface ConcertSchedules {
  readonly concertId: number;
  readonly schedules: {
    readonly scheduleId: number;
    readonly startsAt: Date;
    readonly seatCount: number;
    /** Seats whose status is AVAILABLE now (neither HELD nor SOLD). */
    readonly available: number;
  }[];
}

/** 200 body of `GET /api/schedules/:id/available-seats`. */
export interface AvailableSeats {
  readonly scheduleId: number;
  /** Seat numbers with status AVAILABLE, in `seat_no` order. */
  readonly seatNos: string[];
}

const pageQuery = z.object({
  after: z.string().regex(/^\d{1,16}$/, 'must be a non-negative integer').transform(Number).optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'must be a positive integer')
    .transform(Number)
    .pipe(z.int().min(1).max(MAX_PAGE, `must be at most ${MAX_PAGE}`))
    .optional(),
});

/** One keyset page of concerts with ids above `after`. */
export async function readConcertPage(pool: Pool, after: number, limit: number): Promise<ConcertPage> {
  const [rows] = await pool.query<RowDataPacket[]>(READ_SQL.concertsPage, [after, limit]);
  const concerts = rows.map((row) => ({ concertId: Number(row.id), name: String(row.name) }));
  return { concerts, next: concerts.length === limit ? concerts[concerts.length - 1]!.concertId : null };
}

/**
 * A concert's schedules with availability.
 * @throws HttpError 404 CONCERT_NOT_FOUND.
 */
export async function readConcertSchedules(pool: Pool, concertId: number): Promise<ConcertSchedules> {
  const [rows] = await pool.execute<RowDataPacket[]>(READ_SQL.schedulesOfConcert, [concertId]);
  if (rows.length === 0) {
    const [found] = await pool.execute<RowDataPacket[]>(READ_SQL.concertExists, [concertId]);
    if (found.length === 0) throw new HttpError(404, 'CONCERT_NOT_FOUND', `Concert ${concertId} does not exist.`);
    return { concertId, schedules: [] };
  }
  const [counts] = await pool.query<RowDataPacket[]>(READ_SQL.availableCounts, [rows.map((row) => Number(row.id))]);
  const available = new Map(counts.map((row) => [Number(row.schedule_id), Number(row.n)]));
  return {
    concertId,
    schedules: rows.map((row) => ({
      scheduleId: Number(row.id),
      startsAt: row.starts_at as Date,
      seatCount: Number(row.seat_count),
      available: available.get(Number(row.id)) ?? 0,
    })),
  };
}

/**
 * The AVAILABLE seats of a schedule (one query; a second only when there are none, to tell an
 * unknown schedule from a sold-out one).
 * @throws HttpError 404 SCHEDULE_NOT_FOUND.
 */
export async function readAvailableSeats(pool: Pool, scheduleId: number): Promise<AvailableSeats> {
  const [rows] = await pool.execute<RowDataPacket[]>(READ_SQL.availableSeats, [scheduleId]);
  if (rows.length === 0) {
    const [found] = await pool.execute<RowDataPacket[]>(READ_SQL.scheduleExists, [scheduleId]);
    if (found.length === 0) throw new HttpError(404, 'SCHEDULE_NOT_FOUND', `Schedule ${scheduleId} does not exist.`);
  }
  return { scheduleId, seatNos: rows.map((row) => String(row.seat_no)) };
}

/**
 * Router with the three read endpoints, answered through `cache` (which only passes through when
 * `TARGET_CACHE=off`). A 404 is never cached.
 */
export function readRoutes(pool: Pool, cache: ReadCache): Router {
  const router = Router();
  const send = (res: import('express').Response, text: string): void => {
    res.type('application/json').send(text);
  };
  router.get('/api/concerts', async (req, res) => {
    const query = parseOrBadRequest(pageQuery, req.query, 'query');
    const after = query.after ?? 0;
    const limit = query.limit ?? DEFAULT_PAGE;
    const generation = await cache.concertsGeneration();
    send(res, await cache.read(concertsKey(generation, after, limit), () => readConcertPage(pool, after, limit)));
  });
  router.get('/api/concerts/:id/schedules', async (req, res) => {
    const id = parseOrBadRequest(pathIdSchema, req.params.id, 'id');
    send(
      res,
      await cache.read(schedulesKey(id), async () => {
        const answer = await readConcertSchedules(pool, id);
        for (const s of answer.schedules) cache.rememberConcert(s.scheduleId, id);
        return answer;
      }),
    );
  });
  router.get('/api/schedules/:id/available-seats', async (req, res) => {
    const id = parseOrBadRequest(pathIdSchema, req.params.id, 'id');
    send(res, await cache.read(seatsKey(id), () => readAvailableSeats(pool, id)));
  });
  return router;
}
