/**
 * The target's `/metrics` against real MariaDB/MySQL, Redis and Kafka: a contention burst on one
 * seat plus a payment must show up as seat-lock losses, hold outcomes, an outbox publish with its
 * lag and a consumed event; the pool, consumer-lag and waiting-queue gauges read real state; the
 * pessimistic strategy times its row locks. Plus the pure parts (lag arithmetic, the read cache,
 * pool internals) without servers.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrometheusText, seriesKey } from '../../src/observe/prometheus-text.ts';
import { computeConsumerLag } from '../../target-service/src/confirmed-consumer.ts';
import { createPool, readPoolStats, type Pool } from '../../target-service/src/db.ts';
import { HttpError } from '../../target-service/src/errors.ts';
import type { Logger } from '../../target-service/src/log.ts';
import { holdResultLabel } from '../../target-service/src/routes/reservations.ts';
import { startService, type RunningService } from '../../target-service/src/service.ts';
import { cachedFor } from '../../target-service/src/timing.ts';
import { queueKey, queueNamespaceFor, queuePassKey } from '../../target-service/src/waiting-queue.ts';
import { client, createTestDatabase, ensureConfirmedTopic, REDIS_URL, testSettings, waitFor } from './helpers.ts';

const silent: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** Every sample of a `/metrics` answer by series key (`name{a="1"}`), plus the family names. */
async function scrape(api: ReturnType<typeof client>): Promise<{ series: Map<string, number>; families: Set<string> }> {
  const answer = await api.get('/metrics');
  expect(answer.status).toBe(200);
  const parsed = parsePrometheusText(answer.text);
  const series = new Map<string, number>();
  for (const family of parsed.values()) for (const s of family.samples) series.set(seriesKey(s.name, s.labels), s.value);
  return { series, families: new Set(parsed.keys()) };
}

interface Fixture {
  scheduleId: number;
  seatNos: string[];
  userIds: number[];
}

describe('redis-lock target after a contention burst and a payment', () => {
  let service: RunningService;
  let api: ReturnType<typeof client>;
  let fixture: Fixture;
  let redis: Redis;
  let seatLocked = 0;
  let url: string;

  beforeAll(async () => {
    url = await createTestDatabase('metrics');
    await ensureConfirmedTopic();
    service = await startService(testSettings(url), { log: silent });
    api = client(service.port);
    redis = new Redis(REDIS_URL);
    fixture = (await api.post('/admin/fixtures', { seats: 2, users: 30 })).body;
    const answers = await Promise.all(
      fixture.userIds.map((userId) => api.post('/api/reservations', { userId, scheduleId: fixture.scheduleId, seatNo: 'S1' })),
    );
    const winner = answers.find((a) => a.status === 201);
    seatLocked = answers.filter((a) => a.body?.error?.code === 'SEAT_LOCKED').length;
    expect(winner).toBeDefined();
    const paid = await api.post(`/api/reservations/${winner?.body.reservationId}/payment`, { userId: winner?.body.userId });
    expect(paid.status).toBe(201);
  });

  afterAll(async () => {
    await service?.close();
    redis?.disconnect();
  });

  it('counts lost seat-lock races as busy and times every attempt', async () => {
    const { series } = await scrape(api);
    const busy = series.get('seat_lock_acquisitions_total{result="busy"}') ?? 0;
    const acquired = series.get('seat_lock_acquisitions_total{result="acquired"}') ?? 0;
    expect(busy).toBeGreaterThan(0);
    expect(busy).toBe(seatLocked);
    expect(acquired).toBe(30 - seatLocked);
    expect(series.get('seat_lock_wait_seconds_count')).toBe(30);
    expect(series.get('seat_lock_wait_seconds_sum')).toBeGreaterThan(0);
    expect(series.get('seat_holds_total{result="held",strategy="redis-lock"}')).toBe(1);
    expect(series.get('seat_holds_total{result="SEAT_LOCKED",strategy="redis-lock"}')).toBe(seatLocked);
    expect(series.get('seat_holds_total{result="SEAT_UNAVAILABLE",strategy="redis-lock"}') ?? 0).toBe(29 - seatLocked);
  });

  it('counts the published outbox event with its lag, and the event the consumer applied', async () => {
    const series = await waitFor('the event to be published and consumed', async () => {
      const { series: s } = await scrape(api);
      return (s.get('outbox_published_total') ?? 0) >= 1 && (s.get('consumer_events_total{outcome="applied"}') ?? 0) >= 1 && s;
    });
    expect(series.get('outbox_published_total')).toBe(1);
    expect(series.get('outbox_publish_lag_seconds_count')).toBe(1);
    expect(series.get('outbox_publish_lag_seconds_sum')).toBeGreaterThan(0);
    expect(series.get('outbox_publish_lag_seconds_bucket{le="+Inf"}')).toBe(1);
    expect(series.get('consumer_events_total{outcome="applied"}')).toBe(1);
    for (const outcome of ['duplicate', 'foreign', 'invalid']) expect(series.has(`consumer_events_total{outcome="${outcome}"}`)).toBe(true);
    expect(series.get('outbox_unsent_events')).toBe(0);
  });

  it('reads the pool gauges from the mysql2 pool', async () => {
    const { series } = await scrape(api);
    const total = series.get('db_pool_connections{state="total"}');
    expect(total).toBe(testSettings('mysql://x/y').dbPoolSize);
    expect((series.get('db_pool_connections{state="free"}') ?? -1) + (series.get('db_pool_connections{state="in_use"}') ?? -1)).toBe(total);
    expect(series.get('db_pool_queue_length')).toBe(0);
  });

  it('reports consumer lag per partition of reservation.confirmed', async () => {
    const { series } = await waitFor('the lag gauge', async () => {
      const s = await scrape(api);
      return [...s.series.keys()].some((k) => k.startsWith('consumer_lag_messages{')) && s;
    });
    const lags = [...series].filter(([k]) => k.startsWith('consumer_lag_messages{partition="'));
    expect(lags.length).toBeGreaterThanOrEqual(1);
    for (const [, lag] of lags) expect(lag).toBeGreaterThanOrEqual(0);
  });

  it('sums the waiting-queue sorted sets of its own namespace found by SCAN, ignoring keys of another type and other namespaces', async () => {
    const ns = queueNamespaceFor(url);
    const id = 2_000_000_000 + Math.floor(Math.random() * 100_000_000);
    const other = `${ns}_other`;
    const keys = [queueKey(ns, id), queuePassKey(ns, id), queueKey(ns, id + 1), queueKey(other, id), queuePassKey(other, id)];
    try {
      await redis.zadd(queueKey(ns, id), 1, 'u1', 2, 'u2', 3, 'u3');
      await redis.zadd(queuePassKey(ns, id), 1, 'u9', 2, 'u8');
      await redis.set(queueKey(ns, id + 1), 'not a sorted set');
      // Another database's schedule with the same id must not count.
      await redis.zadd(queueKey(other, id), 1, 'x1', 2, 'x2');
      await redis.zadd(queuePassKey(other, id), 1, 'x9');
      const { series } = await scrape(api);
      expect(series.get('queue_length')).toBe(3);
      expect(series.get('queue_active_passes')).toBe(2);
    } finally {
      await redis.del(...keys);
    }
  });
});

describe('pessimistic target', () => {
  let service: RunningService;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    const url = await createTestDatabase('metrics_pessimistic');
    await ensureConfirmedTopic();
    service = await startService(testSettings(url, { strategy: 'pessimistic' }), { log: silent });
    api = client(service.port);
  });

  afterAll(async () => {
    await service?.close();
  });

  it('times every SELECT ... FOR UPDATE and counts hold outcomes by strategy', async () => {
    const fixture: Fixture = (await api.post('/admin/fixtures', { seats: 1, users: 10 })).body;
    const answers = await Promise.all(fixture.userIds.map((userId) => api.post('/api/reservations', { userId, scheduleId: fixture.scheduleId, seatNo: 'S1' })));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    const { series, families } = await scrape(api);
    // Every hold that found the seat free in its first read took the row lock; one that read it
    // already HELD was refused from that read (pessimistic's fast path), so 1 to 10 of them, as the race fell.
    expect(series.get('db_row_lock_wait_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(series.get('db_row_lock_wait_seconds_count')).toBeLessThanOrEqual(10);
    expect(series.get('db_lock_timeouts_total')).toBe(0);
    expect(series.get('seat_holds_total{result="held",strategy="pessimistic"}')).toBe(1);
    expect(series.get('seat_lock_acquisitions_total{result="busy"}')).toBe(0);
    expect(families.has('optimistic_retries_total')).toBe(true);
  });
});

describe('metric helpers', () => {
  it('computes lag from the later of processed and committed offsets, else from the low watermark', () => {
    const lag = computeConsumerLag(
      [
        { partition: 0, high: '10', low: '0' },
        { partition: 1, high: '7', low: '2' },
        { partition: 2, high: '5', low: '0' },
        { partition: 3, high: '4', low: '0' },
      ],
      [
        { partition: 0, offset: '6' },
        { partition: 1, offset: '-1' },
        { partition: 2, offset: '5' },
        { partition: 3, offset: '3' },
      ],
      new Map([
        [0, 8n],
        [3, 9n],
      ]),
    );
    expect([...lag]).toEqual([
      [0, 2],
      [1, 5],
      [2, 0],
      [3, 0],
    ]);
  });

  it('caches a read for its window, shares one read in flight and retries after a failure', async () => {
    let clock = 0;
    let calls = 0;
    let fail = false;
    const read = cachedFor(
      5_000,
      async () => {
        calls += 1;
        if (fail) throw new Error('down');
        return calls;
      },
      () => clock,
    );
    expect(await Promise.all([read(), read()])).toEqual([1, 1]);
    clock = 4_999;
    expect(await read()).toBe(1);
    clock = 5_000;
    fail = true;
    await expect(read()).rejects.toThrow('down');
    fail = false;
    expect(await read()).toBe(3);
    expect(calls).toBe(3);
  });

  it('reads pool counts from mysql2 internals and gives up when they are missing', async () => {
    expect(readPoolStats({} as Pool)).toBeUndefined();
    expect(readPoolStats({ pool: { _allConnections: { length: 3 } } } as unknown as Pool)).toBeUndefined();
    expect(
      readPoolStats({ pool: { _allConnections: { length: 5 }, _freeConnections: { length: 2 }, _connectionQueue: { length: 4 } } } as unknown as Pool),
    ).toEqual({ total: 5, free: 2, inUse: 3, queued: 4 });
    // The real pool has the fields, so an upgrade that renames them fails here rather than silently.
    const pool = createPool(`mysql://root@127.0.0.1:1/${randomUUID()}`, 2);
    try {
      expect(readPoolStats(pool)).toEqual({ total: 0, free: 0, inUse: 0, queued: 0 });
    } finally {
      await pool.end();
    }
  });

  it('labels hold results by error code', () => {
    expect(holdResultLabel(new HttpError(409, 'SEAT_LOCKED', 'x'))).toBe('SEAT_LOCKED');
    expect(holdResultLabel(new Error('boom'))).toBe('error');
  });
});
