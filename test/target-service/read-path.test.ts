/**
 * The read path of the bundled target against real MariaDB/MySQL and Redis: EXPLAIN of every read
 * query is an index range/ref scan (on a seeded table, so the optimizer has real statistics), the
 * read endpoints' answers, the Redis read cache kept honest by holds, payments and the expiry
 * sweep, and its stampede protection (one MySQL load per key however many readers miss at once,
 * within a process and across processes).
 */
import { Redis } from 'ioredis';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../target-service/src/log.ts';
import { createReadCache, seatsKey } from '../../target-service/src/read-cache.ts';
import { READ_SQL } from '../../target-service/src/routes/reads.ts';
import { startService, type RunningService } from '../../target-service/src/service.ts';
import { seedDatabase, SEED_DEFAULTS } from '../../src/seed/seed.ts';
import { client, createTestDatabase, ensureConfirmedTopic, REDIS_URL, testSettings, waitFor } from './helpers.ts';

const log: Logger = { info: () => {}, warn: () => {}, error: () => {} };
let mysqlUrl: string;
let dbName: string;
let service: RunningService;
let db: mysql.Connection;
let redis: Redis;
let api: ReturnType<typeof client>;
let fixture: { concertId: number; scheduleId: number; seatNos: string[]; userIds: number[] };

async function rows(sql: string, params: unknown[] = []): Promise<RowDataPacket[]> {
  const [result] = await db.query<RowDataPacket[]>(sql, params);
  return result;
}

/** `read_cache_requests_total{result="…"}` from the service's /metrics. */
async function cacheCount(result: string): Promise<number> {
  const text = (await api.get('/metrics')).text;
  const m = new RegExp(`^read_cache_requests_total\\{result="${result}"\\} (\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

beforeAll(async () => {
  mysqlUrl = await createTestDatabase('reads');
  dbName = new URL(mysqlUrl).pathname.slice(1);
  // 60,000 seats around the fixture's, so EXPLAIN reflects a table where a full scan would hurt.
  await seedDatabase(mysqlUrl, { ...SEED_DEFAULTS, concerts: 3, schedulesPerConcert: 4, seatsPerSchedule: 5_000, users: 100 });
  await ensureConfirmedTopic();
  db = await mysql.createConnection({ uri: mysqlUrl });
  await db.query('ANALYZE TABLE seats, schedules, concerts');
  redis = new Redis(REDIS_URL);
  service = await startService(testSettings(mysqlUrl, { cache: 'on', cacheTtlMs: 30_000, holdTtlMs: 1_500 }), { log });
  api = client(service.port);
  fixture = (await api.post('/admin/fixtures', { seats: 10, users: 3, price: 100 })).body;
}, 120_000);

afterAll(async () => {
  await service?.close();
  await db?.end();
  redis?.disconnect();
});

describe('EXPLAIN of the read queries', () => {
  const cases: [keyof typeof READ_SQL, unknown[], string][] = [
    ['concertsPage', [0, 20], 'PRIMARY'],
    ['schedulesOfConcert', [1], 'idx_schedules_concert_starts'],
    ['availableCounts', [[1, 2, 3]], 'idx_seats_available'],
    ['availableSeats', [1], 'idx_seats_available'],
    ['concertExists', [1], 'PRIMARY'],
    ['scheduleExists', [1], 'PRIMARY'],
  ];
  it.each(cases)('%s is an index range/ref scan without filesort', async (name, params, key) => {
    const [plan] = await rows(`EXPLAIN ${db.format(READ_SQL[name], params)}`);
    expect(plan).toBeDefined();
    // The availability count may use either (schedule_id, status) index: both are covering.
    const keys = name === 'availableCounts' ? [key, 'idx_seats_schedule_status'] : [key];
    expect({ name, type: plan!.type, key: plan!.key }).toEqual({ name, type: expect.stringMatching(/^(range|ref|eq_ref|const)$/), key: expect.toBeOneOf(keys) });
    expect(String(plan!.Extra ?? '')).not.toMatch(/filesort|temporary/i);
  });
});

describe('read endpoints', () => {
  it('pages concerts by id with a bounded page size', async () => {
    const first = await api.get('/api/concerts?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.concerts).toHaveLength(2);
    const second = await api.get(`/api/concerts?limit=2&after=${first.body.next}`);
    expect(second.body.concerts[0].concertId).toBeGreaterThan(first.body.next);
    expect((await api.get('/api/concerts?limit=1000')).status).toBe(400);
    // The fixture bumped the page generation; its key does not live forever in the shared Redis.
    expect(await redis.pttl(`tbcache:${dbName}:concerts:generation`)).toBeGreaterThan(0);
  });

  it('lists a concert\'s schedules with availability and 404s an unknown concert', async () => {
    const answer = await api.get(`/api/concerts/${fixture.concertId}/schedules`);
    expect(answer.body).toMatchObject({ concertId: fixture.concertId, schedules: [{ scheduleId: fixture.scheduleId, seatCount: 10, available: 10 }] });
    const missing = await api.get('/api/concerts/999999999/schedules');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'CONCERT_NOT_FOUND']);
    expect((await api.get('/api/schedules/999999999/available-seats')).status).toBe(404);
  });
});

describe('read cache', () => {
  it('serves the seat map from Redis under a per-database key and drops it on hold, payment and expiry', async () => {
    const seats = `/api/schedules/${fixture.scheduleId}/available-seats`;
    const schedules = `/api/concerts/${fixture.concertId}/schedules`;
    expect((await api.get(seats)).body.seatNos).toHaveLength(10);
    expect(await redis.exists(`tbcache:${dbName}:${seatsKey(fixture.scheduleId)}`)).toBe(1);
    const hits = await cacheCount('hit');
    await api.get(seats);
    expect(await cacheCount('hit')).toBe(hits + 1);

    // Hold S1 and pay: gone from the seat map at once (the TTL is 30 s, so only invalidation explains it).
    const held = await api.post('/api/reservations', { userId: fixture.userIds[0], scheduleId: fixture.scheduleId, seatNo: 'S1' });
    expect(held.status).toBe(201);
    expect((await api.get(seats)).body.seatNos).not.toContain('S1');
    expect((await api.get(schedules)).body.schedules[0].available).toBe(9);
    expect((await api.post(`/api/reservations/${held.body.reservationId}/payment`, { userId: fixture.userIds[0] })).status).toBe(201);
    expect((await api.get(seats)).body.seatNos).not.toContain('S1');

    // Hold S2 and let it expire (hold TTL 1.5 s): the sweep frees it and the seat map shows it again.
    expect((await api.post('/api/reservations', { userId: fixture.userIds[1], scheduleId: fixture.scheduleId, seatNo: 'S2' })).status).toBe(201);
    expect((await api.get(seats)).body.seatNos).not.toContain('S2');
    await waitFor('the expired hold\'s seat to be readable again', async () => ((await api.get(seats)).body.seatNos as string[]).includes('S2'), 15_000, 200);
    expect((await api.get(schedules)).body.schedules[0].available).toBe(9);
  }, 30_000);

  it('counts the statements it sends to MySQL (db_statements_total)', async () => {
    const statements = async () => {
      const text = (await api.get('/metrics')).text;
      return [...text.matchAll(/^db_statements_total\{command="(?:query|execute)"\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
    };
    const before = await statements();
    await redis.del(`tbcache:${dbName}:${seatsKey(fixture.scheduleId)}`);
    await api.get(`/api/schedules/${fixture.scheduleId}/available-seats`);
    expect(await statements()).toBeGreaterThan(before);
  });

  it('sends one miss to MySQL when 50 readers miss the same key at once', async () => {
    const seats = `/api/schedules/${fixture.scheduleId}/available-seats`;
    await redis.del(`tbcache:${dbName}:${seatsKey(fixture.scheduleId)}`);
    const misses = await cacheCount('miss');
    const answers = await Promise.all(Array.from({ length: 50 }, () => api.get(seats)));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(await cacheCount('miss')).toBe(misses + 1);
    expect(await cacheCount('coalesced')).toBeGreaterThan(0);
  });

  it('across processes the SET NX lock makes the others wait for the one load', async () => {
    const namespace = `${dbName}-stampede-${Date.now()}`;
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((resolve) => setTimeout(resolve, 150));
      return { value: 42 };
    };
    // Two caches on their own Redis connections stand for two service instances.
    const clients = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
    try {
      const caches = clients.map((c) => createReadCache(c, { enabled: true, ttlMs: 10_000, namespace }, async () => undefined));
      const answers = await Promise.all(caches.flatMap((cache) => Array.from({ length: 10 }, () => cache.read('hot', load))));
      expect(new Set(answers)).toEqual(new Set(['{"value":42}']));
      expect(loads).toBe(1);
      await redis.del(`tbcache:${namespace}:hot`);
    } finally {
      for (const c of clients) c.disconnect();
    }
  });

  it('a write during a load: later readers get a fresh load and the old answer is not stored', async () => {
    const namespace = `${dbName}-race-${Date.now()}`;
    const cache = createReadCache(redis, { enabled: true, ttlMs: 10_000, namespace }, async () => 1);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let version = 1;
    const slow = cache.read('seats:1', async () => {
      const seen = version;
      await gate;
      return { version: seen };
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The write commits and invalidates while the first load is still running.
    version = 2;
    await cache.invalidateSchedule(1, 1);
    const fresh = await cache.read('seats:1', async () => ({ version }));
    expect(fresh).toBe('{"version":2}');
    release();
    expect(await slow).toBe('{"version":1}');
    // The pre-write answer did not overwrite the fresh one.
    expect(await redis.get(`tbcache:${namespace}:seats:1`)).toBe('{"version":2}');
    await redis.del(`tbcache:${namespace}:seats:1`);
  });

  it('off: reads go to MySQL every time and nothing is written to Redis', async () => {
    const namespace = `${dbName}-off-${Date.now()}`;
    let loads = 0;
    const cache = createReadCache(redis, { enabled: false, ttlMs: 10_000, namespace }, async () => undefined);
    await cache.read('k', async () => ++loads);
    await cache.read('k', async () => ++loads);
    expect(loads).toBe(2);
    expect(await redis.exists(`tbcache:${namespace}:k`)).toBe(0);
  });
});
