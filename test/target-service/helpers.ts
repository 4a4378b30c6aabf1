/**
 * Shared setup for target-service tests: a fresh database with the migration applied, the
 * `reservation.confirmed` topic, settings pointing at both, polling waits and a tiny HTTP client.
 * Everything talks to the real MariaDB/MySQL, Redis and Kafka.
 */
import { createHash, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import mysql from 'mysql2/promise';
import { TARGET_DEFAULTS, type TargetSettings } from '../../target-service/src/config.ts';
import { CONFIRMED_TOPIC } from '../../target-service/src/kafka.ts';
import { listMigrations } from '../../src/infra/migrations.ts';

/** Server root, no database. */
export const MYSQL_ROOT_URL = process.env.TEST_MYSQL_ROOT_URL ?? 'mysql://root@127.0.0.1:3306';
/** Test broker. */
export const KAFKA_BROKERS = (process.env.TICKETBENCH_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
/** Test Redis. */
export const REDIS_URL = process.env.TICKETBENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

// Several checkouts (git worktrees) may run the suite at once against one server; without a tag
// of the checkout's path, one run's DROP DATABASE would pull the tables from under another's.
const CHECKOUT_TAG = createHash('sha1').update(fileURLToPath(new URL('../..', import.meta.url))).digest('hex').slice(0, 6);

/**
 * Drops and recreates `ticketbench_target_test_<suffix>_<checkout tag>` with every migration of
 * target-service/migrations applied in order.
 * @returns its mysql:// URL.
 */
export async function createTestDatabase(suffix: string): Promise<string> {
  const name = `ticketbench_target_test_${suffix}_${CHECKOUT_TAG}`;
  const conn = await mysql.createConnection({ uri: MYSQL_ROOT_URL, multipleStatements: true });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
    await conn.query(`USE \`${name}\``);
    for (const migration of listMigrations()) await conn.query(migration.sql);
  } finally {
    await conn.end();
  }
  return `${MYSQL_ROOT_URL}/${name}`;
}

/** Creates `reservation.confirmed` (3 partitions, RF 1) unless it exists. */
export async function ensureConfirmedTopic(): Promise<void> {
  const admin = new Kafka({ clientId: 'target-test-setup', brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(CONFIRMED_TOPIC)) {
      await admin.createTopics({ topics: [{ topic: CONFIRMED_TOPIC, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true }).catch((err: unknown) => {
        // Another test process may have created it between listTopics and createTopics.
        if (!String((err as Error).message).includes('already exists')) throw err;
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/** Settings for an in-process service on a free port, with a consumer group unique to this run. */
export function testSettings(mysqlUrl: string, overrides: Partial<TargetSettings> = {}): TargetSettings {
  return {
    ...TARGET_DEFAULTS,
    port: 0,
    mysqlUrl,
    redisUrl: REDIS_URL,
    kafkaBrokers: KAFKA_BROKERS,
    consumerGroup: `ticketbench-target-test-${randomUUID()}`,
    outboxPollMs: 50,
    expirySweepMs: 100,
    ...overrides,
  };
}

/**
 * Polls `probe` until it returns a value other than undefined/false, or throws after `timeoutMs`
 * with the last value seen.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${String(last)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** An HTTP answer with its JSON body parsed (or the raw text when it is not JSON). */
export interface Answer {
  readonly status: number;
  readonly body: any;
  readonly text: string;
  readonly headers: Headers;
}

/** Minimal JSON client for one service. */
export function client(port: number) {
  const base = `http://127.0.0.1:${port}`;
  const send = async (method: string, path: string, body?: unknown, rawBody?: string): Promise<Answer> => {
    const init: RequestInit = { method };
    if (body !== undefined || rawBody !== undefined) {
      init.headers = { 'content-type': 'application/json' };
      init.body = rawBody ?? JSON.stringify(body);
    }
    const res = await fetch(base + path, init);
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  };
  return {
    get: (path: string) => send('GET', path),
    post: (path: string, body?: unknown) => send('POST', path, body),
    postRaw: (path: string, rawBody: string) => send('POST', path, undefined, rawBody),
  };
}
