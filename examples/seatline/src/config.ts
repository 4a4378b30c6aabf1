/**
 * The service's settings, read once from `SEATLINE_*` environment variables.
 */
import { parseFault, type Fault } from './faults.ts';

/** Everything the service is configured with; durations are milliseconds. */
export interface Config {
  /** HTTP port; 0 lets the OS pick a free one. */
  readonly port: number;
  /** `mysql://user:pass@host:port/database`; the database is created if missing. */
  readonly mysqlUrl: string;
  /** `redis://host:port[/db]`. */
  readonly redisUrl: string;
  /** Kafka bootstrap brokers, `host:port` each. */
  readonly kafkaBrokers: readonly string[];
  /** How long a hold keeps its seat before it may be swept to EXPIRED. */
  readonly holdTtlMs: number;
  /** Expiry of the Redis seat lock taken around a hold's transaction. */
  readonly lockTtlMs: number;
  /** Users admitted (ACTIVE) at once per queue-enabled performance. */
  readonly queueCapacity: number;
  /** How long an admitted user's queue token stays valid. */
  readonly queueTokenTtlMs: number;
  /** How often the waiting rooms advance (expired tokens out, waiting users in). */
  readonly queueAdvanceMs: number;
  /** The broken variant to run, `none` for the correct service. */
  readonly fault: Fault;
}

/** Defaults of every optional setting. */
export const CONFIG_DEFAULTS = {
  mysqlUrl: 'mysql://root@127.0.0.1:3306/seatline',
  redisUrl: 'redis://127.0.0.1:6379',
  kafkaBrokers: ['127.0.0.1:9092'],
  holdTtlMs: 300_000,
  lockTtlMs: 3_000,
  queueCapacity: 50,
  queueTokenTtlMs: 30_000,
  queueAdvanceMs: 200,
} as const;

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') {
    if (fallback === undefined) throw new Error(`${name} is required`);
    return fallback;
  }
  // Number('') and Number('1e3') would slip through a plain Number(); settings are plain digits.
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new Error(`${name} must be an integer in ${min}..${max}, got "${raw}"`);
  return Number(raw);
}

function text(env: Env, name: string, fallback: string): string {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? fallback : raw;
}

/**
 * Reads the configuration.
 * @param env usually `process.env`.
 * @throws Error with a one-line message when a value is missing or malformed (SEATLINE_PORT is
 *   required; numbers must be plain non-negative integers; SEATLINE_FAULT must be known).
 */
export function loadConfig(env: Env): Config {
  const brokers = text(env, 'SEATLINE_KAFKA_BROKERS', CONFIG_DEFAULTS.kafkaBrokers.join(','))
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
  if (brokers.length === 0) throw new Error('SEATLINE_KAFKA_BROKERS lists no broker');
  return {
    port: integer(env, 'SEATLINE_PORT', undefined, 0, 65_535),
    mysqlUrl: text(env, 'SEATLINE_MYSQL_URL', CONFIG_DEFAULTS.mysqlUrl),
    redisUrl: text(env, 'SEATLINE_REDIS_URL', CONFIG_DEFAULTS.redisUrl),
    kafkaBrokers: brokers,
    holdTtlMs: integer(env, 'SEATLINE_HOLD_TTL_MS', CONFIG_DEFAULTS.holdTtlMs, 1),
    lockTtlMs: integer(env, 'SEATLINE_LOCK_TTL_MS', CONFIG_DEFAULTS.lockTtlMs, 1),
    queueCapacity: integer(env, 'SEATLINE_QUEUE_CAPACITY', CONFIG_DEFAULTS.queueCapacity, 1),
    queueTokenTtlMs: integer(env, 'SEATLINE_QUEUE_TOKEN_TTL_MS', CONFIG_DEFAULTS.queueTokenTtlMs, 1),
    queueAdvanceMs: integer(env, 'SEATLINE_QUEUE_ADVANCE_MS', CONFIG_DEFAULTS.queueAdvanceMs, 10),
    fault: parseFault(env.SEATLINE_FAULT),
  };
}
