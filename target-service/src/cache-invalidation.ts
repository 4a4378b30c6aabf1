/**
 * Keeps the read cache honest on every write that changes a seat's status: a hold (AVAILABLE →
 * HELD, through whichever hold strategy runs), the expiry sweep (HELD → AVAILABLE), a new
 * schedule (fixtures) and a payment (HELD → SOLD, see `paymentInvalidator`). Invalidation runs
 * after the write committed and before the client is answered, so a read that starts after the
 * client saw its answer misses the cache (unless a load that began earlier re-filled it: the
 * read cache's TTL bounds that case).
 */
import type { Pool } from './db.ts';
import type { RowDataPacket } from 'mysql2';
import type { SeatHoldStrategy } from './hold-strategies/index.ts';
import type { ReadCache } from './read-cache.ts';

/**
 * Wraps a hold strategy so its state changes invalidate the cache; behaviour is otherwise the
 * strategy's own (its optional hooks are still called).
 */
export function withCacheInvalidation(strategy: SeatHoldStrategy, cache: ReadCache): SeatHoldStrategy {
  if (!cache.enabled) return strategy;
  return {
    name: strategy.name,
    usesConfirmGuard: strategy.usesConfirmGuard,
    async hold(input, attempts) {
      const result = await strategy.hold(input, attempts);
      await cache.invalidateSchedule(result.scheduleId);
      return result;
    },
    async onSeatsFreed(freed) {
      await strategy.onSeatsFreed?.(freed);
      await Promise.all([...freed.keys()].map((scheduleId) => cache.invalidateSchedule(scheduleId)));
    },
    async onScheduleCreated(scheduleId, seats) {
      await strategy.onScheduleCreated?.(scheduleId, seats);
      // Schedule ids repeat across databases of the same name (recreated test databases).
      await cache.invalidateSchedule(scheduleId);
      await cache.invalidateConcerts();
    },
  };
}

/**
 * The payment route's hook: after a payment committed, drops the cached reads of the
 * reservation's schedule (one indexed lookup of its schedule id).
 */
export function paymentInvalidator(pool: Pool, cache: ReadCache): ((reservationId: number) => Promise<void>) | undefined {
  if (!cache.enabled) return undefined;
  return async (reservationId) => {
    const [rows] = await pool.execute<RowDataPacket[]>('SELECT schedule_id FROM reservations WHERE id = ?', [reservationId]);
    const scheduleId = rows[0]?.schedule_id;
    if (scheduleId !== undefined) await cache.invalidateSchedule(Number(scheduleId));
  };
}

/** Looks up a schedule's concert (for invalidating its schedule list). */
export function concertLookup(pool: Pool): (scheduleId: number) => Promise<number | undefined> {
  return async (scheduleId) => {
    const [rows] = await pool.execute<RowDataPacket[]>('SELECT concert_id FROM schedules WHERE id = ?', [scheduleId]);
    const concertId = rows[0]?.concert_id;
    return concertId === undefined ? undefined : Number(concertId);
  };
}
