/** Settings parsing, the strategy registry and the Redis seat lock (against the real Redis). */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadSettings, TARGET_DEFAULTS } from '../../target-service/src/config.ts';
import type { Pool } from '../../target-service/src/db.ts';
import { createHoldStrategy, holdStrategyNames, isSafeStrategy, UNSAFE_STRATEGIES, UnknownStrategyError } from '../../target-service/src/hold-strategies/index.ts';
import { optimisticBackoffMs } from '../../target-service/src/hold-strategies/optimistic.ts';
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
      TARGET_HOST: '0.0.0.0',
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
      TARGET_OPTIMISTIC_RETRIES: '0',
      TARGET_OPTIMISTIC_BACKOFF_MS: '2',
      TARGET_WALLET_STRATEGY: 'redis-lock',
      TARGET_WALLET_LOCK_TTL_MS: '1500',
      TARGET_WALLET_LOCK_WAIT_MS: '0',
      TARGET_WALLET_OPTIMISTIC_RETRIES: '4',
      TARGET_QUEUE_FAULT: 'over-admit',
      TARGET_HOLD_FAULT: 'early-release',
      TARGET_EXPIRY_FAULT: 'expire-paid',
      TARGET_CACHE: 'on',
      TARGET_CACHE_TTL_MS: '250',
      TARGET_CACHE_FAULT: 'stale',
      TARGET_CONSUMER_FAULT: 'no-dedup',
    });
    expect(settings).toEqual({
      port: 0,
      host: '0.0.0.0',
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
      optimisticRetries: 0,
      optimisticBackoffMs: 2,
      walletStrategy: 'redis-lock',
      walletLockTtlMs: 1500,
      walletLockWaitMs: 0,
      walletOptimisticRetries: 4,
      queueFault: 'over-admit',
      holdFault: 'early-release',
      expiryFault: 'expire-paid',
      cache: 'on',
      cacheTtlMs: 250,
      cacheFault: 'stale',
      consumerFault: 'no-dedup',
    });
  });

  it('names every bad variable in one error', () => {
    const attempt = () =>
      loadSettings({
        TARGET_PORT: '70000',
        TARGET_HOST: 'everywhere',
        TARGET_HOLD_TTL_MS: 'soon',
        TICKETBENCH_MYSQL_URL: 'mysql://h:3306',
        TICKETBENCH_KAFKA_BROKERS: 'nohost',
        TARGET_OPTIMISTIC_RETRIES: '-1',
        TARGET_OPTIMISTIC_BACKOFF_MS: '1e3',
        TARGET_WALLET_LOCK_TTL_MS: '0',
        TARGET_WALLET_OPTIMISTIC_RETRIES: '101',
      });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (err) {
      const message = (err as Error).message;
      for (const name of ['TARGET_PORT', 'TARGET_HOST', 'TARGET_HOLD_TTL_MS', 'TICKETBENCH_MYSQL_URL', 'TICKETBENCH_KAFKA_BROKERS', 'TARGET_OPTIMISTIC_RETRIES', 'TARGET_OPTIMISTIC_BACKOFF_MS', 'TARGET_WALLET_LOCK_TTL_MS', 'TARGET_WALLET_OPTIMISTIC_RETRIES']) {
        expect(message).toContain(name);
      }
    }
  });
});

describe('hold strategies', () => {
  it('registers every strategy; only none is unsafe', () => {
    expect(holdStrategyNames()).toEqual(['none', 'optimistic', 'pessimistic', 'redis-lock', 'redis-stock']);
    expect([...UNSAFE_STRATEGIES]).toEqual(['none']);
    expect(holdStrategyNames().filter(isSafeStrategy)).toEqual(['optimistic', 'pessimistic', 'redis-lock', 'redis-stock']);
  });

  it('skips the confirm guard for none only', () => {
    for (const name of holdStrategyNames()) {
      const strategy = createHoldStrategy(name, {
        pool: {} as Pool,
        redis: {} as Redis,
        log: silentLogger,
        holdTtlMs: 1,
        lockTtlMs: 1,
        optimisticRetries: 0,
        optimisticBackoffMs: 0,
      });
      expect(strategy.name).toBe(name);
      expect(strategy.usesConfirmGuard, name).toBe(name !== 'none');
    }
  });

  it('backs off with full jitter, capped', () => {
    for (let i = 0; i < 200; i += 1) {
      const first = optimisticBackoffMs(5, 1);
      expect(first).toBeGreaterThanOrEqual(0);
      expect(first).toBeLessThan(5);
      expect(optimisticBackoffMs(5, 3)).toBeLessThan(20);
      expect(optimisticBackoffMs(5, 60)).toBeLessThan(1_000);
    }
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
