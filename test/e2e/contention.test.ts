// The main job end to end on the real MySQL/MariaDB, Redis and Kafka: a contention run must pass
// every check with exactly one winner, and each checker must fail when a violation is seeded
// into the real stores afterwards (a duplicate confirmed row, a dropped outbox row, a stray lock,
// an event for a reservation that was never confirmed).
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Checker, CheckScope } from '../../src/checks/checker.ts';
import { doubleBookingChecker } from '../../src/checks/double-booking.ts';
import { historyVsMysqlChecker } from '../../src/checks/history-vs-mysql.ts';
import { kafkaEventsChecker } from '../../src/checks/kafka-events.ts';
import { orphanLocksChecker } from '../../src/checks/orphan-locks.ts';
import { openStores } from '../../src/checks/stores.ts';
import { bundledTargetProfile } from '../../src/profile/default-profile.ts';
import { DEFAULT_CONNECTIONS } from '../../src/config/connections.ts';
import type { History } from '../../src/engine/history.ts';
import { executorFromFlags } from '../../src/options/executor-flags.ts';
import { RESERVATION_CONFIRMED_TOPIC } from '../../src/infra/kafka-admin.ts';
import { runAndWriteReport, type WrittenRunOutcome } from '../../src/run/run-and-write.ts';
import contention from '../../scenarios/contention.ts';

const outDir = mkdtempSync(path.join(tmpdir(), 'ticketbench-e2e-'));
let outcome: WrittenRunOutcome;
let history: History;
let scope: CheckScope;
const stores = openStores(DEFAULT_CONNECTIONS, bundledTargetProfile().profile);

beforeAll(async () => {
  outcome = await runAndWriteReport({
    scenario: contention,
    scenarioFlags: {},
    executor: executorFromFlags({}, { vus: contention.defaultVus }),
    connections: DEFAULT_CONNECTIONS,
    outDir,
    requestTimeoutMs: 10_000,
  });
  history = outcome.history;
  scope = { ...outcome.scope, settleTimeoutMs: 5_000 };
}, 240_000);

afterAll(async () => {
  await stores.close();
});

async function verdictOf(checker: Checker<any>) {
  return checker.check(history, await checker.collect(stores, scope, history), scope);
}

describe('ticketbench run contention (80 VUs, 1 seat)', () => {
  it('passes every check with exactly one successful hold and payment', () => {
    const { report } = outcome;
    expect(report.checks.map((c) => [c.id, c.verdict])).toEqual([
      ['double-booking', 'pass'],
      ['hold-overlap', 'pass'],
      ['history-vs-mysql', 'pass'],
      ['orphan-locks', 'pass'],
      ['kafka-events', 'pass'],
      ['sell-out', 'pass'],
    ]);
    expect(report.verdict).toBe('pass');
    expect(report.load.ops['hold']).toEqual({ ok: 1, fail: 79, info: 0 });
    expect(report.load.ops['pay']).toEqual({ ok: 1, fail: 0, info: 0 });
    expect(report.load.status.conflict).toBe(79);
    expect(report.load.requests).toBe(81);
    expect(report.load.tps).toBeGreaterThan(0);
    expect(report.load.latency.p95Ms).toBeGreaterThan(0);
    expect(report.checks.find((c) => c.id === 'kafka-events')?.counts).toMatchObject({ confirmed: 1, eventsOnTopic: 1, consumed: 1 });
  });

  it('writes the JSON and markdown report with the settings, machine and checks', () => {
    expect(existsSync(outcome.paths.json)).toBe(true);
    const markdown = readFileSync(outcome.paths.markdown, 'utf8');
    expect(markdown).toContain('contention');
    expect(markdown).toContain('double-booking');
    expect(markdown).toMatch(/shared this machine/);
    const json = JSON.parse(readFileSync(outcome.paths.json, 'utf8'));
    expect(json.verdict).toBe('pass');
    expect(json.machine.cores).toBeGreaterThan(0);
    expect(json.machine.mysql).not.toBe('unknown');
  });
});

describe('server-side counters of the run', () => {
  it('observed MySQL queries and the target\'s lost seat-lock races', () => {
    const observed = outcome.report.observed;
    expect(observed?.notes).toEqual([]);
    expect(observed?.mysql['Queries']).toBeGreaterThan(0);
    expect(observed?.mysql['Threads_connected_max']).toBeGreaterThan(0);
    // 79 holds lost: each to the busy lock or, once the winner released it, to the HELD seat.
    const busy = observed?.target['seat_lock_acquisitions_total{result="busy"}'] ?? 0;
    expect(busy).toBeGreaterThan(0);
    expect(busy + (observed?.target['seat_holds_total{result="SEAT_UNAVAILABLE",strategy="redis-lock"}'] ?? 0)).toBe(79);
    expect(observed?.target['seat_holds_total{result="held",strategy="redis-lock"}']).toBe(1);
    // Not asserted: outbox_published_total and consumer_events_total. Any other target on the
    // `ticketbench` database (another run on this machine) shares the outbox and the consumer
    // group, so the sale's event may be relayed and consumed by that instance instead.
    expect(observed?.perReservation['mysqlQueriesPerSale']).toBe(observed?.mysql['Queries']);
    expect(readFileSync(outcome.paths.markdown, 'utf8')).toContain('## Server-side counters');
  });
});

describe('checkers fail on violations seeded into the real stores', () => {
  it('double-booking: a second CONFIRMED reservation for the sold seat', async () => {
    const scheduleId = scope.scheduleIds[0]!;
    const before = await verdictOf(doubleBookingChecker);
    expect(before.verdict).toBe('pass');
    const [rows] = (await stores.mysql.query('SELECT seat_no AS seatNo, user_id AS userId, id FROM reservations WHERE schedule_id = ? AND status = ?', [scheduleId, 'CONFIRMED'])) as unknown as [{ seatNo: string; userId: number; id: number }[]];
    const original = rows[0]!;
    const [insert] = (await stores.mysql.query(
      "INSERT INTO reservations (schedule_id, seat_no, user_id, status, expires_at) VALUES (?, ?, ?, 'CONFIRMED', NOW(6))",
      [scheduleId, original.seatNo, Number(original.userId) + 1],
    )) as unknown as [{ insertId: number }];
    await stores.mysql.query('INSERT INTO payments (reservation_id, user_id, amount) VALUES (?, ?, 1)', [insert.insertId, Number(original.userId) + 1]);

    const after = await verdictOf(doubleBookingChecker);
    expect(after.verdict).toBe('fail');
    expect(after.counts).toMatchObject({ doubleBookedSeats: 1, oversold: 1 });
    expect(after.evidence).toContainEqual({ anomaly: 'double-booking', seat: `${scheduleId}/${original.seatNo}`, reservations: [Number(original.id), insert.insertId].sort((a, b) => a - b).join(','), count: 2 });

    const vsHistory = await verdictOf(historyVsMysqlChecker);
    expect(vsHistory.verdict).toBe('fail');
    expect(vsHistory.evidence).toContainEqual(expect.objectContaining({ anomaly: 'unexpected-reservation', reservationId: insert.insertId }));
  });

  it('orphan-locks: a stray lock without expiry on the seat', async () => {
    const key = `seat:lock:${scope.scheduleIds[0]}:stray-seat`;
    await stores.redis.set(key, 'nobody');
    try {
      const result = await verdictOf(orphanLocksChecker);
      expect(result.verdict).toBe('fail');
      expect(result.evidence).toEqual([expect.objectContaining({ anomaly: 'orphan-lock', key, pttlMs: -1 })]);
    } finally {
      await stores.redis.del(key);
    }
    expect((await verdictOf(orphanLocksChecker)).verdict).toBe('pass');
  });

  it('kafka-events: a dropped outbox row and an event for a reservation that was never confirmed', async () => {
    const scheduleId = scope.scheduleIds[0]!;
    const [deleted] = (await stores.mysql.query('DELETE FROM outbox_event WHERE schedule_id = ?', [scheduleId])) as unknown as [{ affectedRows: number }];
    expect(deleted.affectedRows).toBe(1);
    const producer = stores.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const event = (reservationId: number) => JSON.stringify({ eventId: `seeded-${reservationId}`, reservationId, scheduleId, seatNo: 'X', userId: 1 });
    expect(scope.eventSource).toBeDefined();
    await producer.send({
      topic: RESERVATION_CONFIRMED_TOPIC,
      messages: [
        { key: '999999999', value: event(999_999_999), headers: { source: scope.eventSource! } },
        // Same schedule id from another database sharing the broker: not this run's, ignored.
        { key: '888888888', value: event(888_888_888), headers: { source: 'ticketbench-target/some_other_db' } },
      ],
    });
    await producer.disconnect();

    const result = await verdictOf(kafkaEventsChecker);
    expect(result.verdict).toBe('fail');
    const anomalies = result.evidence.map((e) => e['anomaly']);
    expect(anomalies).toContain('missing-outbox');
    expect(anomalies).toContain('unexpected-event');
    expect(result.evidence).toContainEqual(expect.objectContaining({ anomaly: 'unexpected-event', reservationId: 999_999_999 }));
    expect(result.evidence).not.toContainEqual(expect.objectContaining({ reservationId: 888_888_888 }));
  });
});
