/**
 * infraUp / infraDown against real servers: MariaDB (3306) and the dev Redis (6379) and Kafka
 * (9092) are already running and must survive; a Redis on 16379 and a Kafka broker on
 * 19092/19093 are started and stopped by the test, with a temporary state folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { infraDown, infraStatus, infraUp, KAFKA_VERSION, RESERVATION_CONFIRMED_TOPIC, type InfraOptions } from '../../src/infra/index.ts';
import { isProcessAlive } from '../../src/infra/processes.ts';
import { readStarted } from '../../src/infra/started-state.ts';
import { dropDatabase, isListening, MYSQL_ROOT, sql, tempDir } from './helpers.ts';

const DB = 'ticketbench_infra_updown';
const REDIS_PORT = 16379;
const KAFKA_PORT = 19092;
const stateDir = tempDir('updown-state');
const logLines: string[] = [];
const opts: InfraOptions = {
  connections: { mysqlUrl: `${MYSQL_ROOT}/${DB}`, redisUrl: `redis://127.0.0.1:${REDIS_PORT}`, kafkaBrokers: [`127.0.0.1:${KAFKA_PORT}`] },
  stateDir,
  // Default cache folder: the jars are fetched with mvn once and shared with the CLI.
  log: (line) => logLines.push(line),
};

beforeAll(async () => {
  for (const port of [REDIS_PORT, KAFKA_PORT, KAFKA_PORT + 1]) {
    if (await isListening(port)) throw new Error(`port ${port} is in use; the infra up/down test needs it free`);
  }
  await dropDatabase(DB);
});

afterAll(async () => {
  await infraDown(opts).catch(() => undefined);
  await dropDatabase(DB);
  fs.rmSync(stateDir, { recursive: true, force: true });
});

describe('infraUp / infraDown', () => {
  it('starts the missing Redis and Kafka, creates the topic and applies the migrations', { timeout: 180_000 }, async () => {
    const result = await infraUp(opts);
    expect(result.started).toEqual(['redis', 'kafka']);
    expect(result.migrationsApplied).toEqual(['001', '002', '003']);

    const [mysql, redis, kafka] = result.statuses;
    expect(mysql).toMatchObject({ name: 'mysql', reachable: true });
    expect(mysql?.managedPid).toBeUndefined();
    expect(redis).toMatchObject({ name: 'redis', reachable: true, managedPid: expect.any(Number) });
    expect(kafka).toMatchObject({ name: 'kafka', reachable: true, version: KAFKA_VERSION, managedPid: expect.any(Number) });

    expect(fs.existsSync(path.join(stateDir, 'redis.pid'))).toBe(true);
    expect(fs.existsSync(path.join(stateDir, 'kafka.pid'))).toBe(true);
    expect(fs.readFileSync(path.join(stateDir, 'kafka', 'server.properties'), 'utf8')).toContain(`listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORT},CONTROLLER://127.0.0.1:${KAFKA_PORT + 1}`);
    expect(readStarted(stateDir).map((s) => s.name).sort()).toEqual(['kafka', 'redis']);
    expect(logLines.some((l) => l.startsWith(`starting Kafka ${KAFKA_VERSION} broker`))).toBe(true);

    const admin = new Kafka({ brokers: opts.connections.kafkaBrokers.slice(), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [RESERVATION_CONFIRMED_TOPIC] });
      expect(topics[0]?.partitions).toHaveLength(3);
    } finally {
      await admin.disconnect();
    }
    const applied = await sql<{ version: string }[]>(`SELECT version FROM \`${DB}\`.schema_migrations ORDER BY version`);
    expect(applied.map((r) => r.version)).toEqual(['001', '002', '003']);
  });

  it('a second up starts nothing and applies nothing', { timeout: 60_000 }, async () => {
    const result = await infraUp(opts);
    expect(result.started).toEqual([]);
    expect(result.migrationsApplied).toEqual([]);
    expect(result.statuses.every((s) => s.reachable)).toBe(true);
  });

  it('status names the managed pids only for the address they serve', async () => {
    const [, redis, kafka] = await infraStatus(opts);
    const started = readStarted(stateDir);
    expect(redis?.managedPid).toBe(started.find((s) => s.name === 'redis')?.pid);
    expect(kafka?.managedPid).toBe(started.find((s) => s.name === 'kafka')?.pid);
    const devStatuses = await infraStatus({ ...opts, connections: { ...opts.connections, redisUrl: 'redis://127.0.0.1:6379', kafkaBrokers: ['127.0.0.1:9092'] } });
    expect(devStatuses[1]?.managedPid).toBeUndefined();
    expect(devStatuses[2]).toMatchObject({ reachable: true, version: 'unknown' });
    expect(devStatuses[2]?.managedPid).toBeUndefined();
  });

  it('down stops exactly what up started and nothing else', { timeout: 90_000 }, async () => {
    const ours = readStarted(stateDir).map((s) => s.pid);
    const result = await infraDown(opts);
    expect(result.stopped).toEqual(['kafka', 'redis']);
    for (const pid of ours) expect(isProcessAlive(pid)).toBe(false);
    expect(await isListening(REDIS_PORT)).toBe(false);
    expect(await isListening(KAFKA_PORT)).toBe(false);
    expect(fs.existsSync(path.join(stateDir, 'redis.pid'))).toBe(false);
    expect(fs.existsSync(path.join(stateDir, 'kafka.pid'))).toBe(false);
    expect(readStarted(stateDir)).toEqual([]);
    // The servers ticketbench did not start are still there.
    for (const port of [3306, 6379, 9092, 9093]) expect(await isListening(port)).toBe(true);

    expect(await infraDown(opts)).toEqual({ stopped: [] });
  });
});

describe('concurrent infraUp on one state folder', () => {
  it('starts a missing server once; the other caller finds it running', { timeout: 120_000 }, async () => {
    const dir = tempDir('concurrent-state');
    const port = 16381;
    const concurrentOpts: InfraOptions = { connections: { ...opts.connections, redisUrl: `redis://127.0.0.1:${port}`, kafkaBrokers: ['127.0.0.1:9092'] }, stateDir: dir };
    try {
      expect(await isListening(port)).toBe(false);
      const results = await Promise.all([infraUp(concurrentOpts), infraUp(concurrentOpts)]);
      expect(results.flatMap((r) => r.started)).toEqual(['redis']);
      expect(await infraDown(concurrentOpts)).toEqual({ stopped: ['redis'] });
      expect(await isListening(port)).toBe(false);
    } finally {
      await infraDown(concurrentOpts).catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
