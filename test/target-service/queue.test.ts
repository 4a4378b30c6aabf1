// The waiting queue of the bundled target against the real Redis and MySQL: entering (twice keeps
// the first place), scheduled advancement in arrival order up to capacity, the pass gate on holds
// (401 without, 403 with another user's or an expired pass), early release on payment and on
// leaving, redistribution after the TTL, one advancing instance per tick with two instances, and
// the Server-Sent Events stream read with a real HTTP client.
import http from 'node:http';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fixture } from '../../src/profile/setup.ts';
import { loadSettings } from '../../target-service/src/config.ts';
import { silentLogger as silent } from '../../target-service/src/log.ts';
import { startService, type RunningService } from '../../target-service/src/service.ts';
import type { QueueKeys } from '../../target-service/src/waiting-queue.ts';
import { client, createTestDatabase, ensureConfirmedTopic, REDIS_URL, testSettings, waitFor } from './helpers.ts';

type QueueFixture = Fixture & { queue: { capacity: number; passTtlMs: number; advanceMs: number; keys: QueueKeys } };

let url: string;
let service: RunningService;
let second: RunningService;
let api: ReturnType<typeof client>;
let redis: Redis;

beforeAll(async () => {
  url = await createTestDatabase('queue');
  await ensureConfirmedTopic();
  service = await startService(testSettings(url), { log: silent });
  second = await startService(testSettings(url), { log: silent });
  api = client(service.port);
  redis = new Redis(REDIS_URL);
}, 60_000);

afterAll(async () => {
  await Promise.all([service?.close(), second?.close()]);
  await redis?.quit();
});

async function queueFixture(users: number, queue: { capacity: number; passTtlMs: number; advanceMs: number }): Promise<QueueFixture> {
  const res = await api.post('/admin/fixtures', { seats: users, users, queue });
  expect(res.status).toBe(201);
  return res.body as QueueFixture;
}

const statusOf = (f: Fixture, userId: number) => api.get(`/api/schedules/${f.scheduleId}/queue/status?userId=${userId}`);

describe('waiting queue', () => {
  it('admits in arrival order, capacity at a time, keeps the first place on a second entry, and gates holds with the pass', async () => {
    const f = await queueFixture(5, { capacity: 2, passTtlMs: 60_000, advanceMs: 100 });
    expect(f.queue).toMatchObject({ capacity: 2, passTtlMs: 60_000, advanceMs: 100, keys: { waiting: expect.stringMatching(/^queue:ticketbench_target_test_queue_\w+:\d+$/) } });
    const [u1, u2, u3, u4, u5] = f.userIds as [number, number, number, number, number];
    for (const userId of [u1, u2, u3, u4, u5]) {
      const entered = await api.post(`/api/schedules/${f.scheduleId}/queue`, { userId });
      expect(entered.status).toBe(201);
    }
    // Entering again keeps the first place.
    const again = await api.post(`/api/schedules/${f.scheduleId}/queue`, { userId: u3 });
    expect(again.status).toBe(200);
    expect(again.body.entered).toBe(false);

    const admitted = await waitFor('two passes', async () => {
      const s = await Promise.all([u1, u2].map((u) => statusOf(f, u)));
      return s.every((a) => a.body.state === 'admitted') && s;
    });
    expect(admitted[0]!.body.passToken).toMatch(/^[0-9a-f]{32}$/);
    expect(admitted[0]!.body.passToken).not.toBe(admitted[1]!.body.passToken);
    // Capacity 2: the third waits, first in line.
    const third = await statusOf(f, u3);
    expect(third.body).toMatchObject({ state: 'waiting', position: 1, waiting: 3, estimatedWaitMs: expect.any(Number) });

    const hold = (userId: number, seatNo: string, pass?: string, header = true) =>
      fetch(`http://127.0.0.1:${service.port}/api/reservations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(pass !== undefined && header ? { 'queue-pass': pass } : {}) },
        body: JSON.stringify({ userId, scheduleId: f.scheduleId, seatNo, ...(pass !== undefined && !header ? { queuePass: pass } : {}) }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

    const none = await hold(u1, 'S1');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('QUEUE_PASS_REQUIRED');
    const others = await hold(u1, 'S1', admitted[1]!.body.passToken);
    expect(others.status).toBe(403);
    expect(others.body.error).toMatchObject({ code: 'QUEUE_PASS_INVALID', message: expect.stringContaining('belongs to another user') });
    const waiting = await hold(u3, 'S3', admitted[0]!.body.passToken);
    expect(waiting.status).toBe(403);
    const own = await hold(u1, 'S1', admitted[0]!.body.passToken);
    expect(own.status).toBe(201);
    const ownInBody = await hold(u2, 'S2', admitted[1]!.body.passToken, false);
    expect(ownInBody.status).toBe(201);

    // Paying gives the pass back: the next in line (u3) gets it at the next advancement.
    const paid = await api.post(`/api/reservations/${own.body.reservationId}/payment`, { userId: u1 });
    expect(paid.status).toBe(201);
    expect(await redis.zscore(f.queue.keys.passes, String(u1))).toBeNull();
    await waitFor('u3 admitted', async () => (await statusOf(f, u3)).body.state === 'admitted');
    expect((await statusOf(f, u4)).body).toMatchObject({ state: 'waiting', position: 1 });
    // Leaving gives the pass back too; u4 follows.
    const left = await api.post(`/api/schedules/${f.scheduleId}/queue/leave`, { userId: u2 });
    expect(left.body).toMatchObject({ left: false, released: true });
    await waitFor('u4 admitted', async () => (await statusOf(f, u4)).body.state === 'admitted');
    // A user admitted once cannot come back for a second pass.
    const reenter = await api.post(`/api/schedules/${f.scheduleId}/queue`, { userId: u1 });
    expect(reenter.status).toBe(409);
    expect(reenter.body.error.code).toBe('ALREADY_ADMITTED');
    expect((await statusOf(f, u1)).body.state).toBe('done');

    // The log holds every step in order: enters, admissions (u1, u2 first), releases.
    const log = await redis.lrange(f.queue.keys.log, 0, -1);
    const admits = log.filter((l) => l.startsWith('a,')).map((l) => Number(l.split(',')[1]));
    expect(admits.slice(0, 4)).toEqual([u1, u2, u3, u4]);
    expect(log.filter((l) => l.startsWith('r,')).map((l) => l.split(',')[3])).toEqual(['paid', 'left']);
  }, 30_000);

  it('takes an unused pass back after its TTL and gives the slot to the next user; two instances advance each tick once', async () => {
    const f = await queueFixture(3, { capacity: 1, passTtlMs: 300, advanceMs: 50 });
    for (const userId of f.userIds) await api.post(`/api/schedules/${f.scheduleId}/queue`, { userId });
    const [u1, u2, u3] = f.userIds as [number, number, number];
    await waitFor('u3 admitted after two expiries', async () => (await statusOf(f, u3)).body.state === 'admitted', 10_000);
    const expired = await api.post('/api/reservations', { userId: u1, scheduleId: f.scheduleId, seatNo: 'S1', queuePass: 'x'.repeat(32) });
    expect(expired.status).toBe(403);
    const log = await redis.lrange(f.queue.keys.log, 0, -1);
    const rows = log.map((l) => l.split(','));
    const expiries = rows.filter((r) => r[0] === 'x');
    expect(expiries.map((r) => Number(r[1]))).toEqual([u1, u2]);
    for (const r of expiries) {
      // Removed after its expiry, within an interval plus generous slack: here the advancer shares
      // vitest's thread (no worker), and the machine may be busy; queue-ttl judges the tight bound.
      const delay = Number(r[2]) - Number(r[3]);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(50 + 500);
    }
    // Two instances, yet at most one advancement per 50 ms slot (each logs the slot it claimed).
    const ticks = rows.filter((r) => r[0] === 't').map((r) => r[6]);
    expect(ticks.length).toBeGreaterThan(3);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(await redis.zcard(f.queue.keys.passes)).toBeLessThanOrEqual(1);
    void u2;
  }, 30_000);

  it('streams position updates and the pass as Server-Sent Events to a real HTTP client', async () => {
    const f = await queueFixture(2, { capacity: 1, passTtlMs: 400, advanceMs: 50 });
    const [u1, u2] = f.userIds as [number, number];
    await api.post(`/api/schedules/${f.scheduleId}/queue`, { userId: u1 });
    await api.post(`/api/schedules/${f.scheduleId}/queue`, { userId: u2 });
    const events = await new Promise<{ event: string; data: any }[]>((resolve, reject) => {
      const req = http.get(`http://127.0.0.1:${second.port}/api/schedules/${f.scheduleId}/queue/stream?userId=${u2}`, (res) => {
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toBe('text/event-stream');
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (buffer += chunk));
        res.on('end', () =>
          resolve(
            buffer
              .split('\n\n')
              .filter((block) => block.startsWith('event:'))
              .map((block) => {
                const [eventLine, dataLine] = block.split('\n');
                return { event: eventLine!.slice('event: '.length), data: JSON.parse(dataLine!.slice('data: '.length)) };
              }),
          ),
        );
      });
      req.on('error', reject);
    });
    expect(events.at(-1)).toMatchObject({ event: 'admitted', data: { state: 'admitted', userId: u2, passToken: expect.stringMatching(/^[0-9a-f]{32}$/) } });
    const positions = events.filter((e) => e.event === 'position');
    expect(positions.length).toBeGreaterThanOrEqual(1);
    expect(positions[0]!.data).toMatchObject({ state: 'waiting', position: expect.any(Number) });
  }, 30_000);

  it('answers 404 QUEUE_NOT_ENABLED for schedules without a queue, whose holds need no pass', async () => {
    const plain = (await api.post('/admin/fixtures', { seats: 1, users: 1 })).body as Fixture;
    const entered = await api.post(`/api/schedules/${plain.scheduleId}/queue`, { userId: plain.userIds[0] });
    expect(entered.status).toBe(404);
    expect(entered.body.error.code).toBe('QUEUE_NOT_ENABLED');
    const held = await api.post('/api/reservations', { userId: plain.userIds[0], scheduleId: plain.scheduleId, seatNo: 'S1' });
    expect(held.status).toBe(201);
  });

  it('runs the advancer on its own worker thread when the service runs under node with tsx (as ticketbench starts it)', async () => {
    // vitest's runner cannot load TypeScript in a worker (the in-process fallback serves the tests above); a real node can.
    const script = `
      import { Redis } from 'ioredis';
      import { startAdvancerThread } from './target-service/src/queue/advancer-thread.ts';
      import { WaitingQueue } from './target-service/src/queue/waiting-queue.ts';
      const redis = new Redis(${JSON.stringify(REDIS_URL)});
      const logs = [];
      const log = { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) };
      const advancer = await startAdvancerThread(new WaitingQueue(redis, 'thread_probe'), redis, ${JSON.stringify(REDIS_URL)}, log);
      await advancer.stop();
      await redis.quit();
      console.log(JSON.stringify({ threaded: advancer.threaded, logs }));
    `;
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: new URL('../..', import.meta.url), encoding: 'utf8', timeout: 30_000 });
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({ threaded: true, logs: [] });
  }, 40_000);

  it('reads TARGET_HOLD_FAULT (test only) and refuses unknown values', () => {
    expect(loadSettings({}).holdFault).toBe('none');
    expect(loadSettings({ TARGET_HOLD_FAULT: 'early-release' }).holdFault).toBe('early-release');
    expect(() => loadSettings({ TARGET_HOLD_FAULT: 'bogus' })).toThrow(/TARGET_HOLD_FAULT must be one of none, early-release/);
  });

  it('reads TARGET_EXPIRY_FAULT (test only) and refuses unknown values', () => {
    expect(loadSettings({}).expiryFault).toBe('none');
    expect(loadSettings({ TARGET_EXPIRY_FAULT: 'late' }).expiryFault).toBe('late');
    expect(() => loadSettings({ TARGET_EXPIRY_FAULT: 'bogus' })).toThrow(/TARGET_EXPIRY_FAULT must be one of none, late, expire-paid, pay-after-expiry/);
  });

  it('reads TARGET_QUEUE_FAULT (test only) and refuses unknown values', () => {
    expect(loadSettings({}).queueFault).toBe('none');
    expect(loadSettings({ TARGET_QUEUE_FAULT: 'lifo' }).queueFault).toBe('lifo');
    expect(() => loadSettings({ TARGET_QUEUE_FAULT: 'bogus' })).toThrow(/TARGET_QUEUE_FAULT must be one of none, over-admit, skip-expiry, lifo/);
  });
});

