/**
 * The checker contract: `collect` reads a snapshot from the datastores (the only I/O), `check`
 * is a pure function of (history, snapshot, scope) and can be unit-tested with hand-written
 * inputs. `runCheckers` turns a checker that throws into an `unknown` verdict, never a crash.
 * Source: Jepsen's Checker protocol (`jepsen.checker/check`), ../shared/notes/anchors.md.
 */
import type { Pool } from 'mysql2/promise';
import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import { describeError } from '../errors.ts';
import type { History } from '../engine/history.ts';
import type { StoresSpec } from '../profile/schema.ts';
import { CheckSkipped, type CheckResult } from './types.ts';

/** What a run's checks look at: which data is this run's, and the target's settings that matter. */
export interface CheckScope {
  /** Schedules this run created; all rows and events checked are filtered by them. */
  readonly scheduleIds: readonly number[];
  /** Seats in those schedules. */
  readonly seatCount: number;
  /** Wall-clock start of the load phase, epoch ms (to seek Kafka by timestamp). */
  readonly runStartedAtMs: number;
  /** The target's seat-lock lease, ms: a lock may outlive its request by at most this. */
  readonly lockTtlMs: number;
  /** The target's hold lifetime, ms (the hold-expiry checks judge against it; absent: not known). */
  readonly holdTtlMs?: number;
  /** How often the target sweeps expired holds, ms (absent: not known). */
  readonly expirySweepMs?: number;
  /** Kafka consumer group of the target's idempotent consumer (the profile's `stores.kafka.consumerGroup`). */
  readonly consumerGroup: string;
  /**
   * The `source` header of this target's events, when it sets one: several services (other runs,
   * tests, databases) may publish to the same topic with colliding ids; events of other sources
   * are ignored. Undefined: every event of the run's schedules counts.
   */
  readonly eventSource?: string;
  /** How long to wait for the outbox and consumer to catch up, ms. */
  readonly settleTimeoutMs: number;
  /** Wallet scenarios: the users whose wallets this run exercises; wallet checks read only theirs. */
  readonly wallets?: WalletScope;
  /** Queue scenarios: the schedule whose waiting queue this run drove, its settings and keys. */
  readonly queue?: QueueScope;
}

/** Which wallets a wallet scenario exercises and what they started with. */
export interface WalletScope {
  /** Users created for this run (each with a fresh wallet); numbers or strings, as the service has them. */
  readonly userIds: readonly (number | string)[];
  /** Points every one of them started with (the fixture's INITIAL ledger row). */
  readonly initialPoints: number;
}

/** Which waiting queue a queue scenario drove and how it was configured. */
export interface QueueScope {
  readonly scheduleId: number;
  /** Users the run created (each entered once). */
  readonly userIds: readonly (number | string)[];
  /** Most passes active at once. */
  readonly capacity: number;
  /** Pass lifetime, ms. */
  readonly passTtlMs: number;
  /** Advance interval, ms. */
  readonly advanceMs: number;
  /**
   * Timer slack allowed on top of one advance interval before an expired pass must be gone, ms
   * (an advancement fires a little after its slot starts on a busy machine).
   */
  readonly slackMs: number;
  /**
   * The queue's Redis keys: `waiting` (sorted set of users in line) and `passes` (sorted set of
   * passes in force, scored by expiry epoch ms; members are user ids or pass tokens); and, when the
   * service has them (the bundled target: target-service/src/waiting-queue.ts), its per-user pass
   * key prefix and event log. A service without a log is judged from the client's history and the
   * Redis samples alone.
   */
  readonly keys: {
    readonly waiting: string;
    readonly passes: string;
    readonly passPrefix?: string;
    readonly log?: string;
  };
}

/** Connections checkers read from, and the profile saying what to read; opened once for all checks of a run. */
export interface StoreClients {
  /** A pool on the service's database. */
  readonly mysql: Pool;
  readonly redis: Redis;
  readonly kafka: Kafka;
  /** The profile's stores: canonical queries, Redis keys, Kafka topic (src/profile/schema.ts). */
  readonly profile: StoresSpec;
  /** The profile's name, for skip reasons. */
  readonly profileName: string;
  /**
   * Row sets already read in this check phase, by canonical query name (see canonicalRows);
   * runCheckers gives its checkers one. Absent (a checker's collect called alone): every read goes
   * to the database.
   */
  readonly rowCache?: Map<string, readonly Record<string, unknown>[]>;
}

/** One check: a snapshot reader and a pure verdict function. */
export interface Checker<S = unknown> {
  readonly id: string;
  readonly title: string;
  /** Reads what the check needs from the stores (may wait a bounded time for them to settle). */
  collect(stores: StoreClients, scope: CheckScope, history: History): Promise<S>;
  /** Pure: the verdict from the history and the snapshot. */
  check(history: History, snapshot: S, scope: CheckScope): CheckResult;
}

/** Defines a checker with its snapshot type inferred. */
export function defineChecker<S>(checker: Checker<S>): Checker<S> {
  return checker;
}

/**
 * A family of checkers that read one snapshot and one part of the scope (the queue's checkers,
 * the wallets'): the reader and the scope part are wired once, each member gives its id, title
 * and verdict function.
 * @param part picks the scope part the family judges; may throw when the run has none (then the
 *   member's verdict is `unknown` with that message, as for any checker that throws)
 */
export function checkerFamily<S, P>(
  collect: Checker<S>['collect'],
  part: (scope: CheckScope) => P,
): (id: string, title: string, check: (history: History, snapshot: S, part: P, scope: CheckScope) => CheckResult) => Checker<S> {
  return (id, title, check) => defineChecker<S>({ id, title, collect, check: (history, snapshot, scope) => check(history, snapshot, part(scope), scope) });
}

/**
 * Runs checkers one after another, as one check phase (they share what they read: see
 * canonicalRows); `onResult` gets each result as it is known.
 * A checker whose collect or check throws yields `unknown` with the error as its summary, or
 * `skipped` when it threw CheckSkipped (the profile lacks its inputs).
 */
export async function runCheckers(
  checkers: readonly Checker<any>[],
  stores: StoreClients,
  scope: CheckScope,
  history: History,
  onResult?: (result: CheckResult) => void,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  // One check phase: its checkers share the row sets they read (canonicalRows).
  const phase: StoreClients = stores.rowCache === undefined ? { ...stores, rowCache: new Map() } : stores;
  for (const checker of checkers) {
    let result: CheckResult;
    try {
      const snapshot = await checker.collect(phase, scope, history);
      result = checker.check(history, snapshot, scope);
    } catch (err) {
      result =
        err instanceof CheckSkipped
          ? { id: checker.id, title: checker.title, verdict: 'skipped', summary: `skipped: ${err.message}`, counts: {}, evidence: [], evidenceTotal: 0 }
          : { id: checker.id, title: checker.title, verdict: 'unknown', summary: `could not check: ${describeError(err)}`, counts: {}, evidence: [], evidenceTotal: 0 };
    }
    results.push(result);
    onResult?.(result);
  }
  return results;
}
