/**
 * Kafka jars (fetched with the real mvn, from the warm ~/.m2) and the broker configuration.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TicketbenchError } from '../../src/errors.ts';
import { ensureKafkaJars, KAFKA_VERSION } from '../../src/infra/index.ts';
import { generateClusterId, serverProperties } from '../../src/infra/kafka-broker.ts';
import { hasKafkaJars, kafkaLibsDir, parseJavaVersion } from '../../src/infra/kafka-jars.ts';
import { tempDir } from './helpers.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function newDir(prefix: string): string {
  const dir = tempDir(prefix);
  dirs.push(dir);
  return dir;
}

describe('ensureKafkaJars', () => {
  it('fetches the jars with mvn into <cacheDir>/kafka-3.9.1/libs once', { timeout: 300_000 }, async () => {
    const cacheDir = newDir('jars');
    const logs: string[] = [];
    const libsDir = await ensureKafkaJars({ cacheDir, log: (l) => logs.push(l) });
    expect(libsDir).toBe(path.join(cacheDir, `kafka-${KAFKA_VERSION}`, 'libs'));
    expect(fs.readdirSync(libsDir)).toEqual(expect.arrayContaining([`kafka_2.13-${KAFKA_VERSION}.jar`, 'slf4j-reload4j-1.7.36.jar']));
    expect(fs.readdirSync(path.dirname(libsDir))).toEqual(['libs']);
    expect(logs).toEqual([`fetching Kafka ${KAFKA_VERSION} jars from Maven Central (first run only)`]);

    expect(await ensureKafkaJars({ cacheDir, log: (l) => logs.push(l) })).toBe(libsDir);
    expect(logs).toHaveLength(1);
  });

  it('fails with KAFKA_SETUP_FAILED when java is missing', async () => {
    const savedPath = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const err = await ensureKafkaJars({ cacheDir: newDir('nojava') }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(TicketbenchError);
      expect((err as TicketbenchError).code).toBe('KAFKA_SETUP_FAILED');
      expect((err as TicketbenchError).message).toMatch(/^java 17\+ is required/);
    } finally {
      process.env.PATH = savedPath;
    }
  });

  it('fails with KAFKA_SETUP_FAILED when the jars are missing and mvn is not installed', async () => {
    const binDir = newDir('bin-java-only');
    fs.symlinkSync(fs.realpathSync('/usr/bin/java'), path.join(binDir, 'java'));
    const cacheDir = newDir('nomvn');
    const savedPath = process.env.PATH;
    process.env.PATH = binDir;
    try {
      const err = await ensureKafkaJars({ cacheDir }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(TicketbenchError);
      expect((err as TicketbenchError).code).toBe('KAFKA_SETUP_FAILED');
      expect((err as TicketbenchError).message).toMatch(/mvn \(Apache Maven\) is not on PATH/);
      expect(hasKafkaJars(kafkaLibsDir(cacheDir))).toBe(false);
      expect(fs.readdirSync(path.join(cacheDir, `kafka-${KAFKA_VERSION}`))).toEqual([]);
    } finally {
      process.env.PATH = savedPath;
    }
  });
});

describe('broker configuration', () => {
  it('reads Java versions old and new', () => {
    expect(parseJavaVersion('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaVersion('java version "1.8.0_392"')).toBe(8);
    expect(parseJavaVersion('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaVersion('nonsense')).toBeUndefined();
  });

  it('generates cluster ids in Kafka\'s format', () => {
    for (let i = 0; i < 200; i++) {
      const id = generateClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    }
  });

  it('configures a single KRaft node with the controller on port + 1', () => {
    const text = serverProperties({ bindHost: '127.0.0.1', port: 19092, dataDir: '/state/kafka/data' });
    for (const line of [
      'process.roles=broker,controller',
      'node.id=1',
      'controller.quorum.voters=1@127.0.0.1:19093',
      'listeners=PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093',
      'advertised.listeners=PLAINTEXT://127.0.0.1:19092',
      'log.dirs=/state/kafka/data',
      'offsets.topic.replication.factor=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'num.partitions=1',
    ]) {
      expect(text.split('\n')).toContain(line);
    }
  });
});
