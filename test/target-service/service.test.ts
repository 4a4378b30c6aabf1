/**
 * The reference service end to end, in-process, against real MariaDB/MySQL, Redis and Kafka:
 * fixtures, hold (incl. 50-way contention), payment, outbox relay to Kafka, idempotent consumer,
 * validation and error bodies, health and metrics.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { Redis } from 'ioredis';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIRMED_TOPIC } from '../../target-service/src/kafka.ts';
import type { Logger } from '../../target-service/src/log.ts';
import { seatLockKey } from '../../target-service/src/seat-lock.ts';
import { startService, type RunningService } from '../../target-service/src/service.ts';
import type { TargetSettings } from '../../target-service/src/config.ts';
import { client, createTestDatabase, ensureConfirmedTopic, KAFKA_BROKERS, REDIS_URL, testSettings, waitFor } from './helpers.ts';

const logLines: string[] = [];
const log: Logger = {
  info: (m) => logLines.push(`INFO ${m}`),
  warn: (m) => logLines.push(`WARN ${m}`),
  error: (m) => logLines.push(`ERROR ${m}`),
};

let settings: TargetSettings;
let service: RunningService;
let db: mysql.Connection;
let redis: Redis;
let kafka: Kafka;
let api: ReturnType<typeof client>;
let fixture: { concertId: number; scheduleId: number; seatNos: string[]; userIds: number[] };

async function rows(sql: string, params: unknown[] = []): Promise<RowDataPacket[]> {
  const [result] = await db.query<RowDataPacket[]>(sql, params);
  return result;
}

async function seatStatus(seatNo: string): Promise<string> {
  const [row] = await rows('SELECT status FROM seats WHERE schedule_id = ? AND seat_no = ?', [fixture.scheduleId, seatNo]);
  return String(row?.status);
}

async function hold(seatNo: string, userIndex = 0) {
  return api.post('/api/reservations', { userId: fixture.userIds[userIndex], scheduleId: fixture.scheduleId, seatNo });
}

/** Resolves once the service's consumer group has committed past `offset` on `partition`. */
async function waitConsumedPast(partition: number, offset: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await waitFor(
      `group ${settings.consumerGroup} to commit past ${partition}@${offset}`,
      async () => {
        const [topic] = await admin.fetchOffsets({ groupId: settings.consumerGroup, topics: [CONFIRMED_TOPIC] });
        const committed = topic?.partitions.find((p) => p.partition === partition)?.offset;
        return committed !== undefined && BigInt(committed) > BigInt(offset);
      },
      60_000,
      200,
    );
  } finally {
    await admin.disconnect();
  }
}

beforeAll(async () => {
  const url = await createTestDatabase('service');
  await ensureConfirmedTopic();
  settings = testSettings(url);
  service = await startService(settings, { log });
  db = await mysql.createConnection(url);
  redis = new Redis(REDIS_URL);
  kafka = new Kafka({ clientId: 'target-test', brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING });
  api = client(service.port);
});

afterAll(async () => {
  await service?.close();
  await db?.end();
  redis?.disconnect();
  const errors = logLines.filter((l) => l.startsWith('ERROR'));
  if (errors.length > 0) console.error(errors.join('\n'));
});

describe('fixtures', () => {
  it('creates a concert, a schedule, its seats and users', async () => {
    const answer = await api.post('/admin/fixtures', { seats: 60, users: 60, price: 12_000, name: 'test concert' });
    expect(answer.status).toBe(201);
    fixture = answer.body;
    expect(fixture.seatNos).toHaveLength(60);
    expect(fixture.userIds).toHaveLength(60);
    expect(new Set(fixture.userIds).size).toBe(60);
    const [schedule] = await rows('SELECT concert_id, seat_count, sold_count FROM schedules WHERE id = ?', [fixture.scheduleId]);
    expect(schedule).toMatchObject({ concert_id: fixture.concertId, seat_count: 60, sold_count: 0 });
    const seats = await rows("SELECT COUNT(*) AS n FROM seats WHERE schedule_id = ? AND status = 'AVAILABLE' AND price = 12000", [fixture.scheduleId]);
    expect(seats[0]?.n).toBe(60);
    const users = await rows('SELECT COUNT(*) AS n FROM users WHERE id IN (?)', [fixture.userIds]);
    expect(users[0]?.n).toBe(60);
    // Every user starts with the default points, as a wallet and its INITIAL ledger row.
    expect(fixture).toMatchObject({ price: 12_000, points: 1_000_000 });
    const wallets = await rows('SELECT COUNT(*) AS n, MIN(balance) AS lo, MAX(balance) AS hi FROM wallets WHERE user_id IN (?)', [fixture.userIds]);
    expect(wallets[0]).toMatchObject({ n: 60, lo: 1_000_000, hi: 1_000_000 });
    const initial = await rows("SELECT COUNT(*) AS n FROM wallet_ledger WHERE user_id IN (?) AND type = 'INITIAL' AND amount = 1000000", [fixture.userIds]);
    expect(initial[0]?.n).toBe(60);
  });

  it('rejects out-of-range counts with 400 naming the field', async () => {
    const answer = await api.post('/admin/fixtures', { seats: 0, users: 1 });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('BAD_REQUEST');
    expect(answer.body.error.message).toContain('seats');
  });
});

describe('hold', () => {
  it('answers 201 and marks the seat HELD', async () => {
    const answer = await hold('S1');
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ scheduleId: fixture.scheduleId, seatNo: 'S1', userId: fixture.userIds[0], status: 'HELD' });
    expect(answer.body.reservationId).toBeGreaterThan(0);
    expect(Date.parse(answer.body.expiresAt)).toBeGreaterThan(Date.now() + 200_000);
    expect(await seatStatus('S1')).toBe('HELD');
    const [reservation] = await rows('SELECT status, user_id FROM reservations WHERE id = ?', [answer.body.reservationId]);
    expect(reservation).toMatchObject({ status: 'HELD', user_id: fixture.userIds[0] });

    const read = await api.get(`/api/reservations/${answer.body.reservationId}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(answer.body);
  });

  it('answers 409 SEAT_UNAVAILABLE for a seat already held', async () => {
    const answer = await hold('S1', 1);
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('SEAT_UNAVAILABLE');
  });

  it('lets exactly one of 50 concurrent holds on one seat win and leaves no lock behind', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => hold('S2', i)));
    const created = answers.filter((a) => a.status === 201);
    const conflicts = answers.filter((a) => a.status === 409);
    expect(created).toHaveLength(1);
    expect(conflicts).toHaveLength(49);
    for (const a of conflicts) expect(['SEAT_LOCKED', 'SEAT_UNAVAILABLE']).toContain(a.body.error.code);
    expect(await redis.exists(seatLockKey(fixture.scheduleId, 'S2'))).toBe(0);
    const held = await rows("SELECT COUNT(*) AS n FROM reservations WHERE schedule_id = ? AND seat_no = 'S2'", [fixture.scheduleId]);
    expect(held[0]?.n).toBe(1);
  });

  it('answers 404 for an unknown seat or user', async () => {
    const seat = await api.post('/api/reservations', { userId: fixture.userIds[0], scheduleId: fixture.scheduleId, seatNo: 'NOPE' });
    expect(seat.status).toBe(404);
    expect(seat.body.error.code).toBe('SEAT_NOT_FOUND');
    const user = await api.post('/api/reservations', { userId: 999_999_999, scheduleId: fixture.scheduleId, seatNo: 'S3' });
    expect(user.status).toBe(404);
    expect(user.body.error.code).toBe('USER_NOT_FOUND');
  });

  it('answers 400 with a JSON error naming the field for bad bodies', async () => {
    const cases: [unknown, string][] = [
      [{ scheduleId: fixture.scheduleId, seatNo: 'S3' }, 'userId'],
      [{ userId: -1, scheduleId: fixture.scheduleId, seatNo: 'S3' }, 'userId'],
      [{ userId: '1', scheduleId: fixture.scheduleId, seatNo: 'S3' }, 'userId'],
      [{ userId: 1, scheduleId: 1.5, seatNo: 'S3' }, 'scheduleId'],
      [{ userId: 1, scheduleId: fixture.scheduleId, seatNo: '' }, 'seatNo'],
      [[1, 2], 'body'],
    ];
    for (const [body, field] of cases) {
      const answer = await api.post('/api/reservations', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.code).toBe('BAD_REQUEST');
      expect(answer.body.error.message).toContain(field);
    }
    const malformed = await api.postRaw('/api/reservations', '{"userId": 1,');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ error: { code: 'BAD_REQUEST', message: expect.any(String) } });
    const badPath = await api.post('/api/reservations/abc/payment', { userId: 1 });
    expect(badPath.status).toBe(400);
    expect(badPath.body.error.message).toContain('id');
  });
});

describe('payment, outbox relay and idempotent consumer', () => {
  let reservationId: number;
  let eventId: string;
  let payload: string;

  it('confirms a hold in one transaction: payment, guard, CONFIRMED, SOLD, outbox event', async () => {
    const held = await hold('S10', 3);
    expect(held.status).toBe(201);
    reservationId = held.body.reservationId;
    const paid = await api.post(`/api/reservations/${reservationId}/payment`, { userId: fixture.userIds[3] });
    expect(paid.status).toBe(201);
    // The seat price is debited from the fixture's 1,000,000 points in the same transaction.
    expect(paid.body).toEqual({ paymentId: expect.any(Number), reservationId, amount: 12_000, status: 'CONFIRMED', balance: 988_000, applied: true });
    const ledger = await rows('SELECT amount, type, reservation_id, balance_after FROM wallet_ledger WHERE user_id = ? ORDER BY id', [fixture.userIds[3]]);
    expect(ledger).toEqual([
      expect.objectContaining({ amount: 1_000_000, type: 'INITIAL', reservation_id: null, balance_after: 1_000_000 }),
      expect.objectContaining({ amount: -12_000, type: 'PAYMENT', reservation_id: reservationId, balance_after: 988_000 }),
    ]);

    const [reservation] = await rows('SELECT status FROM reservations WHERE id = ?', [reservationId]);
    expect(reservation?.status).toBe('CONFIRMED');
    expect(await seatStatus('S10')).toBe('SOLD');
    const guard = await rows('SELECT reservation_id FROM confirmed_seat_guard WHERE schedule_id = ? AND seat_no = ?', [fixture.scheduleId, 'S10']);
    expect(guard).toEqual([expect.objectContaining({ reservation_id: reservationId })]);
    const payments = await rows('SELECT id, user_id, amount FROM payments WHERE reservation_id = ?', [reservationId]);
    expect(payments).toEqual([expect.objectContaining({ id: paid.body.paymentId, user_id: fixture.userIds[3], amount: 12_000 })]);
    const outbox = await rows('SELECT event_id, topic, event_type, aggregate_id, schedule_id, payload FROM outbox_event WHERE aggregate_id = ?', [reservationId]);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ topic: CONFIRMED_TOPIC, aggregate_id: reservationId, schedule_id: fixture.scheduleId });
    eventId = String(outbox[0]?.event_id);
    payload = String(outbox[0]?.payload);
    expect(JSON.parse(payload)).toEqual({
      eventId,
      reservationId,
      scheduleId: fixture.scheduleId,
      seatNo: 'S10',
      userId: fixture.userIds[3],
      paymentId: paid.body.paymentId,
      amount: 12_000,
      confirmedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('relays the event to Kafka and marks the outbox row sent', async () => {
    await waitFor('outbox row sent', async () => (await rows('SELECT sent_at FROM outbox_event WHERE event_id = ?', [eventId]))[0]?.sent_at instanceof Date);

    const reader: Consumer = kafka.consumer({ groupId: `target-test-reader-${randomUUID()}` });
    const seen: { key: string; eventHeader: string; value: string }[] = [];
    await reader.connect();
    try {
      await reader.subscribe({ topic: CONFIRMED_TOPIC, fromBeginning: true });
      await reader.run({
        eachMessage: async ({ message }) => {
          const header = message.headers?.['event-id'];
          if (String(header) === eventId) seen.push({ key: String(message.key), eventHeader: String(header), value: String(message.value) });
        },
      });
      await waitFor('event on the topic', async () => seen.length > 0, 60_000, 100);
    } finally {
      await reader.disconnect();
    }
    expect(seen[0]).toEqual({ key: String(reservationId), eventHeader: eventId, value: payload });
    expect(JSON.parse(seen[0]?.value ?? '{}').reservationId).toBe(reservationId);
  });

  it('consumes the event once: one consumer_dedup row and sold_count = 1', async () => {
    await waitFor('consumer_dedup row', async () => (await rows('SELECT 1 FROM consumer_dedup WHERE event_id = ?', [eventId])).length === 1, 60_000, 100);
    const dedup = await rows('SELECT consumer_group, reservation_id, schedule_id FROM consumer_dedup WHERE event_id = ?', [eventId]);
    expect(dedup).toEqual([expect.objectContaining({ consumer_group: settings.consumerGroup, reservation_id: reservationId, schedule_id: fixture.scheduleId })]);
    const [schedule] = await rows('SELECT sold_count FROM schedules WHERE id = ?', [fixture.scheduleId]);
    expect(schedule?.sold_count).toBe(1);
  });

  it('ignores a re-published event and an unparsable message', async () => {
    const producer: Producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    let sent;
    try {
      await producer.send({ topic: CONFIRMED_TOPIC, messages: [{ key: String(reservationId), value: 'not json {', headers: { 'event-id': 'garbage' } }] });
      [sent] = await producer.send({ topic: CONFIRMED_TOPIC, messages: [{ key: String(reservationId), value: payload, headers: { 'event-id': eventId } }] });
    } finally {
      await producer.disconnect();
    }
    if (!sent?.baseOffset) throw new Error('no offset for the re-published event');
    await waitConsumedPast(sent.partition, sent.baseOffset);

    const dedup = await rows('SELECT COUNT(*) AS n FROM consumer_dedup WHERE event_id = ?', [eventId]);
    expect(dedup[0]?.n).toBe(1);
    const [schedule] = await rows('SELECT sold_count FROM schedules WHERE id = ?', [fixture.scheduleId]);
    expect(schedule?.sold_count).toBe(1);
    expect(logLines.some((l) => l.includes('skipped unparsable message'))).toBe(true);
    expect((await api.get('/health')).status).toBe(200);
  });

  it('answers 409 RESERVATION_NOT_HELD when paying twice', async () => {
    const again = await api.post(`/api/reservations/${reservationId}/payment`, { userId: fixture.userIds[3] });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('RESERVATION_NOT_HELD');
    const payments = await rows('SELECT COUNT(*) AS n FROM payments WHERE reservation_id = ?', [reservationId]);
    expect(payments[0]?.n).toBe(1);
  });
});

describe('payment errors', () => {
  it('answers 403 NOT_OWNER for another user and leaves the hold untouched', async () => {
    const held = await hold('S11', 4);
    const answer = await api.post(`/api/reservations/${held.body.reservationId}/payment`, { userId: fixture.userIds[5] });
    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toBe('NOT_OWNER');
    const [reservation] = await rows('SELECT status FROM reservations WHERE id = ?', [held.body.reservationId]);
    expect(reservation?.status).toBe('HELD');
  });

  it('answers 409 SEAT_ALREADY_SOLD when the guard row exists, rolling everything back', async () => {
    const held = await hold('S12', 6);
    // A guard row from some other reservation: what a double hold (lost lock) would run into.
    await db.query('INSERT INTO confirmed_seat_guard (schedule_id, seat_no, reservation_id) VALUES (?, ?, ?)', [fixture.scheduleId, 'S12', 900_000_000]);
    const answer = await api.post(`/api/reservations/${held.body.reservationId}/payment`, { userId: fixture.userIds[6] });
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('SEAT_ALREADY_SOLD');
    const [reservation] = await rows('SELECT status FROM reservations WHERE id = ?', [held.body.reservationId]);
    expect(reservation?.status).toBe('HELD');
    const payments = await rows('SELECT COUNT(*) AS n FROM payments WHERE reservation_id = ?', [held.body.reservationId]);
    expect(payments[0]?.n).toBe(0);
    const outbox = await rows('SELECT COUNT(*) AS n FROM outbox_event WHERE aggregate_id = ?', [held.body.reservationId]);
    expect(outbox[0]?.n).toBe(0);
  });

  it('answers 404 for an unknown reservation and 400 for a bad body', async () => {
    const unknown = await api.post('/api/reservations/999999999/payment', { userId: fixture.userIds[0] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('RESERVATION_NOT_FOUND');
    expect((await api.get('/api/reservations/999999999')).body.error.code).toBe('RESERVATION_NOT_FOUND');
    const bad = await api.post('/api/reservations/1/payment', { userId: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('userId');
  });
});

describe('reads, health and metrics', () => {
  it('lists the seats of a schedule, 404 for an unknown one', async () => {
    const answer = await api.get(`/api/schedules/${fixture.scheduleId}/seats`);
    expect(answer.status).toBe(200);
    expect(answer.body.scheduleId).toBe(fixture.scheduleId);
    expect(answer.body.seats).toHaveLength(60);
    expect(answer.body.seats[0]).toEqual({ seatNo: 'S1', status: 'HELD' });
    expect(answer.body.seats.find((s: { seatNo: string }) => s.seatNo === 'S10')).toEqual({ seatNo: 'S10', status: 'SOLD' });
    const unknown = await api.get('/api/schedules/999999999/seats');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('SCHEDULE_NOT_FOUND');
  });

  it('answers 404 NOT_FOUND for an unknown route', async () => {
    const answer = await api.get('/api/nothing-here');
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
  });

  it('reports healthy datastores', async () => {
    const answer = await api.get('/health');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok', checks: { mysql: 'ok', redis: 'ok', kafka: 'ok' } });
  });

  it('exposes request durations by route pattern and the outbox gauge', async () => {
    const answer = await api.get('/metrics');
    expect(answer.status).toBe(200);
    expect(answer.text).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/api\/reservations",status="201"\} \d+/);
    expect(answer.text).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/api\/reservations\/:id\/payment",status="201"\} \d+/);
    expect(answer.text).toContain('route="/api/schedules/:id/seats"');
    expect(answer.text).not.toMatch(/route="\/api\/reservations\/\d+/);
    expect(answer.text).toMatch(/^outbox_unsent_events 0$/m);
    expect(answer.text).toContain('process_cpu_user_seconds_total');
  });
});
