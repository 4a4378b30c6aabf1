/**
 * The seam between the wallet operations (charge, payment) and the concurrency-control designs
 * that serialise them per user. One file per strategy, registered by name in `index.ts`, as the
 * seat-hold strategies are (`../hold-strategies/`). Idempotency and the ledger are the same for
 * every strategy (`../wallet.ts`); only how the balance row is read and written differs.
 * Sources: seed 000 (Redisson `userWalletLock:{userId}` for point charge and payment), seed 002
 * (pessimistic lock for points), Jepsen's bank test (what must hold afterwards).
 */
import type { Pool, PoolConnection } from '../db.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { Redis } from '../redis.ts';
import type { StrategyRegistration } from '../strategy-registry.ts';

/** A wallet row as a strategy read it. `balance` in points. */
export interface WalletState {
  readonly balance: number;
  readonly version: number;
}

/** One change of a balance, decided inside the strategy's transaction. */
export interface WalletChange<T> {
  /** Signed points added to the balance: > 0 for a charge, < 0 for a payment. */
  readonly delta: number;
  /**
   * Runs in the same transaction once the new balance is written: inserts the ledger row and
   * whatever else belongs to the operation (the payment, the confirmation). A throw rolls back
   * the balance update with everything else.
   * @param balanceAfter the balance just written, points
   */
  write(conn: PoolConnection, balanceAfter: number): Promise<T>;
}

/**
 * The operation-specific part of a wallet change, called first inside the strategy's transaction
 * (e.g. a payment locks and checks its reservation and finds the seat price there). A strategy
 * that retries (optimistic) calls it again in each new transaction.
 */
export type WalletWork<T> = (conn: PoolConnection) => Promise<WalletChange<T>>;

/** A way of applying balance changes of one user without losing an update. */
export interface WalletStrategy {
  /** Registry name, e.g. `pessimistic` (the `TARGET_WALLET_STRATEGY` value). */
  readonly name: string;
  /**
   * Applies one change to the user's wallet in one transaction: `work(conn)`, then the balance is
   * read and written this strategy's way, then `change.write(conn, balanceAfter)`; commit.
   * @param userId owner of the wallet
   * @throws HttpError 404 WALLET_NOT_FOUND (no wallet row), 402 INSUFFICIENT_FUNDS (the balance
   *   would go below 0; nothing changed), 409 WALLET_BUSY (lock not obtained in time, deadlock),
   *   409 WALLET_CONFLICT (optimistic retries exhausted), 409 WALLET_LOCK_LOST (redis-lock: the
   *   lease ran out and another writer got in first); whatever `work` or `write` throws, with
   *   everything rolled back.
   */
  apply<T>(userId: number, work: WalletWork<T>): Promise<T>;
}

/** What a wallet strategy may use. Durations in milliseconds. */
export interface WalletStrategyDeps {
  readonly pool: Pool;
  readonly redis: Redis;
  readonly log: Logger;
  /** `redis-lock`: lease of `userWalletLock:{userId}` (`TARGET_WALLET_LOCK_TTL_MS`). */
  readonly lockTtlMs: number;
  /** `redis-lock`: longest wait to take the lock (`TARGET_WALLET_LOCK_WAIT_MS`). */
  readonly lockWaitMs: number;
  /** `optimistic`: retries after a lost version check (`TARGET_WALLET_OPTIMISTIC_RETRIES`). */
  readonly optimisticRetries: number;
  /** `optimistic`: base of the full-jitter backoff between retries (`TARGET_OPTIMISTIC_BACKOFF_MS`). */
  readonly optimisticBackoffMs: number;
  /** Lock waits and retries go here; absent in unit tests that need none. */
  readonly metrics?: Metrics;
}

/** Builds a wallet strategy from its dependencies. */
export type WalletStrategyFactory = (deps: WalletStrategyDeps) => WalletStrategy;

/** A registry entry: how to build the strategy and whether it is meant to be safe (see strategy-registry.ts). */
export type WalletStrategyRegistration = StrategyRegistration<WalletStrategyDeps, WalletStrategy>;
