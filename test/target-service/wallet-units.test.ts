/**
 * The wallet strategies' registry and settings, and the `redis-lock` strategy's lock against the
 * real Redis: the seed's key name, waiting for a busy lock up to its bound, the lease.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from '../../target-service/src/db.ts';
import { silentLogger } from '../../target-service/src/log.ts';
import { releaseSeatLock } from '../../target-service/src/seat-lock.ts';
import { startService } from '../../target-service/src/service.ts';
import {
  createWalletStrategy,
  DEFAULT_WALLET_STRATEGY,
  isSafeWalletStrategy,
  UNSAFE_WALLET_STRATEGIES,
  UnknownWalletStrategyError,
  walletStrategyNames,
} from '../../target-service/src/wallet-strategies/index.ts';
import { acquireWalletLock, walletLockKey } from '../../target-service/src/wallet-strategies/redis-lock.ts';
import { REDIS_URL, testSettings } from './helpers.ts';

describe('wallet strategies', () => {
  it('registers every strategy; only none is unsafe; pessimistic is the default', () => {
    expect(walletStrategyNames()).toEqual(['none', 'optimistic', 'pessimistic', 'redis-lock']);
    expect([...UNSAFE_WALLET_STRATEGIES]).toEqual(['none']);
    expect(walletStrategyNames().filter(isSafeWalletStrategy)).toEqual(['optimistic', 'pessimistic', 'redis-lock']);
    expect(DEFAULT_WALLET_STRATEGY).toBe('pessimistic');
  });

  it('builds each by name and refuses an unknown one', () => {
    const deps = { pool: {} as Pool, redis: {} as Redis, log: silentLogger, lockTtlMs: 1, lockWaitMs: 0, optimisticRetries: 0, optimisticBackoffMs: 0 };
    for (const name of walletStrategyNames()) expect(createWalletStrategy(name, deps).name).toBe(name);
    expect(() => createWalletStrategy('redis-stock', deps)).toThrow(/Unknown TARGET_WALLET_STRATEGY "redis-stock"; known wallet strategies: none, optimistic, pessimistic, redis-lock/);
  });

  it('rejects an unknown wallet strategy at startup before connecting anywhere', async () => {
    await expect(startService(testSettings('mysql://root@127.0.0.1:1/none', { walletStrategy: 'bogus' }), { log: silentLogger })).rejects.toThrow(UnknownWalletStrategyError);
  });
});

describe('redis-lock wallet lock', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(() => {
    redis.disconnect();
  });

  it('is named as seed 000 names it', () => {
    expect(walletLockKey(42)).toBe('userWalletLock:42');
  });

  it('waits for a busy lock up to its bound, then gives up; takes it once released; leases it', async () => {
    const userId = 900_000_000 + Math.floor(Math.random() * 1_000_000);
    const first = await acquireWalletLock(redis, userId, 3_000, 0);
    expect(first).not.toBeNull();
    const ttl = await redis.pttl(walletLockKey(userId));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3_000);

    const started = Date.now();
    expect(await acquireWalletLock(redis, userId, 3_000, 150)).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);

    setTimeout(() => void releaseSeatLock(redis, first!), 100);
    const second = await acquireWalletLock(redis, userId, 3_000, 2_000);
    expect(second).not.toBeNull();
    expect(second!.owner).not.toBe(first!.owner);
    // The first holder's late release must not free the second holder's lock.
    expect(await releaseSeatLock(redis, first!)).toBe(false);
    expect(await releaseSeatLock(redis, second!)).toBe(true);
    expect(await redis.exists(walletLockKey(userId))).toBe(0);
  });
});
