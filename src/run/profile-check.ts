/**
 * `ticketbench profile check`: the fast loop for writing a profile. Starts (or reaches) the service,
 * creates a small fixture through the profile's setup, performs each declared operation once on it,
 * runs each store query once and the checks that read Redis and Kafka, and says for each what
 * worked and what did not, with the answer it got. Seconds, not a load test.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { canonicalRows } from '../checks/canonical.ts';
import type { CheckScope } from '../checks/checker.ts';
import { kafkaEventsChecker } from '../checks/kafka-events.ts';
import { orphanLocksChecker } from '../checks/orphan-locks.ts';
import { openStores } from '../checks/stores.ts';
import type { ConnectionSettings } from '../config/connections.ts';
import { History } from '../engine/history.ts';
import { TargetHttpClient, type HttpResponse } from '../engine/http-client.ts';
import { VuContext, type OpResult } from '../engine/vu.ts';
import { infraUp } from '../infra/index.ts';
import { resolveStateDir } from '../infra/paths.ts';
import { evidence } from '../profile/answer.ts';
import { kafkaScopeOf, queueKeysOf, serviceDatabase, serviceMysqlUrl } from '../profile/database.ts';
import { profileFolder, type LoadedProfile } from '../profile/load.ts';
import { CANONICAL_QUERIES, OPERATION_NAMES, type CanonicalQueryName, type OperationName, type TargetProfile } from '../profile/schema.ts';
import { createFixture, type Fixture } from '../profile/setup.ts';
import { TargetOps, type Id } from '../profile/target-ops.ts';
import { BUNDLED_TARGET_SETTINGS } from '../target/launch.ts';
import { assertStartable, startTarget } from '../target/start-target.ts';
import { describeError } from '../util/describe-error.ts';

/** One line of the probe's table. */
export interface ProbeRow {
  /** What was tried: `setup`, `operations.hold`, `queries.reservations`, `redis.seatLockKey`, `kafka`. */
  readonly item: string;
  /** `ok`: it works; `fail`: it does not; `skipped`: the profile does not declare it (or it needs what failed). */
  readonly result: 'ok' | 'fail' | 'skipped';
  /** What it got: the recorded fields or rows, or the error and the first 200 characters of the answer. */
  readonly detail: string;
}

/** What the probe needs besides the profile. */
export interface ProfileCheckOptions {
  readonly connections: ConnectionSettings;
  /** A running service to probe instead of starting the profile's. */
  readonly targetUrl?: string;
  /** Bring up MySQL, Redis and Kafka first (default true). */
  readonly infra?: boolean;
  readonly stateDir?: string;
  /** Longest wait for the service's event to reach Kafka and its consumer, ms (default 10 000). */
  readonly settleTimeoutMs?: number;
}

/**
 * Probes the service the profile describes and returns one row per declared part.
 * @throws TicketbenchError INVALID_OPTION (no way to reach the service), INFRA_UNAVAILABLE or
 *   TARGET_START_FAILED (exit 4). Setup failing is a row, not an error: the rest is then skipped.
 */
export async function checkProfile(loaded: LoadedProfile, options: ProfileCheckOptions): Promise<ProbeRow[]> {
  const { profile } = loaded;
  assertStartable(loaded, options.targetUrl);
  const stateDir = resolveStateDir(options.stateDir);
  if (options.infra !== false) await infraUp({ connections: options.connections, stateDir, log: () => undefined });
  const driven = await startTarget(loaded, {
    connections: options.connections,
    stateDir,
    ...(options.targetUrl === undefined ? {} : { targetUrl: options.targetUrl }),
    bundled: {},
    holdTtlMs: profile.timings?.holdTtlMs ?? BUNDLED_TARGET_SETTINGS.holdTtlMs,
    lockTtlMs: profile.timings?.lockTtlMs ?? BUNDLED_TARGET_SETTINGS.lockTtlMs,
  });
  const rows: ProbeRow[] = [];
  const http = new TargetHttpClient(driven.baseUrl, { connections: 2, timeoutMs: 10_000 });
  const runStartedAtMs = Date.now();
  const setupTarget = { http, mysqlUrl: serviceMysqlUrl(options.connections.mysqlUrl, profile), cwd: profileFolder(loaded) };
  try {
    let fixture: Fixture;
    try {
      fixture = await createFixture(profile, setupTarget, { seats: 2, users: 3, name: 'profile check' });
      rows.push({ item: 'setup', result: 'ok', detail: `schedule ${fixture.scheduleId}, seats ${fixture.seatNos.join(', ')}, users ${fixture.userIds.join(', ')}` });
    } catch (err) {
      rows.push({ item: 'setup', result: 'fail', detail: describeError(err) });
      return rows;
    }
    // The queue operations get a schedule with a waiting queue of their own.
    const queued = QUEUE_OPERATIONS.some((name) => profile.operations[name] !== undefined)
      ? await createFixture(profile, setupTarget, { seats: 1, users: 1, name: 'profile check queue', queue: { capacity: 1, passTtlMs: 30_000, advanceMs: 100 } }).catch((err: unknown) => {
          rows.push({ item: 'setup (with a queue)', result: 'fail', detail: describeError(err) });
          return undefined;
        })
      : undefined;
    const database = serviceDatabase(options.connections.mysqlUrl, profile);
    const probeQueue = async (scheduleId: number) => rows.push(await probeQueueKeys(profile.stores.redis?.queue, options.connections.redisUrl, scheduleId, database));
    const reservationId = await probeOperations(new TargetOps(profile), http, fixture, queued, rows, probeQueue);
    await probeStores(loaded, options, fixture, runStartedAtMs, rows, reservationId, driven.running !== undefined);
    return rows;
  } finally {
    await http.close();
    await driven.running?.stop();
  }
}

const QUEUE_OPERATIONS: readonly OperationName[] = ['queueEnter', 'queueStatus', 'queueLeave'];

/** Performs each declared operation once; returns the reservation it held (and paid), if any. */
async function probeOperations(target: TargetOps, http: TargetHttpClient, fixture: Fixture, queued: Fixture | undefined, rows: ProbeRow[], probeQueue: (scheduleId: number) => Promise<unknown>): Promise<Id | undefined> {
  let last: HttpResponse | undefined;
  // A view of the client that keeps the last answer, to show what a failed operation got.
  const recording = Object.create(http) as TargetHttpClient;
  recording.request = async (...args) => (last = await http.request(...args));
  const vu = new VuContext(1, recording, new History(), performance.now());
  const [holder, charger] = [fixture.userIds[0]!, fixture.userIds[1]!];
  const report = (name: OperationName, outcome: OpResult | undefined, why?: string) => {
    if (!target.has(name)) rows.push({ item: `operations.${name}`, result: 'skipped', detail: 'not declared' });
    else if (outcome === undefined) rows.push({ item: `operations.${name}`, result: 'skipped', detail: why ?? '' });
    else if (outcome.type === 'ok') rows.push({ item: `operations.${name}`, result: 'ok', detail: JSON.stringify(outcome.result ?? {}) });
    else rows.push({ item: `operations.${name}`, result: 'fail', detail: `${outcome.type}: ${outcome.error ?? ''} ${JSON.stringify(outcome.result ?? {})}; answer: ${last ? `HTTP ${last.status} ${evidence(last)}` : 'none'}` });
    last = undefined;
  };
  const run = async (name: OperationName, perform: () => Promise<OpResult>) => (target.has(name) ? perform() : undefined);

  const hold = await run('hold', () => target.hold(vu, { scheduleId: fixture.scheduleId, seatNo: fixture.seatNos[0]!, userId: holder }));
  report('hold', hold);
  const reservationId = hold?.type === 'ok' ? (hold.result!['reservationId'] as Id) : undefined;
  const pay = reservationId === undefined ? undefined : await run('pay', () => target.pay(vu, reservationId, holder));
  report('pay', pay, 'needs a successful hold');
  report('charge', await run('charge', () => target.charge(vu, { userId: charger, amount: 1, idempotencyKey: `profile-check-${randomUUID()}` })));
  report('balance', await run('balance', () => target.readWallet(vu, charger)));
  report('seatMap', await run('seatMap', () => target.seatMap(vu, fixture.scheduleId, fixture.seatNos.length)));
  report('scheduleList', await run('scheduleList', () => target.scheduleList(vu, fixture.scheduleId, fixture.concertId)));
  report('concertList', await run('concertList', () => target.concertList(vu)));
  const queueUser = queued && { scheduleId: queued.scheduleId, userId: queued.userIds[0]! };
  const noQueue = 'needs the schedule with a queue (setup failed)';
  report('queueEnter', queueUser && (await run('queueEnter', () => target.enterQueue(vu, queueUser))), noQueue);
  report('queueStatus', queueUser && (await run('queueStatus', () => target.queueStatus(vu, queueUser))), noQueue);
  // While the user is in line or holds a pass, the queue's keys must show it.
  if (queueUser) await probeQueue(queueUser.scheduleId);
  report('queueLeave', queueUser && (await run('queueLeave', () => target.leaveQueue(vu, queueUser))), noQueue);
  // Every name is reported once, in the schema's order of declaration.
  rows.sort((a, b) => order(a.item) - order(b.item));
  return pay?.type === 'ok' ? reservationId : undefined;
}

function order(item: string): number {
  const i = OPERATION_NAMES.indexOf(item.replace('operations.', '') as OperationName);
  return item === 'setup' ? -1 : i === -1 ? 100 : i;
}

/**
 * Reads the profile's queue keys for a schedule one user just entered: both must be sorted sets
 * (or absent), and at least one must hold someone.
 */
async function probeQueueKeys(spec: NonNullable<TargetProfile['stores']['redis']>['queue'], redisUrl: string, scheduleId: number, database: string): Promise<ProbeRow> {
  const item = 'redis.queue';
  if (spec === undefined) return { item, result: 'skipped', detail: 'not declared: queue-ttl cannot run on this profile' };
  const { waiting, passes: active } = queueKeysOf(spec, scheduleId, database);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false });
  try {
    const [typeW, typeA] = await Promise.all([redis.type(waiting), redis.type(active)]);
    const wrong = ([[waiting, typeW], [active, typeA]] as const).filter(([, type]) => type !== 'zset' && type !== 'none');
    if (wrong.length > 0) return { item, result: 'fail', detail: wrong.map(([key, type]) => `${key} is a ${type}, not a sorted set`).join('; ') };
    const [inLine, inForce] = await Promise.all([redis.zcard(waiting), redis.zcard(active)]);
    if (inLine + inForce === 0) return { item, result: 'fail', detail: `neither ${waiting} nor ${active} holds anyone right after a user entered the queue: check the key templates` };
    return { item, result: 'ok', detail: `${waiting}: ${inLine} waiting; ${active}: ${inForce} pass(es) in force` };
  } catch (err) {
    return { item, result: 'fail', detail: describeError(err) };
  } finally {
    redis.disconnect();
  }
}

/** Runs each declared query once, then the Redis and Kafka checks on what the probe did. */
async function probeStores(loaded: LoadedProfile, options: ProfileCheckOptions, fixture: Fixture, runStartedAtMs: number, rows: ProbeRow[], paid: Id | undefined, started: boolean): Promise<void> {
  const { profile } = loaded;
  const database = serviceDatabase(options.connections.mysqlUrl, profile);
  const scope: CheckScope = {
    scheduleIds: [fixture.scheduleId],
    seatCount: fixture.seatNos.length,
    runStartedAtMs,
    lockTtlMs: profile.timings?.lockTtlMs ?? BUNDLED_TARGET_SETTINGS.lockTtlMs,
    ...kafkaScopeOf(profile, database, started),
    settleTimeoutMs: options.settleTimeoutMs ?? 10_000,
    wallets: { userIds: fixture.userIds, initialPoints: fixture.points ?? 0 },
  };
  const stores = openStores(options.connections, profile);
  try {
    for (const name of Object.keys(CANONICAL_QUERIES) as CanonicalQueryName[]) {
      const item = `queries.${name}`;
      if (profile.stores.mysql?.queries[name] === undefined) {
        rows.push({ item, result: 'skipped', detail: 'not declared: the checks that need it are skipped' });
        continue;
      }
      try {
        const found = await canonicalRows(stores, scope, name);
        rows.push({ item, result: 'ok', detail: `${found.length} row(s)${found[0] ? `, e.g. ${JSON.stringify(found[0])}` : ''}` });
      } catch (err) {
        rows.push({ item, result: 'fail', detail: describeError(err) });
      }
    }
    for (const [item, checker, declared] of [
      ['redis.seatLockKey', orphanLocksChecker, profile.stores.redis?.seatLockKey !== undefined],
      ['kafka', kafkaEventsChecker, profile.stores.kafka !== undefined],
    ] as const) {
      if (!declared) {
        rows.push({ item, result: 'skipped', detail: 'not declared: the checks that need it are skipped' });
        continue;
      }
      try {
        const result = checker.check(new History(), (await checker.collect(stores, scope, new History())) as never, scope);
        const note = item === 'kafka' && paid === undefined ? ' (no payment was made, so no event was expected)' : '';
        rows.push({ item, result: result.verdict === 'pass' ? 'ok' : 'fail', detail: `${result.summary}${note}` });
      } catch (err) {
        rows.push({ item, result: 'fail', detail: describeError(err) });
      }
    }
  } finally {
    await stores.close();
  }
}
