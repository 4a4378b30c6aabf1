/**
 * Settings of the target service, read from the environment and validated with zod.
 * Every problem is reported in one sentence naming the variable, so `main.ts` can print it as
 * its single startup-failure line.
 */
import { z } from 'zod';
import { CONSUMER_FAULTS, type ConsumerFault } from './confirmed-consumer.ts';
import { EXPIRY_FAULTS, type ExpiryFault } from './hold-expiry.ts';
import { HOLD_FAULTS, type HoldFault } from './hold-strategies/types.ts';
import { QUEUE_FAULTS, type QueueFault } from './queue/waiting-queue.ts';
import { consumerGroupFor } from '../../contract/bundled-target.ts';

/** Validated settings of one service instance. Durations in milliseconds. */
export interface TargetSettings {
  /** HTTP port; 0 = any free port. */
  readonly port: number;
  /**
   * Address the HTTP server binds, `127.0.0.1` by default. A Prometheus in Docker on Linux reaches
   * the host through the bridge, so scraping it needs e.g. `0.0.0.0` or the docker0 address.
   */
  readonly host: string;
  /** `mysql://user:pass@host:port/database` (MySQL 8 or MariaDB 10.11). */
  readonly mysqlUrl: string;
  /** `redis://host:port`. */
  readonly redisUrl: string;
  /** Kafka bootstrap brokers, `host:port` each. */
  readonly kafkaBrokers: readonly string[];
  /** How long a hold lasts before the expiry sweep frees the seat, ms. */
  readonly holdTtlMs: number;
  /** Lease of the Redis seat lock (`PX`), ms. */
  readonly lockTtlMs: number;
  /** Hold-expiry sweep interval, ms. */
  readonly expirySweepMs: number;
  /** Outbox relay poll interval, ms. */
  readonly outboxPollMs: number;
  /** mysql2 pool size (connections). */
  readonly dbPoolSize: number;
  /** Kafka consumer group of the idempotent consumer. */
  readonly consumerGroup: string;
  /** Name of the seat-hold strategy (see `hold-strategies/index.ts`). */
  readonly strategy: string;
  /** `optimistic` strategy: retries after a lost version check before 409 SEAT_CONFLICT. */
  readonly optimisticRetries: number;
  /** `optimistic` strategy: base of the full-jitter backoff between retries, ms. */
  readonly optimisticBackoffMs: number;
  /** Name of the wallet strategy (see `wallet-strategies/index.ts`). */
  readonly walletStrategy: string;
  /**
   * `redis-lock` wallet strategy: lease of `userWalletLock:{userId}` (`PX`), ms. Kept below the
   * client's request timeout (ticketbench's default 10 s), so a holder that died frees the wallet
   * before its callers give up.
   */
  readonly walletLockTtlMs: number;
  /** `redis-lock` wallet strategy: longest wait to take the user's lock before 409 WALLET_BUSY, ms. */
  readonly walletLockWaitMs: number;
  /** `optimistic` wallet strategy: retries after a lost version check before 409 WALLET_CONFLICT. */
  readonly walletOptimisticRetries: number;
  /**
   * TEST ONLY: a deliberately broken queue advancement (`over-admit`, `skip-expiry`, `lifo`) so
   * tests can prove the queue checks catch it; `none` (the default) is the real one. The
   * ticketbench CLI never sets it.
   */
  readonly queueFault: QueueFault;
  /**
   * TEST ONLY: a deliberately broken seat hold. `early-release`: the `redis-lock` and
   * `redis-stock` strategies give the seat lock back right after taking it, before reading the
   * seat and writing the hold, so two users can hold one seat at once (the guard still refuses
   * the second payment). `none` (the default) is the real one; the ticketbench CLI never sets it.
   */
  readonly holdFault: HoldFault;
  /**
   * TEST ONLY: a deliberately broken hold expiry (`late`, `expire-paid`, `pay-after-expiry`; see
   * EXPIRY_FAULTS in hold-expiry.ts); `none` (the default) is the real one. The CLI never sets it.
   */
  readonly expiryFault: ExpiryFault;
  /** Read cache of the read endpoints: `off` (every read from MySQL) or `on` (Redis cache-aside). */
  readonly cache: 'off' | 'on';
  /** Longest life of a cached read answer, ms (counted from the start of its database read). */
  readonly cacheTtlMs: number;
  /**
   * Test-only fault of the read cache (`TARGET_CACHE_FAULT=stale`, never set by ticketbench's CLI):
   * no invalidation and 60 s answers, so the staleness check has something to catch.
   */
  readonly cacheFault: 'none' | 'stale';
  /**
   * TEST ONLY: a deliberately broken consumer (`no-dedup`: a redelivered event bumps `sold_count`
   * again although its dedup row exists), so tests prove `kill-consumer` plus the kafka-events
   * check catch a consumer that is not idempotent. `none` (the default) is the real one; the CLI
   * never sets it.
   */
  readonly consumerFault: ConsumerFault;
}

/** The environment variable behind each setting. */
export const TARGET_ENV = {
  port: 'TARGET_PORT',
  host: 'TARGET_HOST',
  mysqlUrl: 'TICKETBENCH_MYSQL_URL',
  redisUrl: 'TICKETBENCH_REDIS_URL',
  kafkaBrokers: 'TICKETBENCH_KAFKA_BROKERS',
  holdTtlMs: 'TARGET_HOLD_TTL_MS',
  lockTtlMs: 'TARGET_LOCK_TTL_MS',
  expirySweepMs: 'TARGET_EXPIRY_SWEEP_MS',
  outboxPollMs: 'TARGET_OUTBOX_POLL_MS',
  dbPoolSize: 'TARGET_DB_POOL_SIZE',
  consumerGroup: 'TARGET_CONSUMER_GROUP',
  strategy: 'TARGET_STRATEGY',
  optimisticRetries: 'TARGET_OPTIMISTIC_RETRIES',
  optimisticBackoffMs: 'TARGET_OPTIMISTIC_BACKOFF_MS',
  walletStrategy: 'TARGET_WALLET_STRATEGY',
  walletLockTtlMs: 'TARGET_WALLET_LOCK_TTL_MS',
  walletLockWaitMs: 'TARGET_WALLET_LOCK_WAIT_MS',
  walletOptimisticRetries: 'TARGET_WALLET_OPTIMISTIC_RETRIES',
  queueFault: 'TARGET_QUEUE_FAULT',
  holdFault: 'TARGET_HOLD_FAULT',
  expiryFault: 'TARGET_EXPIRY_FAULT',
  cache: 'TARGET_CACHE',
  cacheTtlMs: 'TARGET_CACHE_TTL_MS',
  cacheFault: 'TARGET_CACHE_FAULT',
  consumerFault: 'TARGET_CONSUMER_FAULT',
} as const satisfies Record<keyof TargetSettings, string>;

/** Defaults, as documented in docs/target-service.md. */
export const TARGET_DEFAULTS: TargetSettings = {
  port: 8080,
  host: '127.0.0.1',
  mysqlUrl: 'mysql://root@127.0.0.1:3306/ticketbench',
  redisUrl: 'redis://127.0.0.1:6379',
  kafkaBrokers: ['127.0.0.1:9092'],
  holdTtlMs: 300_000,
  lockTtlMs: 5_000,
  expirySweepMs: 1_000,
  outboxPollMs: 100,
  dbPoolSize: 20,
  consumerGroup: consumerGroupFor('mysql://root@127.0.0.1:3306/ticketbench'),
  strategy: 'redis-lock',
  optimisticRetries: 3,
  optimisticBackoffMs: 5,
  walletStrategy: 'pessimistic',
  walletLockTtlMs: 3_000,
  walletLockWaitMs: 2_000,
  walletOptimisticRetries: 10,
  queueFault: 'none',
  holdFault: 'none',
  expiryFault: 'none',
  cache: 'off',
  cacheTtlMs: 1_000,
  cacheFault: 'none',
  consumerFault: 'none',
};

/** A setting that does not validate; the message names the environment variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const intText = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const urlText = (schemes: readonly string[]) =>
  z.string().trim().refine((text) => {
    try {
      return schemes.includes(new URL(text).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${schemes.map((s) => `${s}//`).join(' or ')}`);

const brokersText = z
  .string()
  .transform((text) => text.split(',').map((b) => b.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[^\s:/]+:\d{1,5}$/, 'entries must be host:port')).min(1, 'must name at least one host:port'));

const mysqlUrlText = urlText(['mysql:', 'mariadb:']).refine((text) => {
  try {
    return new URL(text).pathname.replace(/^\//, '') !== '';
  } catch {
    return false;
  }
}, 'must name a database, e.g. mysql://root@127.0.0.1:3306/ticketbench');

const envSchema = z.object({
  [TARGET_ENV.port]: intText(0, 65_535).optional(),
  [TARGET_ENV.host]: z.string().trim().pipe(z.union([z.ipv4(), z.ipv6()], 'must be an IPv4 or IPv6 address, e.g. 127.0.0.1 or 0.0.0.0')).optional(),
  [TARGET_ENV.mysqlUrl]: mysqlUrlText.optional(),
  [TARGET_ENV.redisUrl]: urlText(['redis:', 'rediss:']).optional(),
  [TARGET_ENV.kafkaBrokers]: brokersText.optional(),
  [TARGET_ENV.holdTtlMs]: intText(1, 7 * 24 * 3_600_000).optional(),
  [TARGET_ENV.lockTtlMs]: intText(1, 3_600_000).optional(),
  [TARGET_ENV.expirySweepMs]: intText(1, 3_600_000).optional(),
  [TARGET_ENV.outboxPollMs]: intText(1, 3_600_000).optional(),
  [TARGET_ENV.dbPoolSize]: intText(1, 1_000).optional(),
  [TARGET_ENV.consumerGroup]: z.string().trim().min(1, 'must not be empty').max(128, 'must be at most 128 characters').optional(),
  [TARGET_ENV.strategy]: z.string().trim().min(1, 'must not be empty').optional(),
  [TARGET_ENV.optimisticRetries]: intText(0, 100).optional(),
  [TARGET_ENV.optimisticBackoffMs]: intText(0, 10_000).optional(),
  [TARGET_ENV.walletStrategy]: z.string().trim().min(1, 'must not be empty').optional(),
  [TARGET_ENV.walletLockTtlMs]: intText(1, 3_600_000).optional(),
  [TARGET_ENV.walletLockWaitMs]: intText(0, 3_600_000).optional(),
  [TARGET_ENV.walletOptimisticRetries]: intText(0, 100).optional(),
  [TARGET_ENV.queueFault]: z.enum(QUEUE_FAULTS, `must be one of ${QUEUE_FAULTS.join(', ')}`).optional(),
  [TARGET_ENV.holdFault]: z.enum(HOLD_FAULTS, `must be one of ${HOLD_FAULTS.join(', ')}`).optional(),
  [TARGET_ENV.expiryFault]: z.enum(EXPIRY_FAULTS, `must be one of ${EXPIRY_FAULTS.join(', ')}`).optional(),
  [TARGET_ENV.cache]: z.enum(['off', 'on'], 'must be off or on').optional(),
  [TARGET_ENV.cacheTtlMs]: intText(1, 3_600_000).optional(),
  [TARGET_ENV.cacheFault]: z.enum(['none', 'stale'], 'must be none or stale').optional(),
  [TARGET_ENV.consumerFault]: z.enum(CONSUMER_FAULTS, `must be one of ${CONSUMER_FAULTS.join(', ')}`).optional(),
});

/**
 * Reads the settings from an environment (unset or empty variables take the defaults).
 * Does not check the strategy names; `createHoldStrategy` and `createWalletStrategy` do that at
 * startup.
 * @param env usually `process.env`.
 * @throws ConfigError listing every bad variable, e.g. `TARGET_PORT must be at most 65535`.
 */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): TargetSettings {
  const present: Record<string, string> = {};
  for (const name of Object.values(TARGET_ENV)) {
    const value = env[name];
    // An empty variable means "not set", as in shells where `VAR= cmd` clears it.
    if (value !== undefined && value.trim() !== '') present[name] = value;
  }
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new ConfigError(`Invalid environment: ${problems.join('; ')}.`);
  }
  const v = parsed.data;
  return {
    port: v[TARGET_ENV.port] ?? TARGET_DEFAULTS.port,
    host: v[TARGET_ENV.host] ?? TARGET_DEFAULTS.host,
    mysqlUrl: v[TARGET_ENV.mysqlUrl] ?? TARGET_DEFAULTS.mysqlUrl,
    redisUrl: v[TARGET_ENV.redisUrl] ?? TARGET_DEFAULTS.redisUrl,
    kafkaBrokers: v[TARGET_ENV.kafkaBrokers] ?? TARGET_DEFAULTS.kafkaBrokers,
    holdTtlMs: v[TARGET_ENV.holdTtlMs] ?? TARGET_DEFAULTS.holdTtlMs,
    lockTtlMs: v[TARGET_ENV.lockTtlMs] ?? TARGET_DEFAULTS.lockTtlMs,
    expirySweepMs: v[TARGET_ENV.expirySweepMs] ?? TARGET_DEFAULTS.expirySweepMs,
    outboxPollMs: v[TARGET_ENV.outboxPollMs] ?? TARGET_DEFAULTS.outboxPollMs,
    dbPoolSize: v[TARGET_ENV.dbPoolSize] ?? TARGET_DEFAULTS.dbPoolSize,
    consumerGroup: v[TARGET_ENV.consumerGroup] ?? consumerGroupFor(v[TARGET_ENV.mysqlUrl] ?? TARGET_DEFAULTS.mysqlUrl),
    strategy: v[TARGET_ENV.strategy] ?? TARGET_DEFAULTS.strategy,
    optimisticRetries: v[TARGET_ENV.optimisticRetries] ?? TARGET_DEFAULTS.optimisticRetries,
    optimisticBackoffMs: v[TARGET_ENV.optimisticBackoffMs] ?? TARGET_DEFAULTS.optimisticBackoffMs,
    walletStrategy: v[TARGET_ENV.walletStrategy] ?? TARGET_DEFAULTS.walletStrategy,
    walletLockTtlMs: v[TARGET_ENV.walletLockTtlMs] ?? TARGET_DEFAULTS.walletLockTtlMs,
    walletLockWaitMs: v[TARGET_ENV.walletLockWaitMs] ?? TARGET_DEFAULTS.walletLockWaitMs,
    walletOptimisticRetries: v[TARGET_ENV.walletOptimisticRetries] ?? TARGET_DEFAULTS.walletOptimisticRetries,
    queueFault: v[TARGET_ENV.queueFault] ?? TARGET_DEFAULTS.queueFault,
    holdFault: v[TARGET_ENV.holdFault] ?? TARGET_DEFAULTS.holdFault,
    expiryFault: v[TARGET_ENV.expiryFault] ?? TARGET_DEFAULTS.expiryFault,
    cache: v[TARGET_ENV.cache] ?? TARGET_DEFAULTS.cache,
    cacheTtlMs: v[TARGET_ENV.cacheTtlMs] ?? TARGET_DEFAULTS.cacheTtlMs,
    cacheFault: v[TARGET_ENV.cacheFault] ?? TARGET_DEFAULTS.cacheFault,
    consumerFault: v[TARGET_ENV.consumerFault] ?? TARGET_DEFAULTS.consumerFault,
  };
}

// How the target names its consumer group and event source per database is part of the contract
// the toolkit's checks read too.
export { consumerGroupFor, databaseOf, eventSourceFor } from '../../contract/bundled-target.ts';
