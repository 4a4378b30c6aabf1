/**
 * examples/seatline as ticketbench drives it: a forked child (SEATLINE_PORT=0, the port from its
 * IPC message) against the real MariaDB/MySQL, Redis and Kafka, with data inserted by SQL the way
 * a target profile seeds it. Covers the envelope API (hold, pay, charge, balance, seat map,
 * waiting room), the outbox → Kafka → idempotent consumer path, hold expiry, and the two
 * test-only faults really producing a double booking and a lost update.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../../examples/seatline/src/main.ts', import.meta.url));
const MYSQL_ROOT_URL = process.env.TEST_MYSQL_ROOT_URL ?? 'mysql://root@127.0.0.1:3306';
const REDIS_URL = process.env.TICKETBENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const KAFKA_BROKERS = process.env.TICKETBENCH_KAFKA_BROKERS ?? '127.0.0.1:9092';
// Worktrees running this file at once against one server must not drop each other's database.
const CHECKOUT_TAG = createHash('sha1').update(fileURLToPath(new URL('../..', import.meta.url))).digest('hex').slice(0, 6);
const DATABASE = `seatline_test_${CHECKOUT_TAG}`;
const MYSQL_URL = `${MYSQL_ROOT_URL}/${DATABASE}`;

interface Envelope {
  code: string;
  message: string;
  data: any;
}

interface Answer {
  status: number;
  body: Envelope;
}

interface Child {
  readonly proc: ChildProcess;
  readonly port: number;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

const children = new Set<ChildProcess>();
let db: mysql.Connection;
let redis: Redis;
// Performance ids are chosen at random and high: the waiting-room keys in Redis are not
// namespaced by database, and other runs (or checkouts) share the Redis server.
const performanceIds: number[] = [];

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms).unref())]);
}

/** Forks main.ts with `env` on top of the test defaults and waits for its listening message. */
async function start(env: Record<string, string> = {}): Promise<Child> {
  const proc = fork(MAIN, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, SEATLINE_PORT: '0', SEATLINE_MYSQL_URL: MYSQL_URL, SEATLINE_REDIS_URL: REDIS_URL, SEATLINE_KAFKA_BROKERS: KAFKA_BROKERS, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  children.add(proc);
  let output = '';
  proc.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const message = await withDeadline(
    new Promise<{ type: string; port: number }>((resolve, reject) => {
      proc.once('message', (m) => resolve(m as { type: string; port: number }));
      proc.once('exit', (code) => reject(new Error(`seatline exited with ${code} before listening: ${output}`)));
    }),
    90_000,
    'the listening message',
  );
  expect(message.type).toBe('listening');
  return { proc, port: message.port, output: () => output, exited };
}

/** SIGTERM, then expects exit code 0. */
async function stop(child: Child | undefined): Promise<void> {
  if (!child || child.proc.exitCode !== null) return;
  child.proc.kill('SIGTERM');
  expect(await withDeadline(child.exited, 30_000, 'exit after SIGTERM'), child.output()).toBe(0);
  children.delete(child.proc);
}

function api(port: number) {
  const call = async (method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<Answer> => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.headers = { ...headers, 'content-type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    const res = await fetch(`http://127.0.0.1:${port}${path}`, init);
    return { status: res.status, body: (await res.json()) as Envelope };
  };
  return {
    health: () => call('GET', '/health'),
    get: (path: string, headers?: Record<string, string>) => call('GET', path, headers),
    hold: (performanceId: number, seatCode: string, userKey: string, token?: string) =>
      call('POST', `/v1/performances/${performanceId}/seats/${seatCode}/hold`, { 'x-user-key': userKey, ...(token ? { 'x-queue-token': token } : {}) }),
    pay: (bookingUuid: string, userKey: string) => call('POST', `/v1/bookings/${bookingUuid}/payments`, { 'x-user-key': userKey }, {}),
    charge: (userKey: string, point: number, requestKey: string) => call('POST', `/v1/points/${userKey}/charge`, {}, { point, requestKey }),
    balance: (userKey: string) => call('GET', `/v1/points/${userKey}`),
    seats: (performanceId: number) => call('GET', `/v1/performances/${performanceId}/seats`),
    join: (performanceId: number, userKey: string) => call('POST', `/v1/performances/${performanceId}/waiting-room`, { 'x-user-key': userKey }),
    room: (performanceId: number, userKey: string) => call('GET', `/v1/performances/${performanceId}/waiting-room`, { 'x-user-key': userKey }),
  };
}

async function rows(sql: string, params: unknown[] = []): Promise<RowDataPacket[]> {
  const [result] = await db.query<RowDataPacket[]>(sql, params);
  return result;
}

/** Inserts a performance with `seats` (code → price) and returns its id. */
async function createPerformance(seats: Record<string, number>, queueEnabled = false): Promise<number> {
  const id = randomInt(100_000_000, 900_000_000);
  performanceIds.push(id);
  await db.query('INSERT INTO performance (id, title, queue_enabled) VALUES (?, ?, ?)', [id, `test ${id}`, queueEnabled ? 1 : 0]);
  for (const [code, price] of Object.entries(seats)) await db.query('INSERT INTO performance_seat (performance_id, seat_code, price_point) VALUES (?, ?, ?)', [id, code, price]);
  return id;
}

/** Inserts a member with `points` the way ticketbench seeds one (member, user_point, INIT history). */
async function createMember(points: number): Promise<string> {
  const userKey = randomUUID();
  await db.query('INSERT INTO member (user_key) VALUES (?)', [userKey]);
  await db.query('INSERT INTO user_point (user_key, point) VALUES (?, ?)', [userKey, points]);
  await db.query("INSERT INTO user_point_history (user_key, delta, reason, point_after) VALUES (?, ?, 'INIT', ?)", [userKey, points, points]);
  return userKey;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

beforeAll(async () => {
  const root = await mysql.createConnection(MYSQL_ROOT_URL);
  await root.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
  await root.end();
  redis = new Redis(REDIS_URL);
});

afterAll(async () => {
  for (const proc of children) if (proc.exitCode === null) proc.kill('SIGKILL');
  for (const id of performanceIds) {
    const keys = await redis.keys(`waiting-room:${id}:*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  redis?.disconnect();
  await db?.end();
});

describe('seatline, the safe service', () => {
  let child: Child;
  let client: ReturnType<typeof api>;
  let performanceId: number;
  let users: string[];
  let paidBooking: string;

  beforeAll(async () => {
    // Capacity 1 so the waiting-room test sees one user admitted and the next one waiting.
    child = await start({ SEATLINE_QUEUE_CAPACITY: '1' });
    client = api(child.port);
    db = await mysql.createConnection(MYSQL_URL);
    performanceId = await createPerformance({ A1: 1_000, A2: 5_000 });
    users = [await createMember(10_000), await createMember(10_000), await createMember(100)];
  });

  afterAll(() => stop(child));

  it('is healthy, logs its port, and answers envelopes for bad input and unknown routes', async () => {
    expect(child.output()).toContain(`listening on http://127.0.0.1:${child.port}`);
    expect(await client.health()).toEqual({ status: 200, body: { code: 'OK', message: expect.any(String), data: { status: 'UP' } } });
    const unknown = await client.get('/v1/nothing');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('NOT_FOUND');
    const noUser = await client.hold(performanceId, 'A1', 'not-a-uuid');
    expect(noUser.status).toBe(400);
    expect(noUser.body).toMatchObject({ code: 'BAD_REQUEST', data: null });
    const badCharge = await client.charge(users[0]!, -5, 'k');
    expect(badCharge.status).toBe(400);
    const unknownSeat = await client.hold(performanceId, 'Z9', users[0]!);
    expect(unknownSeat).toMatchObject({ status: 200, body: { code: 'SEAT_NOT_FOUND', data: null } });
  });

  it('holds a seat for one user and refuses it to a second', async () => {
    const held = await client.hold(performanceId, 'A1', users[0]!);
    expect(held.status).toBe(200);
    expect(held.body.code).toBe('OK');
    paidBooking = held.body.data.bookingUuid;
    expect(held.body.data.holdUntil).toBeGreaterThan(Date.now() + 250_000);

    const second = await client.hold(performanceId, 'A1', users[1]!);
    expect(second.status).toBe(200);
    expect(['SEAT_UNAVAILABLE', 'SEAT_LOCKED']).toContain(second.body.code);
    expect(second.body.data).toBeNull();

    const [reservation] = await rows('SELECT state, user_key, paid_seat FROM seat_reservation WHERE booking_uuid = ?', [paidBooking]);
    expect(reservation).toMatchObject({ state: 'HOLDING', user_key: users[0], paid_seat: null });
    expect((await client.seats(performanceId)).body.data.seats).toEqual([
      { seatCode: 'A1', price: 1_000, status: 'HELD' },
      { seatCode: 'A2', price: 5_000, status: 'AVAILABLE' },
    ]);
  });

  it('pays once: points debited with a USE history row, a payment, PAID; a second payment is refused', async () => {
    expect((await client.pay(paidBooking, users[1]!)).body.code).toBe('BOOKING_NOT_FOUND');

    const paid = await client.pay(paidBooking, users[0]!);
    expect(paid.status).toBe(200);
    expect(paid.body.code).toBe('OK');
    expect(paid.body.data).toMatchObject({ paymentUuid: expect.any(String), usedPoint: 1_000, remainPoint: 9_000 });

    expect((await client.balance(users[0]!)).body).toMatchObject({ code: 'OK', data: { point: 9_000, version: 1 } });
    const history = await rows("SELECT delta, booking_uuid, point_after FROM user_point_history WHERE user_key = ? AND reason = 'USE'", [users[0]]);
    expect(history).toEqual([{ delta: -1_000, booking_uuid: paidBooking, point_after: 9_000 }]);
    const payments = await rows('SELECT payment_uuid, amount_point FROM payment WHERE booking_uuid = ?', [paidBooking]);
    expect(payments).toEqual([{ payment_uuid: paid.body.data.paymentUuid, amount_point: 1_000 }]);
    const [reservation] = await rows('SELECT state, paid_seat, paid_at FROM seat_reservation WHERE booking_uuid = ?', [paidBooking]);
    expect(reservation).toMatchObject({ state: 'PAID', paid_seat: 'A1' });
    expect(reservation?.paid_at).not.toBeNull();

    const again = await client.pay(paidBooking, users[0]!);
    expect(again).toMatchObject({ status: 200, body: { code: 'BOOKING_NOT_PAYABLE', data: null } });
    expect((await client.balance(users[0]!)).body.data.point).toBe(9_000);
    expect((await client.seats(performanceId)).body.data.seats[0]).toEqual({ seatCode: 'A1', price: 1_000, status: 'SOLD' });
  });

  it('applies a charge once per request key', async () => {
    const requestKey = `charge-${randomUUID()}`;
    const first = await client.charge(users[1]!, 500, requestKey);
    expect(first.body).toMatchObject({ code: 'OK', data: { point: 10_500, duplicated: false } });
    const second = await client.charge(users[1]!, 500, requestKey);
    expect(second.body).toMatchObject({ code: 'OK', data: { historyId: first.body.data.historyId, point: 10_500, duplicated: true } });
    expect((await client.balance(users[1]!)).body.data).toEqual({ point: 10_500, version: 1 });
    const history = await rows("SELECT delta, request_key, point_after FROM user_point_history WHERE user_key = ? AND reason = 'CHARGE'", [users[1]]);
    expect(history).toEqual([{ delta: 500, request_key: requestKey, point_after: 10_500 }]);
    expect((await client.charge(randomUUID(), 1, 'x')).body.code).toBe('USER_NOT_FOUND');
  });

  it('refuses a payment the balance does not cover and changes nothing', async () => {
    const held = await client.hold(performanceId, 'A2', users[2]!);
    expect(held.body.code).toBe('OK');
    const bookingUuid = held.body.data.bookingUuid as string;
    const paid = await client.pay(bookingUuid, users[2]!);
    expect(paid).toMatchObject({ status: 200, body: { code: 'POINT_NOT_ENOUGH', data: null } });
    expect((await client.balance(users[2]!)).body.data).toEqual({ point: 100, version: 0 });
    expect(await rows('SELECT reason FROM user_point_history WHERE user_key = ?', [users[2]])).toEqual([{ reason: 'INIT' }]);
    expect(await rows('SELECT 1 FROM payment WHERE booking_uuid = ?', [bookingUuid])).toEqual([]);
    expect(await rows('SELECT 1 FROM event_outbox WHERE booking_uuid = ?', [bookingUuid])).toEqual([]);
    const [reservation] = await rows('SELECT state, paid_seat FROM seat_reservation WHERE booking_uuid = ?', [bookingUuid]);
    expect(reservation).toEqual({ state: 'HOLDING', paid_seat: null });
  });

  it('publishes the payment through the outbox and the consumer applies it exactly once', async () => {
    await waitFor('the outbox row published', async () => (await rows('SELECT published_at FROM event_outbox WHERE booking_uuid = ?', [paidBooking]))[0]?.published_at, 15_000);
    await waitFor('paid_count = 1', async () => (await rows('SELECT paid_count FROM performance WHERE id = ?', [performanceId]))[0]?.paid_count === 1, 15_000);
    const [outbox] = await rows('SELECT event_uuid, payload FROM event_outbox WHERE booking_uuid = ?', [paidBooking]);
    const event = JSON.parse(String(outbox?.payload));
    expect(event).toEqual({
      eventUuid: outbox?.event_uuid,
      eventType: 'BOOKING_PAID',
      occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      payload: { bookingUuid: paidBooking, performanceId, seatCode: 'A1', userKey: users[0] },
    });
    expect(await rows('SELECT message_uuid, performance_id FROM processed_message WHERE booking_uuid = ?', [paidBooking])).toEqual([
      { message_uuid: outbox?.event_uuid, performance_id: performanceId },
    ]);

    // A redelivery of the same event, and an event of a booking from another database sharing
    // the topic, must both leave the count alone.
    const producer = new Kafka({ clientId: 'seatline-test', brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    try {
      const foreign = { ...event, eventUuid: randomUUID(), payload: { ...event.payload, bookingUuid: randomUUID() } };
      await producer.send({
        topic: 'seatline.booking-paid',
        messages: [
          { key: paidBooking, value: String(outbox?.payload) },
          { key: foreign.payload.bookingUuid, value: JSON.stringify(foreign) },
          { key: 'junk', value: 'not json' },
        ],
      });
    } finally {
      await producer.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await rows('SELECT paid_count FROM performance WHERE id = ?', [performanceId]))[0]?.paid_count).toBe(1);
    expect(await rows('SELECT COUNT(*) AS n FROM processed_message')).toEqual([{ n: 1 }]);
  });

  it('lets only one of two live holds of a seat be paid (the uq_paid_seat guard)', async () => {
    // Two overlapping holds cannot come from the safe hold path, so they are inserted directly,
    // as the no-seat-lock fault would leave them.
    const [first, second] = [await createMember(50), await createMember(50)];
    const bookings = [randomUUID(), randomUUID()];
    for (const [i, userKey] of [first, second].entries()) {
      await db.query(
        "INSERT INTO seat_reservation (booking_uuid, performance_id, seat_code, user_key, state, held_at, hold_until, updated_at) VALUES (?, ?, 'A2', ?, 'HOLDING', NOW(6), NOW(6) + INTERVAL 1 MINUTE, NOW(6))",
        [bookings[i], performanceId, userKey],
      );
    }
    // A2 costs 5 000; give both users enough.
    await db.query('UPDATE user_point SET point = 10000 WHERE user_key IN (?, ?)', [first, second]);
    expect((await client.pay(bookings[0]!, first!)).body.code).toBe('OK');
    expect((await client.pay(bookings[1]!, second!)).body).toMatchObject({ code: 'SEAT_ALREADY_PAID', data: null });
    expect((await client.balance(second!)).body.data).toEqual({ point: 10_000, version: 0 });
    expect(await rows('SELECT state, paid_seat FROM seat_reservation WHERE booking_uuid = ?', [bookings[1]])).toEqual([{ state: 'HOLDING', paid_seat: null }]);
  });

  it('runs a waiting room of capacity 1: token required to hold, the next user admitted after a payment', async () => {
    const queued = await createPerformance({ Q1: 1_000, Q2: 1_000 }, true);
    const [a, b] = [users[0]!, users[1]!];
    expect((await client.room(queued, a)).body).toEqual({ code: 'OK', message: expect.any(String), data: { status: 'NONE' } });
    const joined = await client.join(queued, a);
    expect(joined.body.code).toBe('OK');
    expect(['WAITING', 'ACTIVE']).toContain(joined.body.data.status);
    const active = await waitFor('user A admitted', async () => {
      const answer = await client.room(queued, a);
      return answer.body.data.status === 'ACTIVE' ? (answer.body.data as { token: string; expiresAt: number }) : undefined;
    }, 5_000);
    expect(active.expiresAt).toBeGreaterThan(Date.now());
    // Joining again while admitted keeps the admission.
    expect((await client.join(queued, a)).body.data).toEqual({ status: 'ACTIVE', token: active.token, expiresAt: active.expiresAt });

    expect((await client.join(queued, b)).body.data).toEqual({ status: 'WAITING', rank: 1 });
    // Still waiting after several scheduler passes: the capacity is taken by A.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await client.room(queued, b)).body.data).toEqual({ status: 'WAITING', rank: 1 });

    const noToken = await client.hold(queued, 'Q1', a);
    expect(noToken).toMatchObject({ status: 403, body: { code: 'QUEUE_TOKEN_REQUIRED', data: null } });
    const othersToken = await client.hold(queued, 'Q1', b, active.token);
    expect(othersToken.status).toBe(403);
    const held = await client.hold(queued, 'Q1', a, active.token);
    expect(held.body.code).toBe('OK');

    expect((await client.pay(held.body.data.bookingUuid, a)).body.code).toBe('OK');
    expect((await client.room(queued, a)).body.data).toEqual({ status: 'NONE' });
    const admittedB = await waitFor('user B admitted', async () => {
      const answer = await client.room(queued, b);
      return answer.body.data.status === 'ACTIVE' ? (answer.body.data as { token: string }) : undefined;
    }, 5_000);
    expect((await client.hold(queued, 'Q2', b, admittedB.token)).body.code).toBe('OK');
  });

  it('answers a performance without a queue with QUEUE_NOT_ENABLED', async () => {
    expect((await client.join(performanceId, users[0]!)).body).toMatchObject({ code: 'QUEUE_NOT_ENABLED', data: null });
  });
});

describe('seatline with a short hold TTL', () => {
  let child: Child;

  beforeAll(async () => {
    child = await start({ SEATLINE_HOLD_TTL_MS: '500' });
  });

  afterAll(() => stop(child));

  it('expires a lapsed hold to EXPIRED, refuses its payment and frees the seat', async () => {
    const client = api(child.port);
    const performanceId = await createPerformance({ B1: 10, B2: 10 });
    const user = await createMember(1_000);
    const held = await client.hold(performanceId, 'B1', user);
    expect(held.body.code).toBe('OK');
    expect(held.body.data.holdUntil - Date.now()).toBeLessThanOrEqual(500);
    const bookingUuid = held.body.data.bookingUuid as string;
    await waitFor('the hold EXPIRED', async () => (await rows('SELECT state FROM seat_reservation WHERE booking_uuid = ?', [bookingUuid]))[0]?.state === 'EXPIRED', 10_000);
    expect((await client.pay(bookingUuid, user)).body.code).toBe('BOOKING_NOT_PAYABLE');
    expect((await client.seats(performanceId)).body.data.seats[0]).toEqual({ seatCode: 'B1', price: 10, status: 'AVAILABLE' });
    expect((await client.hold(performanceId, 'B1', await createMember(0))).body.code).toBe('OK');
  });
});

describe('seatline with SEATLINE_FAULT=no-seat-lock', () => {
  let child: Child;

  beforeAll(async () => {
    child = await start({ SEATLINE_FAULT: 'no-seat-lock' });
  });

  afterAll(() => stop(child));

  it('lets concurrent holds of one seat succeed more than once', async () => {
    const client = api(child.port);
    let granted = 0;
    for (let attempt = 0; attempt < 5 && granted < 2; attempt++) {
      const performanceId = await createPerformance({ C1: 10 });
      const answers = await Promise.all(Array.from({ length: 20 }, () => client.hold(performanceId, 'C1', randomUUID())));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      granted = answers.filter((a) => a.body.code === 'OK').length;
      if (granted >= 2) {
        const live = await rows("SELECT COUNT(*) AS n FROM seat_reservation WHERE performance_id = ? AND state = 'HOLDING'", [performanceId]);
        expect(Number(live[0]?.n)).toBe(granted);
      }
    }
    expect(granted).toBeGreaterThanOrEqual(2);
  });
});

describe('seatline with SEATLINE_FAULT=lost-update-points', () => {
  let child: Child;

  beforeAll(async () => {
    child = await start({ SEATLINE_FAULT: 'lost-update-points' });
  });

  afterAll(() => stop(child));

  it('loses some of 20 concurrent one-point charges', async () => {
    const client = api(child.port);
    const user = await createMember(100);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => client.charge(user, 1, `lossy-${i}`)));
    expect(answers.map((a) => a.body.code)).toEqual(Array(20).fill('OK'));
    const final = (await client.balance(user)).body.data.point as number;
    expect(final).toBeLessThan(120);
    // Every charge claims success in the history, which is what makes the loss detectable.
    expect((await rows("SELECT COUNT(*) AS n FROM user_point_history WHERE user_key = ? AND reason = 'CHARGE'", [user]))[0]?.n).toBe(20);
  });
});

describe('seatline startup', () => {
  it('refuses an unknown SEATLINE_FAULT with one stderr line and exit code 1', async () => {
    const proc = fork(MAIN, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, SEATLINE_PORT: '0', SEATLINE_FAULT: 'bogus' }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    children.add(proc);
    let stderr = '';
    proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await withDeadline(new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c))), 30_000, 'exit');
    expect(code).toBe(1);
    expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/Unknown SEATLINE_FAULT "bogus"/)]);
  });
});
