/**
 * Every seat-hold strategy under a burst of concurrent holds on one seat, in-process against the
 * real MariaDB/MySQL, Redis and Kafka: the safe ones let exactly one hold win and one payment
 * confirm, `none` really double-books (and double-confirms); plus the `Hold-Attempts` header,
 * optimistic retries running out, the pessimistic lock-wait bound and the `redis-stock` counter.
 */
import { Redis } from 'ioredis';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TargetSettings } from '../../target-service/src/config.ts';
import { LOCK_WAIT_TIMEOUT_S } from '../../target-service/src/hold-strategies/pessimistic.ts';
import { RESTOCK_INTERVAL_MS, stockKey } from '../../target-service/src/hold-strategies/redis-stock.ts';
import { seatLockKey } from '../../target-service/src/seat-lock.ts';
import { silentLogger } from '../../target-service/src/log.ts';
import { startService, type RunningService } from '../../target-service/src/service.ts';
import { client, createTestDatabase, ensureConfirmedTopic, REDIS_URL, testSettings, waitFor } from './helpers.ts';

interface Fixture {
  readonly scheduleId: number;
  readonly seatNos: string[];
  readonly userIds: number[];
}

/** A hold answer with the `Hold-Attempts` header (-1 when absent or not a whole number). */
interface HoldAnswer {
  readonly status: number;
  readonly body: any;
  readonly attempts: number;
  readonly userId: number;
}

/** One service instance of one strategy with its own schedule. */
interface StrategyService {
  readonly service: RunningService;
  readonly api: ReturnType<typeof client>;
  readonly fixture: Fixture;
  hold(userId: number, seatNo: string): Promise<HoldAnswer>;
}

const SAFE_STRATEGIES = ['pessimistic', 'optimistic', 'redis-lock', 'redis-stock'] as const;
const BURST = 60;
// `none`: bursts of this many holds, each on a fresh seat (see the test for why several).
const NONE_BURST = 100;
const NONE_BURSTS = 5;
// For tests without contention: every service fills its pool at startup.
const SMALL_POOL = { dbPoolSize: 4 } as const;

let mysqlUrl: string;
let db: mysql.Connection;
let redis: Redis;
const started: RunningService[] = [];
const stockKeys: string[] = [];

async function rows(sql: string, params: unknown[] = []): Promise<RowDataPacket[]> {
  const [result] = await db.query<RowDataPacket[]>(sql, params);
  return result;
}

async function confirmedCount(scheduleId: number, seatNo: string): Promise<number> {
  const [row] = await rows("SELECT COUNT(*) AS n FROM reservations WHERE schedule_id = ? AND seat_no = ? AND status = 'CONFIRMED'", [scheduleId, seatNo]);
  return Number(row?.n);
}

async function startStrategy(strategy: string, fixture: { seats: number; users: number }, overrides: Partial<TargetSettings> = {}): Promise<StrategyService> {
  const service = await startService(testSettings(mysqlUrl, { strategy, ...overrides }), { log: silentLogger });
  started.push(service);
  const api = client(service.port);
  const created = await api.post('/admin/fixtures', fixture);
  expect(created.status).toBe(201);
  const scheduleId = created.body.scheduleId as number;
  // Test databases are recreated, so schedule ids recur across runs while Redis keeps the
  // counters of earlier runs: start from "not initialised", as a fresh schedule would.
  await redis.del(stockKey(scheduleId));
  stockKeys.push(stockKey(scheduleId));
  const hold = async (userId: number, seatNo: string): Promise<HoldAnswer> => {
    const res = await fetch(`http://127.0.0.1:${service.port}/api/reservations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId, scheduleId, seatNo }),
    });
    const header = res.headers.get('hold-attempts') ?? '';
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: res.status, body, attempts: /^\d+$/.test(header) ? Number(header) : -1, userId };
  };
  return { service, api, fixture: created.body as Fixture, hold };
}

/** All users hold `seatNo` at once; then every winner pays, all at once too. */
async function burstAndPay(s: StrategyService, seatNo: string, users: number): Promise<{ holds: HoldAnswer[]; payments: { status: number; body: any }[] }> {
  const holds = await Promise.all(s.fixture.userIds.slice(0, users).map((userId) => s.hold(userId, seatNo)));
  const winners = holds.filter((h) => h.status === 201);
  const payments = await Promise.all(winners.map((w) => s.api.post(`/api/reservations/${w.body.reservationId}/payment`, { userId: w.userId })));
  return { holds, payments };
}

function codes(answers: readonly HoldAnswer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of answers) {
    const key = a.status === 201 ? '201' : `${a.status} ${String(a.body?.error?.code)}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

beforeAll(async () => {
  mysqlUrl = await createTestDatabase('strategies');
  await ensureConfirmedTopic();
  db = await mysql.createConnection(mysqlUrl);
  redis = new Redis(REDIS_URL);
});

/** Closes the services started so far; each holds a full pool, and the server's connections are limited. */
async function closeStarted(): Promise<void> {
  for (const service of started.splice(0)) await service.close();
}

afterAll(async () => {
  await closeStarted();
  if (stockKeys.length > 0) await redis?.del(...stockKeys);
  await db?.end();
  redis?.disconnect();
});

describe.each(SAFE_STRATEGIES)('%s under a burst of holds on one seat', (strategy) => {
  const retries = 3;
  let s: StrategyService;
  beforeAll(async () => {
    s = await startStrategy(strategy, { seats: 5, users: BURST }, { optimisticRetries: retries });
  });
  afterAll(closeStarted);

  it(`lets exactly one of ${BURST} holds win and confirms exactly one reservation`, async () => {
    const { holds, payments } = await burstAndPay(s, 'S1', BURST);
    const created = holds.filter((h) => h.status === 201);
    const rejected = holds.filter((h) => h.status !== 201);
    expect(created, JSON.stringify(codes(holds))).toHaveLength(1);
    for (const r of rejected) {
      expect(r.status, JSON.stringify(r.body)).toBe(409);
      expect(r.body).toEqual({ error: { code: expect.stringMatching(/^[A-Z_]+$/), message: expect.any(String) } });
    }
    expect(payments.map((p) => p.status)).toEqual([201]);
    expect(await confirmedCount(s.fixture.scheduleId, 'S1')).toBe(1);
    const [reservations] = await rows('SELECT COUNT(*) AS n FROM reservations WHERE schedule_id = ? AND seat_no = ?', [s.fixture.scheduleId, 'S1']);
    expect(reservations?.n).toBe(1);

    for (const h of holds) {
      expect(h.attempts).toBeGreaterThanOrEqual(0);
      expect(h.attempts).toBeLessThanOrEqual(strategy === 'optimistic' ? retries + 1 : 1);
    }
    expect(created[0]?.attempts).toBeGreaterThanOrEqual(1);
    if (strategy !== 'optimistic') expect(created[0]?.attempts).toBe(1);
  });

  it('answers a hold of a sold seat 409 with Hold-Attempts', async () => {
    const again = await s.hold(s.fixture.userIds[0]!, 'S1');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toEqual(strategy === 'redis-stock' ? expect.stringMatching(/^(SEAT_UNAVAILABLE|SOLD_OUT)$/) : 'SEAT_UNAVAILABLE');
    expect(again.attempts).toBeGreaterThanOrEqual(0);
  });
});

describe('redis-lock refuses a seat it has read SOLD without the seat lock', () => {
  afterAll(closeStarted);

  /** `seat_lock_acquisitions_total` of the service, all results. */
  const lockAttempts = async (s: StrategyService): Promise<number> => {
    const text = (await s.api.get('/metrics')).text as string;
    return [...text.matchAll(/^seat_lock_acquisitions_total\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
  };

  it('learns SOLD from its read under the lock, then answers the same 409 at once; the expire-paid fault, which sells seats back, turns it off', async () => {
    for (const expiryFault of ['none', 'expire-paid'] as const) {
      const s = await startStrategy('redis-lock', { seats: 2, users: 4 }, { expiryFault });
      const { payments } = await burstAndPay(s, 'S1', 1);
      expect(payments.map((p) => p.status)).toEqual([201]);
      const first = await s.hold(s.fixture.userIds[1]!, 'S1');
      expect([first.status, first.body.error.code]).toEqual([409, 'SEAT_UNAVAILABLE']);
      const before = await lockAttempts(s);
      // One after the other: without the memo, two at once would also race for the lock.
      const again = [await s.hold(s.fixture.userIds[2]!, 'S1'), await s.hold(s.fixture.userIds[3]!, 'S1')];
      for (const a of again) expect([a.status, a.body.error.code, a.body.error.message]).toEqual([409, 'SEAT_UNAVAILABLE', first.body.error.message]);
      expect(await lockAttempts(s)).toBe(before + (expiryFault === 'none' ? 0 : 2));
      // The other seat is untouched by the memo.
      expect((await s.hold(s.fixture.userIds[1]!, 'S2')).status).toBe(201);
      await closeStarted();
    }
  });
});

describe('none (deliberately unsafe)', () => {
  let s: StrategyService;
  beforeAll(async () => {
    s = await startStrategy('none', { seats: NONE_BURSTS, users: NONE_BURST });
  });
  afterAll(closeStarted);

  it('double-books and double-confirms a seat under concurrent holds', async () => {
    // Check and write are separate round trips with nothing between them; whether two requests
    // both read AVAILABLE depends on scheduling, so several bursts on fresh seats make the test
    // independent of one unlucky interleaving on a 2-core machine.
    const outcomes: { seatNo: string; held: number; confirmed: number }[] = [];
    for (let i = 1; i <= NONE_BURSTS; i += 1) {
      const seatNo = `S${i}`;
      const { holds, payments } = await burstAndPay(s, seatNo, NONE_BURST);
      for (const h of holds) expect([201, 409], JSON.stringify(h.body)).toContain(h.status);
      for (const h of holds) expect(h.attempts).toBe(h.status === 201 ? 1 : 0);
      // No guard row at payment for `none`: every winner's payment goes through.
      for (const p of payments) expect(p.status, JSON.stringify(p.body)).toBe(201);
      outcomes.push({ seatNo, held: holds.filter((h) => h.status === 201).length, confirmed: await confirmedCount(s.fixture.scheduleId, seatNo) });
    }
    const doubleBooked = outcomes.filter((o) => o.held > 1 && o.confirmed > 1);
    console.log(`none: ${doubleBooked.length}/${NONE_BURSTS} seats double-booked (${NONE_BURST} concurrent holds each): ${JSON.stringify(outcomes)}`);
    expect(doubleBooked.length).toBeGreaterThanOrEqual(1);
    const guards = await rows('SELECT COUNT(*) AS n FROM confirmed_seat_guard WHERE schedule_id = ?', [s.fixture.scheduleId]);
    expect(guards[0]?.n).toBe(0);
  });
});

describe('optimistic with no retries', () => {
  let s: StrategyService;
  beforeAll(async () => {
    s = await startStrategy('optimistic', { seats: 3, users: BURST }, { optimisticRetries: 0 });
  });
  afterAll(closeStarted);

  it('answers every lost race 409 (SEAT_CONFLICT or SEAT_UNAVAILABLE), never 5xx, one attempt each at most', async () => {
    const seen: Record<string, number> = {};
    for (const seatNo of ['S1', 'S2', 'S3']) {
      const { holds } = await burstAndPay(s, seatNo, BURST);
      for (const h of holds) {
        expect([201, 409], JSON.stringify(h.body)).toContain(h.status);
        expect(h.attempts).toBeLessThanOrEqual(1);
        if (h.status === 409) expect(['SEAT_CONFLICT', 'SEAT_UNAVAILABLE']).toContain(h.body.error.code);
        if (h.body?.error?.code === 'SEAT_CONFLICT') expect(h.attempts).toBe(1);
      }
      expect(holds.filter((h) => h.status === 201)).toHaveLength(1);
      for (const [code, n] of Object.entries(codes(holds))) seen[code] = (seen[code] ?? 0) + n;
    }
    console.log(`optimistic, TARGET_OPTIMISTIC_RETRIES=0, 3 bursts of ${BURST}: ${JSON.stringify(seen)}`);
    expect((seen['409 SEAT_CONFLICT'] ?? 0) + (seen['409 SEAT_UNAVAILABLE'] ?? 0)).toBeGreaterThan(0);
  });
});

describe('pessimistic lock wait', () => {
  let s: StrategyService;
  beforeAll(async () => {
    s = await startStrategy('pessimistic', { seats: 1, users: 1 }, SMALL_POOL);
  });
  afterAll(closeStarted);

  it(`answers 409 SEAT_LOCKED after about ${LOCK_WAIT_TIMEOUT_S} s while another transaction holds the row`, async () => {
    const blocker = await mysql.createConnection(mysqlUrl);
    try {
      await blocker.beginTransaction();
      await blocker.query("SELECT id FROM seats WHERE schedule_id = ? AND seat_no = 'S1' FOR UPDATE", [s.fixture.scheduleId]);
      const startedAt = Date.now();
      const answer = await s.hold(s.fixture.userIds[0]!, 'S1');
      const waitedMs = Date.now() - startedAt;
      expect(answer.status).toBe(409);
      expect(answer.body.error.code).toBe('SEAT_LOCKED');
      expect(answer.attempts).toBe(1);
      expect(waitedMs).toBeGreaterThanOrEqual(LOCK_WAIT_TIMEOUT_S * 1000 - 500);
      expect(waitedMs).toBeLessThan(LOCK_WAIT_TIMEOUT_S * 1000 + 5_000);
    } finally {
      await blocker.rollback();
      await blocker.end();
    }
    const after = await s.hold(s.fixture.userIds[0]!, 'S1');
    expect(after.status).toBe(201);
  });
});

describe('redis-stock counter', () => {
  afterEach(closeStarted);

  it('initialises from the AVAILABLE seats, answers SOLD_OUT once they are held, and gives back failed holds', async () => {
    const s = await startStrategy('redis-stock', { seats: 4, users: 5 }, SMALL_POOL);
    const key = stockKey(s.fixture.scheduleId);
    const [u0, u1, u2, u3] = s.fixture.userIds as [number, number, number, number];
    // Sold before the first hold: the lazily created counter must not count it.
    await db.query("UPDATE seats SET status = 'SOLD' WHERE schedule_id = ? AND seat_no = 'S4'", [s.fixture.scheduleId]);
    expect(await redis.exists(key)).toBe(0);

    expect((await s.hold(u0, 'S1')).status).toBe(201);
    expect(await redis.get(key)).toBe('2');
    const taken = await s.hold(u1, 'S1');
    expect(taken.body.error.code).toBe('SEAT_UNAVAILABLE');
    expect(await redis.get(key)).toBe('2');
    const unknownSeat = await s.hold(u1, 'NOPE');
    expect(unknownSeat.body.error.code).toBe('SEAT_NOT_FOUND');
    expect(await redis.get(key)).toBe('2');

    expect((await s.hold(u1, 'S2')).status).toBe(201);
    expect((await s.hold(u2, 'S3')).status).toBe(201);
    expect(await redis.get(key)).toBe('0');
    for (const seatNo of ['S1', 'S4', 'S3']) {
      const soldOut = await s.hold(u3, seatNo);
      expect(soldOut.status).toBe(409);
      expect(soldOut.body.error.code).toBe('SOLD_OUT');
      expect(soldOut.attempts).toBe(0);
    }
    expect(await redis.get(key)).toBe('0');
  });

  it('replaces a stale counter left under the new schedule id by another database sharing Redis', async () => {
    const s = await startStrategy('redis-stock', { seats: 1, users: 1 }, SMALL_POOL);
    const [status] = await rows("SELECT AUTO_INCREMENT AS next FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'schedules'", []);
    const nextId = Number(status?.next);
    // Another database's sold-out schedule with the same id.
    await redis.set(stockKey(nextId), '0');
    stockKeys.push(stockKey(nextId));
    const created = await client(s.service.port).post('/admin/fixtures', { seats: 3, users: 1 });
    expect(created.body.scheduleId).toBe(nextId);
    expect(await redis.get(stockKey(nextId))).toBe('3');
  });

  it('answers 404 for an unknown schedule without creating a counter', async () => {
    const s = await startStrategy('redis-stock', { seats: 1, users: 1 }, SMALL_POOL);
    const res = await fetch(`http://127.0.0.1:${s.service.port}/api/reservations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: s.fixture.userIds[0], scheduleId: 999_999_999, seatNo: 'S1' }),
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SEAT_NOT_FOUND');
    expect(await redis.exists(stockKey(999_999_999))).toBe(0);
  });

  it('recovers a unit leaked by a crash between the DECR and the hold once the crashed lease is gone (kill-target found 9 seats never sold)', async () => {
    const s = await startStrategy('redis-stock', { seats: 3, users: 3 }, SMALL_POOL);
    const key = stockKey(s.fixture.scheduleId);
    const [u0, u1, u2] = s.fixture.userIds as [number, number, number];
    expect((await s.hold(u0, 'S1')).status).toBe(201);
    // An instance killed after taking S2's lock and its unit, before writing the hold.
    await redis.set(seatLockKey(s.fixture.scheduleId, 'S2'), 'crashed-owner', 'PX', 300);
    await redis.decr(key);
    expect((await s.hold(u1, 'S3')).status).toBe(201);
    expect(await redis.get(key)).toBe('0');
    // While the crashed lease lives, S2 may still be on its way to HELD: not restocked.
    const early = await s.hold(u2, 'S2');
    expect(early.body.error.code).toBe('SOLD_OUT');
    await new Promise((resolve) => setTimeout(resolve, RESTOCK_INTERVAL_MS + 100));
    const late = await s.hold(u2, 'S2');
    expect(late.status).toBe(201);
    expect(await redis.get(key)).toBe('0');
    const [seat] = await rows("SELECT COUNT(*) AS n FROM seats WHERE schedule_id = ? AND status = 'AVAILABLE'", [s.fixture.scheduleId]);
    expect(Number(seat?.n)).toBe(0);
  });

  it('gets the unit back when the expiry sweep frees a held seat', async () => {
    const s = await startStrategy('redis-stock', { seats: 3, users: 2 }, { ...SMALL_POOL, holdTtlMs: 1_500, expirySweepMs: 50 });
    const key = stockKey(s.fixture.scheduleId);
    const held = await s.hold(s.fixture.userIds[0]!, 'S1');
    expect(held.status).toBe(201);
    expect(await redis.get(key)).toBe('2');
    await waitFor('the hold to expire', async () => (await rows('SELECT status FROM reservations WHERE id = ?', [held.body.reservationId]))[0]?.status === 'EXPIRED', 10_000);
    await waitFor('the unit back', async () => (await redis.get(key)) === '3', 5_000);
    const [seat] = await rows("SELECT status FROM seats WHERE schedule_id = ? AND seat_no = 'S1'", [s.fixture.scheduleId]);
    expect(seat?.status).toBe('AVAILABLE');
    expect((await s.hold(s.fixture.userIds[1]!, 'S1')).status).toBe(201);
  });
});
