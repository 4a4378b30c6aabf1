/**
 * `POST /admin/fixtures`: creates one concert with one schedule, its seats and some users, each
 * with a wallet holding `points` (an INITIAL ledger row of that amount, so balance = sum of the
 * ledger from the start), so a load test starts from a known state. Everything is one transaction.
 */
import { Router } from 'express';
import type { ResultSetHeader, RowDataPacket } from 'mysql2';
import { z } from 'zod';
import { inTransaction, type Pool, type PoolConnection } from '../db.ts';
import { HttpError, parseOrBadRequest } from '../errors.ts';
import type { SeatHoldStrategy } from '../hold-strategies/index.ts';
import { QUEUE_DEFAULTS, type QueueSettings, type WaitingQueue } from '../queue/waiting-queue.ts';
import type { QueueKeys } from '../waiting-queue.ts';

/** Points each fixture user's wallet starts with unless `points` says otherwise: 20 payments at the default price. */
export const DEFAULT_FIXTURE_POINTS = 1_000_000;
/** Most points a fixture may give each user. */
export const MAX_FIXTURE_POINTS = 1_000_000_000_000;

const fixturesBody = z.object({
  seats: z.int().min(1).max(100_000),
  users: z.int().min(1).max(100_000),
  price: z.int().min(0).max(2_147_483_647).default(50_000),
  points: z.int().min(0).max(MAX_FIXTURE_POINTS).default(DEFAULT_FIXTURE_POINTS),
  name: z.string().min(1).max(200).optional(),
  // The schedule gets a waiting queue: holds then need a pass (see routes/queue.ts).
  queue: z
    .object({
      capacity: z.int().min(1).max(100_000).default(QUEUE_DEFAULTS.capacity),
      passTtlMs: z.int().min(50).max(24 * 3_600_000).default(QUEUE_DEFAULTS.passTtlMs),
      advanceMs: z.int().min(10).max(3_600_000).default(QUEUE_DEFAULTS.advanceMs),
    })
    .optional(),
});

/** A fixtures request, validated. */
export type FixturesInput = z.output<typeof fixturesBody>;

/** The 201 body of `POST /admin/fixtures`. */
export interface FixturesResult {
  readonly concertId: number;
  readonly scheduleId: number;
  /** `S1` … `S<seats>`, in insertion order. */
  readonly seatNos: string[];
  /** Ids of the users created, ascending. */
  readonly userIds: number[];
  /** Price of every seat, points. */
  readonly price: number;
  /** Points each user's wallet starts with. */
  readonly points: number;
}

// Rows per multi-row INSERT: well under max_allowed_packet, few round trips.
const CHUNK = 5_000;

/**
 * Inserts the concert, a schedule starting in one day, `seats` AVAILABLE seats priced `price`,
 * and `users` users, each with a wallet of `points` points and (when `points` > 0) its INITIAL
 * ledger row.
 * @throws the driver's error when the database fails (the transaction is rolled back).
 */
export async function createFixtures(pool: Pool, input: FixturesInput): Promise<FixturesResult> {
  return inTransaction(pool, async (conn) => {
    const [concert] = await conn.execute<ResultSetHeader>('INSERT INTO concerts (name) VALUES (?)', [input.name ?? 'ticketbench concert']);
    const concertId = concert.insertId;
    const [schedule] = await conn.execute<ResultSetHeader>(
      'INSERT INTO schedules (concert_id, starts_at, seat_count) VALUES (?, NOW(6) + INTERVAL 1 DAY, ?)',
      [concertId, input.seats],
    );
    const scheduleId = schedule.insertId;

    const seatNos = Array.from({ length: input.seats }, (_, i) => `S${i + 1}`);
    for (let i = 0; i < seatNos.length; i += CHUNK) {
      const rows = seatNos.slice(i, i + CHUNK).map((seatNo) => [scheduleId, seatNo, input.price]);
      await conn.query('INSERT INTO seats (schedule_id, seat_no, price) VALUES ?', [rows]);
    }

    const userIds = await insertUsers(conn, concertId, input.users);
    await insertWallets(conn, userIds, input.points);
    return { concertId, scheduleId, seatNos, userIds, price: input.price, points: input.points };
  });
}

async function insertWallets(conn: PoolConnection, userIds: readonly number[], points: number): Promise<void> {
  for (let i = 0; i < userIds.length; i += CHUNK) {
    const chunk = userIds.slice(i, i + CHUNK);
    await conn.query('INSERT INTO wallets (user_id, balance) VALUES ?', [chunk.map((id) => [id, points])]);
    // No row for 0 points: the sum of no rows is already 0.
    if (points > 0) {
      await conn.query('INSERT INTO wallet_ledger (user_id, amount, type, balance_after) VALUES ?', [chunk.map((id) => [id, points, 'INITIAL', points])]);
    }
  }
}

// Ids are read back rather than derived from insertId: auto_increment_increment and interleaved
// auto-increment locking can leave gaps between the rows of one multi-row insert.
async function insertUsers(conn: PoolConnection, concertId: number, count: number): Promise<number[]> {
  const prefix = `fixture-${concertId}-user-`;
  let firstId: number | undefined;
  for (let i = 0; i < count; i += CHUNK) {
    const rows = Array.from({ length: Math.min(CHUNK, count - i) }, (_, j) => [`${prefix}${i + j + 1}`]);
    const [result] = await conn.query<ResultSetHeader>('INSERT INTO users (name) VALUES ?', [rows]);
    firstId ??= result.insertId;
  }
  const [rows] = await conn.query<RowDataPacket[]>('SELECT id FROM users WHERE id >= ? AND name LIKE ? ORDER BY id', [firstId, `${prefix}%`]);
  return rows.map((row) => Number(row.id));
}

/** What the 201 body adds when the schedule was created with a queue. */
export interface FixtureQueue extends QueueSettings {
  /** The Redis keys of the schedule's queue, so a load tester can sample and check them. */
  readonly keys: QueueKeys;
}

/**
 * Router with `POST /admin/fixtures`.
 * @param strategy told about each new schedule once it is committed (`onScheduleCreated`)
 * @param queue gives the schedule a waiting queue when the body asks for one (`queue: {capacity,
 *   passTtlMs, advanceMs}`); without it such a request is 400 QUEUE_UNAVAILABLE
 */
export function fixturesRoutes(pool: Pool, strategy: Pick<SeatHoldStrategy, 'onScheduleCreated'>, queue?: WaitingQueue): Router {
  const router = Router();
  router.post('/admin/fixtures', async (req, res) => {
    const input = parseOrBadRequest(fixturesBody, req.body, 'body');
    if (input.queue && !queue) throw new HttpError(400, 'QUEUE_UNAVAILABLE', 'This service runs without a waiting queue.');
    const fixtures = await createFixtures(pool, input);
    await strategy.onScheduleCreated?.(fixtures.scheduleId, fixtures.seatNos.length);
    if (input.queue && queue) {
      await queue.enable(fixtures.scheduleId, input.queue);
      const withQueue: FixturesResult & { queue: FixtureQueue } = { ...fixtures, queue: { ...input.queue, keys: queue.keys(fixtures.scheduleId) } };
      res.status(201).json(withQueue);
      return;
    }
    res.status(201).json(fixtures);
  });
  return router;
}
