/**
 * What ticketbench and its bundled target service (`target-service/`) agree on, in one small
 * module with no imports that both sides read: the toolkit never imports the target's code, and
 * the target's registries and settings are built from these. The strategy tables say which
 * strategies exist and which are unsafe on purpose (they exist to show that the checks catch a
 * race); the naming functions say how the target names its Kafka consumer group and event source
 * for a given database, which the checks need to find this run's events.
 */

/** The seat-hold strategies (`TARGET_STRATEGY`), each with whether it is safe. */
export const HOLD_STRATEGY_SAFETY = {
  none: false,
  optimistic: true,
  pessimistic: true,
  'redis-lock': true,
  'redis-stock': true,
} as const satisfies Readonly<Record<string, boolean>>;

/** A seat-hold strategy's name. */
export type HoldStrategyName = keyof typeof HOLD_STRATEGY_SAFETY;

/** The wallet strategies (`TARGET_WALLET_STRATEGY`), each with whether it is safe. */
export const WALLET_STRATEGY_SAFETY = {
  none: false,
  optimistic: true,
  pessimistic: true,
  'redis-lock': true,
} as const satisfies Readonly<Record<string, boolean>>;

/** A wallet strategy's name. */
export type WalletStrategyName = keyof typeof WALLET_STRATEGY_SAFETY;

/** The seat-hold strategy when none is chosen (seed 001's Redis lock). */
export const DEFAULT_HOLD_STRATEGY: HoldStrategyName = 'redis-lock';

/** The wallet strategy when none is chosen (seed 002's pessimistic lock for points). */
export const DEFAULT_WALLET_STRATEGY: WalletStrategyName = 'pessimistic';

/** The largest charge `POST /api/users/:id/wallet/charge` accepts, points. */
export const MAX_CHARGE_POINTS = 10_000_000;

/** The database named by a MySQL URL (`default` when it names none). */
export function databaseOf(mysqlUrl: string): string {
  try {
    return decodeURIComponent(new URL(mysqlUrl).pathname.replace(/^\//, '')) || 'default';
  } catch {
    return 'default';
  }
}

/**
 * The default consumer group of a target instance: one group per database, so instances of the
 * same service share the partitions while services on other databases (other runs, tests)
 * sharing the broker never take partitions from it.
 */
export function consumerGroupFor(mysqlUrl: string): string {
  return `ticketbench-target.${databaseOf(mysqlUrl)}`;
}

/**
 * The `source` header the outbox relay puts on every event (CloudEvents' `source` attribute):
 * which service database the event came from, since several may publish to one topic.
 */
export function eventSourceFor(mysqlUrl: string): string {
  return `ticketbench-target/${databaseOf(mysqlUrl)}`;
}

/** A test-only request from the forking parent over IPC (see `RunningTarget.testHook` in ticketbench). */
export interface TestHookMessage {
  readonly type: 'test-hook';
  readonly id: number;
  readonly action: 'crash-consumer' | 'restart-consumer';
}

/** The answer to a TestHookMessage: what happened, in one line. */
export interface TestHookResult {
  readonly type: 'test-hook-result';
  readonly id: number;
  readonly ok: boolean;
  readonly detail: string;
}
