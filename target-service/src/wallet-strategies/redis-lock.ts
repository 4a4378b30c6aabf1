/**
 * `redis-lock` (seed 000: Redisson `userWalletLock:{userId}`, "100% balance consistency"): a
 * per-user Redis lock `SET userWalletLock:{userId} <owner> NX PX lease` serialises the user's
 * changes. Unlike the seat lock, a busy wallet lock is waited for (as Redisson's `tryLock(wait,
 * lease)` does): retried after short jittered pauses for at most `lockWaitMs`, then 409
 * WALLET_BUSY. Under the lock: read, check funds, write, ledger row, commit; then the lock is
 * released by the owner-checked Lua script (a request whose lease ran out never frees someone
 * else's lock). The lease (`lockTtlMs`, default 3 s) is shorter than the client's request timeout
 * so a crashed holder frees the wallet in time; and since a lease can run out under a slow
 * holder, the write is fenced by the version read under the lock: if another writer got in, the
 * change is rolled back and answered 409 WALLET_LOCK_LOST instead of losing an update.
 */
import { randomUUID } from 'node:crypto';
import { inTransaction } from '../db.ts';
import { HttpError } from '../errors.ts';
import { describe } from '../log.ts';
import { secondsSince } from '../metrics.ts';
import type { Redis } from '../redis.ts';
import { releaseSeatLock, type SeatLease } from '../seat-lock.ts';
import { balanceAfter, isLockContention, readWallet, walletBusy, writeBalanceIfVersion } from './wallet-queries.ts';
import type { WalletStrategyFactory } from './types.ts';

// Pauses between attempts to take a busy lock grow from 1 ms to this, with full jitter.
const MAX_POLL_MS = 20;

/** The wallet lock key of a user, as seed 000 names it: `userWalletLock:{userId}`. */
export function walletLockKey(userId: number): string {
  return `userWalletLock:${userId}`;
}

/**
 * Takes a user's wallet lock, waiting for it at most `waitMs`.
 * @param ttlMs lease, ms: the key vanishes after it even if never released
 * @returns the lease (release it with `releaseSeatLock`, which is owner-checked for any key), or
 *   null when the lock stayed taken for `waitMs`.
 * @throws the Redis client's error when Redis cannot be reached.
 */
export async function acquireWalletLock(redis: Redis, userId: number, ttlMs: number, waitMs: number): Promise<SeatLease | null> {
  const lease = { key: walletLockKey(userId), owner: randomUUID() };
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt += 1) {
    if ((await redis.set(lease.key, lease.owner, 'PX', ttlMs, 'NX')) === 'OK') return lease;
    const left = deadline - Date.now();
    if (left <= 0) return null;
    const pause = Math.random() * Math.min(MAX_POLL_MS, 2 ** attempt);
    await new Promise((resolve) => setTimeout(resolve, Math.min(left, Math.max(1, pause))));
  }
}

/** Creates the `redis-lock` wallet strategy. */
export const createRedisLockWalletStrategy: WalletStrategyFactory = ({ pool, redis, log, lockTtlMs, lockWaitMs, metrics }) => ({
  name: 'redis-lock',
  async apply(userId, work) {
    const started = process.hrtime.bigint();
    const lease = await acquireWalletLock(redis, userId, lockTtlMs, lockWaitMs);
    metrics?.walletLockWait.observe({ strategy: 'redis-lock' }, secondsSince(started));
    if (!lease) throw walletBusy(userId, `lock ${walletLockKey(userId)} still taken after ${lockWaitMs} ms`);
    try {
      const read = await readWallet(pool, userId);
      return await inTransaction(pool, async (conn) => {
        const change = await work(conn);
        const after = balanceAfter(userId, read.balance, change.delta);
        if (!(await writeBalanceIfVersion(conn, userId, after, read.version))) {
          throw new HttpError(409, 'WALLET_LOCK_LOST', `The lock on the wallet of user ${userId} ran out before the write and another change got in; nothing was changed, retry.`);
        }
        return change.write(conn, after);
      });
    } catch (err) {
      if (isLockContention(err)) throw walletBusy(userId, 'deadlock');
      throw err;
    } finally {
      await releaseSeatLock(redis, lease).catch((err: unknown) => {
        // The answer is already decided; the lease expires on its own after lockTtlMs.
        log.warn(`wallet lock ${lease.key} not released: ${describe(err)}`);
      });
    }
  },
});
