/**
 * The Redis seat lock of the seed design: `SET key owner NX PX ttl` to take it, a Lua script
 * that deletes the key only while it still holds our owner value to release it (so a request
 * whose lease ran out never frees a lock another request has since taken).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A lock held by one request. */
export interface SeatLease {
  /** Redis key, see `seatLockKey`. */
  readonly key: string;
  /** Random value identifying this holder. */
  readonly owner: string;
}

/** Deletes KEYS[1] only when its value equals ARGV[1]; returns 1 when deleted, else 0. */
export const RELEASE_SEAT_LOCK_LUA = `if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
else
  return 0
end`;

const RELEASE_SHA = createHash('sha1').update(RELEASE_SEAT_LOCK_LUA).digest('hex');

/** The lock key of a seat: `seat:lock:{scheduleId}:{seatNo}`. */
export function seatLockKey(scheduleId: number, seatNo: string): string {
  return `seat:lock:${scheduleId}:${seatNo}`;
}

/**
 * Tries once to take a seat's lock (no waiting: contention is answered with 409 by the caller).
 * @param ttlMs lease in milliseconds; the key vanishes after it even if never released.
 * @returns the lease, or null when another owner holds the lock.
 * @throws the Redis client's error when Redis cannot be reached.
 */
export async function acquireSeatLock(redis: Redis, scheduleId: number, seatNo: string, ttlMs: number): Promise<SeatLease | null> {
  const lease = { key: seatLockKey(scheduleId, seatNo), owner: randomUUID() };
  const reply = await redis.set(lease.key, lease.owner, 'PX', ttlMs, 'NX');
  return reply === 'OK' ? lease : null;
}

/**
 * Releases a lease if it is still ours (owner-checked Lua).
 * @returns true when the key was deleted, false when it had expired or belongs to someone else.
 * @throws the Redis client's error when Redis cannot be reached.
 */
export async function releaseSeatLock(redis: Redis, lease: SeatLease): Promise<boolean> {
  let reply: unknown;
  try {
    reply = await redis.evalsha(RELEASE_SHA, 1, lease.key, lease.owner);
  } catch (err) {
    // NOSCRIPT after a Redis restart or SCRIPT FLUSH: send the body once, Redis caches it again.
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    reply = await redis.eval(RELEASE_SEAT_LOCK_LUA, 1, lease.key, lease.owner);
  }
  return reply === 1;
}
