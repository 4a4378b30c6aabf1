/** Settings parsing, the strategy registry and the Redis seat lock (against the real Redis). */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadSettings, TARGET_DEFAULTS } from '../../target-service/src/config.ts';
import { holdStrategyNames, UnknownStrategyError } from '../../target-service/src/hold-strategies/index.ts';
import { silentLogger } from '../../target-service/src/log.ts';
import { acquireSeatLock, releaseSeatLock, seatLockKey } from '../../target-service/src/seat-lock.ts';
import { startService } from '../../target-service/src/service.ts';
import { REDIS_URL, testSettings } from './helpers.ts';

describe('loadSettings', () => {
  it('takes the documented defaults from an empty environment', () => {
    expect(loadSettings({})).toEqual(TARGET_DEFAULTS);
  });

  it('reads every variable', () => {
    const settings = loadSettings({
      TARGET_PORT: '0',
      TICKETBENCH_MYSQL_URL: 'mysql://u:p@db:3307/x',
      TICKETBENCH_REDIS_URL: 'redis://r:6380',
      TICKETBENCH_KAFKA_BROKERS: 'k1:9092, k2:9093',
      TARGET_HOLD_TTL_MS: '300',
      TARGET_LOCK_TTL_MS: '100',
      TARGET_EXPIRY_SWEEP_MS: '10',
      TARGET_OUTBOX_POLL_MS: '20',
      TARGET_DB_POOL_SIZE: '5',
      TARGET_CONSUMER_GROUP: 'g',
      TARGET_STRATEGY: 'redis-lock',
    });
    expect(settings).toEqual({
      port: 0,
      mysqlUrl: 'mysql://u:p@db:3307/x',
      redisUrl: 'redis://r:6380',
      kafkaBrokers: ['k1:9092', 'k2:9093'],
      holdTtlMs: 300,
      lockTtlMs: 100,
      expirySweepMs: 10,
      outboxPollMs: 20,
      dbPoolSize: 5,
      consumerGroup: 'g',
      strategy: 'redis-lock',
    });
  });

  it('names every bad variable in one error', () => {
    const attempt = () => loadSettings({ TARGET_PORT: '70000', TARGET_HOLD_TTL_MS: 'soon', TICKETBENCH_MYSQL_URL: 'mysql://h:3306', TICKETBENCH_KAFKA_BROKERS: 'nohost' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (err) {
      const message = (err as Error).message;
      for (const name of ['TARGET_PORT', 'TARGET_HOLD_TTL_MS', 'TICKETBENCH_MYSQL_URL', 'TICKETBENCH_KAFKA_BROKERS']) expect(message).toContain(name);
    }
  });
});

describe('hold strategies', () => {
  it('registers redis-lock', () => {
    expect(holdStrategyNames()).toContain('redis-lock');
  });

  it('rejects an unknown strategy at startup before connecting anywhere', async () => {
    await expect(startService(testSettings('mysql://root@127.0.0.1:1/none', { strategy: 'bogus' }), { log: silentLogger })).rejects.toThrow(UnknownStrategyError);
  });
});

describe('seat lock', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(() => {
    redis.disconnect();
  });

  it('formats the key as seat:lock:{scheduleId}:{seatNo}', () => {
    expect(seatLockKey(7, 'A12')).toBe('seat:lock:7:A12');
  });

  it('grants one owner at a time and releases only for that owner', async () => {
    const scheduleId = 900_000_000 + Math.floor(Math.random() * 1_000_000);
    const key = seatLockKey(scheduleId, 'S1');
    const first = await acquireSeatLock(redis, scheduleId, 'S1', 5_000);
    expect(first).not.toBeNull();
    expect(await acquireSeatLock(redis, scheduleId, 'S1', 5_000)).toBeNull();
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5_000);

    expect(await releaseSeatLock(redis, { key, owner: 'someone-else' })).toBe(false);
    expect(await redis.get(key)).toBe(first?.owner);
    expect(await releaseSeatLock(redis, first!)).toBe(true);
    expect(await redis.exists(key)).toBe(0);
    expect(await releaseSeatLock(redis, first!)).toBe(false);
  });

  it('lets the lease expire on its own', async () => {
    const scheduleId = 900_000_000 + Math.floor(Math.random() * 1_000_000);
    expect(await acquireSeatLock(redis, scheduleId, 'S3', 50)).not.toBeNull();
    const deadline = Date.now() + 5_000;
    while ((await redis.exists(seatLockKey(scheduleId, 'S3'))) === 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await acquireSeatLock(redis, scheduleId, 'S3', 50)).not.toBeNull();
  });
});
