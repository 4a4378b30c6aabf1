/**
 * The per-seat Redis lock a hold takes around its transaction, so concurrent holds of one seat
 * queue up in Redis instead of piling onto the same InnoDB rows.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

// Delete only our own lock: after a long pause our TTL may have lapsed and another request now
// owns the key; a blind DEL would free the seat under that request.
const RELEASE_IF_OWNER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** The lock key of one seat of one performance. */
export function seatLockKey(performanceId: number, seatCode: string): string {
  return `lock:performance:${performanceId}:seat:${seatCode}`;
}

/** The result of `withSeatLock`: whether the lock was free, and the work's value if it ran. */
export type Locked<T> = { readonly acquired: false } | { readonly acquired: true; readonly value: T };

/**
 * Runs `work` while holding the seat's lock (`SET key owner NX PX ttl`, owner a random UUID),
 * and releases it afterwards with an owner-checked delete, also when `work` throws.
 * Does not wait: when another request holds the lock, `work` does not run.
 * @param ttlMs lock expiry in milliseconds, the bound on how long a crashed holder blocks the seat.
 * @throws whatever `work` throws, or a Redis error from acquiring.
 */
export async function withSeatLock<T>(redis: Redis, performanceId: number, seatCode: string, ttlMs: number, work: () => Promise<T>): Promise<Locked<T>> {
  const key = seatLockKey(performanceId, seatCode);
  const owner = randomUUID();
  const set = await redis.set(key, owner, 'PX', ttlMs, 'NX');
  if (set !== 'OK') return { acquired: false };
  try {
    return { acquired: true, value: await work() };
  } finally {
    await redis.eval(RELEASE_IF_OWNER, 1, key, owner).catch(() => {
      // Unreleased, the lock still expires after ttlMs; the hold's own outcome matters more.
    });
  }
}
