/**
 * One measured process of `npm run bench:checks`: rebuilds the client history of a seeded run
 * (a `hold` and a `pay` acknowledged per confirmed reservation, as the engine records them), then
 * runs the checkers named by `--checkers` (or `bare-read`: only the rows of the profile's
 * `reservations` and `payments` queries, the peer) and prints the time of each collect and check,
 * the verdicts, and the process's peak memory. In its own process so that each figure's peak
 * RSS is its own.
 *
 * Args: --mysql-url U --redis-url R --kafka-brokers B --schedules 1,2,… --seats N --published-from MS --checkers id,id|bare-read|all
 */
import { performance } from 'node:perf_hooks';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import type { ConnectionSettings } from '../../src/config/connections.ts';
import { openStores } from '../../src/checks/stores.ts';
import { canonicalRows } from '../../src/checks/canonical.ts';
import { commitGroupAtEnd } from '../../src/seed/confirmed-sales.ts';
import type { Checker, CheckScope } from '../../src/checks/checker.ts';
import { History } from '../../src/engine/history.ts';
import { kafkaScopeOf, serviceDatabase } from '../../src/profile/database.ts';
import { bundledTargetProfile } from '../../src/profile/default-profile.ts';
import { RESULT_PREFIX, parseArgs, peakRssMiB } from '../child-report.ts';
import { BENCHED_CHECKERS } from './checkers.ts';

/** What one child measured. */
export interface CheckerChildResult {
  /** Operations in the rebuilt history, and ms to rebuild it (not part of any check). */
  readonly historyOps: number;
  readonly historyMs: number;
  /** Peak RSS once the history was built, before any check, MiB. */
  readonly baseRssMiB: number;
  readonly checks: readonly { id: string; verdict: string; summary: string; collectMs: number; checkMs: number }[];
  /** Peak RSS of the whole process, MiB (VmHWM). */
  readonly peakRssMiB: number;
}

const args = parseArgs(process.argv.slice(2));
const mysqlUrl = args.get('mysql-url')!;
const scheduleIds = args.get('schedules')!.split(',').map(Number);
const which = args.get('checkers')!;
const profile = bundledTargetProfile().profile;
const database = serviceDatabase(mysqlUrl, profile);
const scope: CheckScope = {
  scheduleIds,
  seatCount: Number(args.get('seats')),
  // The sales were published from here; kafka-events reads the topic from a minute before.
  runStartedAtMs: Number(args.get('published-from')),
  lockTtlMs: 5_000,
  holdTtlMs: 300_000,
  expirySweepMs: 1_000,
  ...kafkaScopeOf(profile, database, true),
  settleTimeoutMs: 30_000,
};

const historyStarted = performance.now();
const history = await rebuildHistory();
const historyMs = performance.now() - historyStarted;
const baseRssMiB = peakRssMiB();

const connections: ConnectionSettings = { mysqlUrl, redisUrl: args.get('redis-url')!, kafkaBrokers: args.get('kafka-brokers')!.split(',') };
const stores = openStores(connections, profile);
// The topic is shared: other runs may have published since the seed. The target's consumer would
// have read past their events (another source's are skipped), so its group is committed at the end,
// or kafka-events would wait for a consumer that is not running.
await commitGroupAtEnd(stores.kafka, scope.consumerGroup);
const checks: CheckerChildResult['checks'][number][] = [];
try {
  if (which === 'bare-read') {
    const started = performance.now();
    const reservations = await canonicalRows(stores, scope, 'reservations');
    const payments = await canonicalRows(stores, scope, 'payments');
    checks.push({ id: 'bare-read', verdict: 'n/a', summary: 'reservations and payments read, nothing judged', collectMs: performance.now() - started, checkMs: 0 });
    if (reservations.length + payments.length === 0) throw new Error('nothing seeded in these schedules');
  } else {
    const chosen: Checker<any>[] = which === 'all' ? BENCHED_CHECKERS : BENCHED_CHECKERS.filter((c) => which.split(',').includes(c.id));
    // One check phase, as runCheckers makes it: the checkers of `all` share what they read.
    const phase = { ...stores, rowCache: new Map() };
    for (const checker of chosen) {
      const collectStarted = performance.now();
      const snapshot = await checker.collect(phase, scope, history);
      const checkStarted = performance.now();
      const result = checker.check(history, snapshot, scope);
      const done = performance.now();
      checks.push({ id: checker.id, verdict: result.verdict, summary: result.summary.slice(0, 200), collectMs: checkStarted - collectStarted, checkMs: done - checkStarted });
    }
  }
} finally {
  await stores.close();
}
const result: CheckerChildResult = { historyOps: history.length, historyMs, baseRssMiB, checks, peakRssMiB: peakRssMiB() };
process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
process.exit(0);

/**
 * The history the engine would have recorded for the seeded sales: per reservation, an ok `hold`
 * {scheduleId, seatNo, userId} → {reservationId}, then an ok `pay` {reservationId, userId} →
 * {paymentId}, on 200 VUs, 2 ms apart.
 */
async function rebuildHistory(): Promise<History> {
  const conn = await mysql.createConnection({ uri: mysqlUrl, rowsAsArray: true });
  const h = new History();
  try {
    const [rows] = await conn.query<RowDataPacket[]>(
      'SELECT r.id, r.schedule_id, r.seat_no, r.user_id, p.id FROM reservations r JOIN payments p ON p.reservation_id = r.id WHERE r.schedule_id IN (?) ORDER BY r.id',
      [scheduleIds],
    );
    let us = 0;
    for (const row of rows as unknown as [number, number, string, number, number][]) {
      const [reservationId, scheduleId, seatNo, userId, paymentId] = row;
      const vu = (reservationId % 200) + 1;
      h.record(h.invoke(), vu, 'hold', 'ok', { scheduleId, seatNo, userId }, { reservationId }, undefined, us, us + 1_000);
      h.record(h.invoke(), vu, 'pay', 'ok', { reservationId, userId }, { paymentId }, undefined, us + 1_000, us + 2_000);
      us += 2;
    }
  } finally {
    await conn.end();
  }
  return h;
}
