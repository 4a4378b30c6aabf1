/**
 * The points wallet end to end, in-process against the real MariaDB/MySQL, Redis and Kafka:
 * charge and read endpoints, amount and key validation (400, nothing changed), idempotent replays,
 * the payment debit (402 INSUFFICIENT_FUNDS leaves the reservation HELD), payment replays, and
 * every wallet strategy under concurrent charges and payments of one user: the safe ones keep
 * balance = initial + applied changes = sum of the ledger and never overspend; `none` loses
 * updates (Jepsen's bank test, seed 000's `userWalletLock:{userId}` race).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../target-service/src/log.ts';
import { startService, type RunningService } from '../../target-service/src/service.ts';
import { MAX_CHARGE_POINTS } from '../../target-service/src/wallet.ts';
import { walletLockKey } from '../../target-service/src/wallet-strategies/redis-lock.ts';
import { client, createTestDatabase, ensureConfirmedTopic, REDIS_URL, testSettings, type Answer } from './helpers.ts';

interface Fixture {
  readonly scheduleId: number;
  readonly seatNos: string[];
  readonly userIds: number[];
  readonly price: number;
  readonly points: number;
}

/** One service instance of one wallet strategy. */
interface WalletService {
  readonly service: RunningService;
  readonly api: ReturnType<typeof client>;
}

const SAFE_WALLET_STRATEGIES = ['pessimistic', 'optimistic', 'redis-lock'] as const;

let mysqlUrl: string;
let db: mysql.Connection;
let redis: Redis;
const services = new Map<string, WalletService>();

async function rows(sql: string, params: unknown[] = []): Promise<RowDataPacket[]> {
  const [result] = await db.query<RowDataPacket[]>(sql, params);
  return result;
}

async function balanceOf(userId: number): Promise<number> {
  const [row] = await rows('SELECT balance FROM wallets WHERE user_id = ?', [userId]);
  return Number(row?.balance);
}

async function ledgerSum(userId: number): Promise<{ sum: number; n: number }> {
  const [row] = await rows('SELECT COALESCE(SUM(amount), 0) AS sum, COUNT(*) AS n FROM wallet_ledger WHERE user_id = ?', [userId]);
  return { sum: Number(row?.sum), n: Number(row?.n) };
}

async function fixture(s: WalletService, body: { seats: number; users: number; price: number; points: number }): Promise<Fixture> {
  const answer = await s.api.post('/admin/fixtures', { ...body, name: 'wallet test' });
  expect(answer.status).toBe(201);
  return answer.body;
}

async function hold(s: WalletService, f: Fixture, seatNo: string, userId: number): Promise<number> {
  const answer = await s.api.post('/api/reservations', { userId, scheduleId: f.scheduleId, seatNo });
  expect(answer.status).toBe(201);
  return answer.body.reservationId;
}

function charge(s: WalletService, userId: number, amount: unknown, idempotencyKey: unknown = randomUUID()): Promise<Answer> {
  return s.api.post(`/api/users/${userId}/wallet/charge`, { amount, idempotencyKey });
}

beforeAll(async () => {
  mysqlUrl = await createTestDatabase('wallet');
  await ensureConfirmedTopic();
  db = await mysql.createConnection(mysqlUrl);
  redis = new Redis(REDIS_URL);
  for (const walletStrategy of ['none', ...SAFE_WALLET_STRATEGIES]) {
    const service = await startService(testSettings(mysqlUrl, { walletStrategy, dbPoolSize: 10 }), { log: silentLogger });
    services.set(walletStrategy, { service, api: client(service.port) });
  }
});

afterAll(async () => {
  for (const s of services.values()) await s.service.close();
  await db?.end();
  redis?.disconnect();
});

describe('wallet endpoints (default pessimistic)', () => {
  let s: WalletService;
  let f: Fixture;
  beforeAll(async () => {
    s = services.get('pessimistic')!;
    f = await fixture(s, { seats: 10, users: 6, price: 3_000, points: 5_000 });
  });

  it('reads a wallet: the fixture points, version 0', async () => {
    const answer = await s.api.get(`/api/users/${f.userIds[0]}/wallet`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ userId: f.userIds[0], balance: 5_000, version: 0 });
    expect(await ledgerSum(f.userIds[0]!)).toEqual({ sum: 5_000, n: 1 });
  });

  it('charges with 201, and a replay of the key answers the first result with 200 and changes nothing', async () => {
    const userId = f.userIds[1]!;
    const key = `charge-${randomUUID()}`;
    const first = await charge(s, userId, 700, key);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ ledgerId: expect.any(Number), userId, amount: 700, balance: 5_700, applied: true });
    expect(first.headers.get('idempotent-replay')).toBeNull();

    await charge(s, userId, 50);
    const replay = await charge(s, userId, 700, key);
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replay')).toBe('true');
    // The first result, not the current balance (5,750).
    expect(replay.body).toEqual({ ...first.body, applied: false });
    expect(await balanceOf(userId)).toBe(5_750);
    expect(await ledgerSum(userId)).toEqual({ sum: 5_750, n: 3 });
    const rowsOfKey = await rows('SELECT amount, type, balance_after FROM wallet_ledger WHERE user_id = ? AND idempotency_key = ?', [userId, key]);
    expect(rowsOfKey).toEqual([expect.objectContaining({ amount: 700, type: 'CHARGE', balance_after: 5_700 })]);
  });

  it('treats keys differing only in case as different keys', async () => {
    const userId = f.userIds[1]!;
    const suffix = randomUUID();
    expect((await charge(s, userId, 1, `K-${suffix}`)).status).toBe(201);
    expect((await charge(s, userId, 1, `k-${suffix}`)).status).toBe(201);
  });

  it('answers 409 IDEMPOTENCY_KEY_REUSED for a key replayed with another amount, changing nothing', async () => {
    const userId = f.userIds[2]!;
    const key = randomUUID();
    expect((await charge(s, userId, 100, key)).status).toBe(201);
    const reused = await charge(s, userId, 101, key);
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await balanceOf(userId)).toBe(5_100);
  });

  it.each([
    ['zero', 0],
    ['negative', -5],
    ['fractional', 1.5],
    ['a string', '100'],
    ['above the maximum', MAX_CHARGE_POINTS + 1],
    ['missing', undefined],
  ])('answers 400 for an amount that is %s and changes nothing', async (_what, amount) => {
    const userId = f.userIds[3]!;
    const before = await ledgerSum(userId);
    const answer = await charge(s, userId, amount);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('amount') });
    expect(await ledgerSum(userId)).toEqual(before);
    expect(await balanceOf(userId)).toBe(before.sum);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['with a space', 'a b'],
    ['too long', 'k'.repeat(101)],
    ['not ASCII', 'clé'],
    ['a number', 42],
  ])('answers 400 for an idempotency key that is %s', async (_what, key) => {
    const userId = f.userIds[3]!;
    const before = await ledgerSum(userId);
    const answer = await s.api.post(`/api/users/${userId}/wallet/charge`, { amount: 10, ...(key === undefined ? {} : { idempotencyKey: key }) });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain('idempotencyKey');
    expect(await ledgerSum(userId)).toEqual(before);
  });

  it('accepts the maximum amount', async () => {
    const userId = f.userIds[3]!;
    const answer = await charge(s, userId, MAX_CHARGE_POINTS);
    expect(answer.status).toBe(201);
    expect(answer.body.balance).toBe(5_000 + MAX_CHARGE_POINTS);
  });

  it('answers 404 WALLET_NOT_FOUND for a user without a wallet and 400 for a bad path id', async () => {
    expect((await s.api.get('/api/users/999999999/wallet')).body.error.code).toBe('WALLET_NOT_FOUND');
    const answer = await charge(s, 999_999_999, 10);
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('WALLET_NOT_FOUND');
    expect((await s.api.get('/api/users/abc/wallet')).status).toBe(400);
  });

  it('debits the seat price on payment; too few points is 402 INSUFFICIENT_FUNDS with the reservation left HELD', async () => {
    const userId = f.userIds[4]!;
    const first = await hold(s, f, 'S1', userId);
    const paid = await s.api.post(`/api/reservations/${first}/payment`, { userId });
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({ reservationId: first, amount: 3_000, balance: 2_000, applied: true });

    const second = await hold(s, f, 'S2', userId);
    const refused = await s.api.post(`/api/reservations/${second}/payment`, { userId });
    expect(refused.status).toBe(402);
    expect(refused.body.error.code).toBe('INSUFFICIENT_FUNDS');
    expect(refused.body.error.message).toMatch(/has 2000 points; this needs 3000/);
    const [reservation] = await rows('SELECT status FROM reservations WHERE id = ?', [second]);
    expect(reservation?.status).toBe('HELD');
    const [seat] = await rows('SELECT status FROM seats WHERE schedule_id = ? AND seat_no = ?', [f.scheduleId, 'S2']);
    expect(seat?.status).toBe('HELD');
    expect(await rows('SELECT id FROM payments WHERE reservation_id = ?', [second])).toEqual([]);
    expect(await rows('SELECT id FROM outbox_event WHERE aggregate_id = ?', [second])).toEqual([]);
    expect(await balanceOf(userId)).toBe(2_000);
    expect(await ledgerSum(userId)).toEqual({ sum: 2_000, n: 2 });

    // Once charged, the same reservation can be paid.
    expect((await charge(s, userId, 1_000)).status).toBe(201);
    const retried = await s.api.post(`/api/reservations/${second}/payment`, { userId });
    expect(retried.status).toBe(201);
    expect(retried.body.balance).toBe(0);
  });

  it('replays a payment by its idempotency key and refuses the key for another reservation', async () => {
    const userId = f.userIds[5]!;
    const key = `pay-${randomUUID()}`;
    const reservationId = await hold(s, f, 'S3', userId);
    const paid = await s.api.post(`/api/reservations/${reservationId}/payment`, { userId, idempotencyKey: key });
    expect(paid.status).toBe(201);
    const replay = await s.api.post(`/api/reservations/${reservationId}/payment`, { userId, idempotencyKey: key });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replay')).toBe('true');
    expect(replay.body).toEqual({ ...paid.body, applied: false });
    // Without the key a second payment is the old 409.
    expect((await s.api.post(`/api/reservations/${reservationId}/payment`, { userId })).body.error.code).toBe('RESERVATION_NOT_HELD');

    const other = await hold(s, f, 'S4', userId);
    const reused = await s.api.post(`/api/reservations/${other}/payment`, { userId, idempotencyKey: key });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await balanceOf(userId)).toBe(2_000);
    expect(await ledgerSum(userId)).toEqual({ sum: 2_000, n: 2 });
  });

  it('answers concurrent retries of one payment key with one payment', async () => {
    const userId = f.userIds[0]!;
    const key = `pay-${randomUUID()}`;
    const reservationId = await hold(s, f, 'S5', userId);
    const answers = await Promise.all(Array.from({ length: 8 }, () => s.api.post(`/api/reservations/${reservationId}/payment`, { userId, idempotencyKey: key })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.paymentId)).size).toBe(1);
    expect(await balanceOf(userId)).toBe(2_000);
  });

  it('counts wallet operations and lock waits in /metrics', async () => {
    const text = (await s.api.get('/metrics')).text;
    expect(text).toMatch(/wallet_operations_total\{strategy="pessimistic",type="charge",result="applied"\} \d+/);
    expect(text).toMatch(/wallet_operations_total\{strategy="pessimistic",type="charge",result="replay"\} \d+/);
    expect(text).toMatch(/wallet_operations_total\{strategy="pessimistic",type="payment",result="INSUFFICIENT_FUNDS"\} 1/);
    expect(text).toMatch(/wallet_lock_wait_seconds_count\{strategy="pessimistic"\} \d+/);
  });
});

/** Concurrent charges (distinct keys plus duplicates of some) and payments on one user. */
async function race(s: WalletService, userId: number, f: Fixture, charges: number, duplicates: number, payments: number): Promise<{ charged: Answer[]; paid: Answer[] }> {
  const keys = Array.from({ length: charges }, () => randomUUID());
  const reservations = await Promise.all(f.seatNos.slice(0, payments).map((seatNo) => hold(s, f, seatNo, userId)));
  const requests: Promise<Answer>[] = [];
  keys.forEach((key, i) => {
    requests.push(charge(s, userId, 100 + i, key));
    if (i < duplicates) requests.push(charge(s, userId, 100 + i, key));
  });
  const paying = reservations.map((id) => s.api.post(`/api/reservations/${id}/payment`, { userId }));
  const [charged, paid] = await Promise.all([Promise.all(requests), Promise.all(paying)]);
  return { charged, paid };
}

describe.each(SAFE_WALLET_STRATEGIES)('wallet strategy %s under concurrency', (strategy) => {
  it('applies every acknowledged charge and payment exactly once: balance = initial + changes = sum of the ledger', async () => {
    const s = services.get(strategy)!;
    const f = await fixture(s, { seats: 20, users: 1, price: 500, points: 1_000 });
    const userId = f.userIds[0]!;
    const { charged, paid } = await race(s, userId, f, 40, 10, 20);

    // Optimistic may give up (409 WALLET_CONFLICT) and redis-lock may time out (WALLET_BUSY):
    // definite failures that changed nothing. Payments may also meet too few points.
    for (const a of [...charged, ...paid]) expect([200, 201, 402, 409], a.text).toContain(a.status);
    const applied = charged.filter((a) => a.status === 201);
    const replays = charged.filter((a) => a.status === 200);
    expect(new Set(applied.map((a) => a.body.ledgerId)).size).toBe(applied.length);
    for (const r of replays) expect(applied.map((a) => a.body.ledgerId)).toContain(r.body.ledgerId);
    const paidOk = paid.filter((a) => a.status === 201);
    const expected = 1_000 + applied.reduce((sum, a) => sum + a.body.amount, 0) - paidOk.length * 500;
    expect(await balanceOf(userId)).toBe(expected);
    expect(await ledgerSum(userId)).toEqual({ sum: expected, n: 1 + applied.length + paidOk.length });
    expect(applied.length).toBeGreaterThan(0);
    if (strategy === 'redis-lock') expect(await redis.exists(walletLockKey(userId))).toBe(0);
  });

  it('never spends the same points twice: of 12 concurrent payments of 500 with 3,000 points, exactly 6 succeed', async () => {
    const s = services.get(strategy)!;
    const f = await fixture(s, { seats: 12, users: 1, price: 500, points: 3_000 });
    const userId = f.userIds[0]!;
    const { paid } = await race(s, userId, f, 0, 0, 12);
    const statuses = paid.map((a) => a.status);
    // A 409 (gave up on a busy wallet) leaves the points for a later payment in the burst.
    expect(statuses.filter((c) => c === 201).length).toBeLessThanOrEqual(6);
    expect(statuses.filter((c) => c === 201).length + statuses.filter((c) => c === 409).length).toBeGreaterThanOrEqual(6);
    for (const a of paid.filter((p) => p.status === 402)) expect(a.body.error.code).toBe('INSUFFICIENT_FUNDS');
    const ok = statuses.filter((c) => c === 201).length;
    expect(await balanceOf(userId)).toBe(3_000 - ok * 500);
    expect(await ledgerSum(userId)).toEqual({ sum: 3_000 - ok * 500, n: 1 + ok });
  });
});

describe('wallet strategy none under concurrency', () => {
  it('loses updates: after concurrent charges the balance is below the initial points plus what was acknowledged, and below the sum of the ledger', async () => {
    const s = services.get('none')!;
    // A few bursts: one burst of 40 almost always loses an update on this machine, several make
    // the test independent of scheduling luck.
    let lost = 0;
    for (let burst = 0; burst < 5 && lost === 0; burst += 1) {
      const f = await fixture(s, { seats: 1, users: 1, price: 500, points: 1_000 });
      const userId = f.userIds[0]!;
      const { charged } = await race(s, userId, f, 40, 0, 0);
      const acknowledged = charged.filter((a) => a.status === 201).reduce((sum, a) => sum + a.body.amount, 0);
      const balance = await balanceOf(userId);
      const ledger = await ledgerSum(userId);
      // Every acknowledged charge is in the ledger; the balance column lost some of them.
      expect(ledger.sum).toBe(1_000 + acknowledged);
      lost = ledger.sum - balance;
      expect(lost).toBeGreaterThanOrEqual(0);
    }
    expect(lost).toBeGreaterThan(0);
  });
});
