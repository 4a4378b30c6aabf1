/**
 * `redis-lock`: the seed design. A Redis lock per seat serialises holds (losers get 409
 * SEAT_LOCKED at once); under the lock the seat is read and, when AVAILABLE, marked HELD in one
 * transaction with the reservation insert. The database is not asked to re-check the seat on
 * write: the lock is this strategy's only hold-time guard (the `confirmed_seat_guard` PK is the
 * guard at payment), which is exactly what ticketbench measures.
 */
import { inTransaction } from '../db.ts';
import { describe } from '../log.ts';
import { secondsSince } from '../metrics.ts';
import { acquireSeatLock, releaseSeatLock } from '../seat-lock.ts';
import { findSeatForHold, insertHold, seatLocked, seatUnavailable } from './seat-queries.ts';
import type { HoldAttempts, HoldInput, HoldResult, HoldStrategyDeps, HoldStrategyFactory } from './types.ts';

/**
 * The redis-lock hold path, shared with `redis-stock`.
 * @param beforeWrite runs under the seat lock once the seat is known to be AVAILABLE, just before
 *   the write (redis-stock takes its stock unit there); a throw aborts the hold with that error.
 * @throws HttpError 409 SEAT_UNAVAILABLE at once for a seat `deps.soldSeats` knows SOLD (learned
 *   here, from the read under the lock), 409 SEAT_LOCKED (lock not taken: nothing read or
 *   written), 404 SEAT_NOT_FOUND / USER_NOT_FOUND or 409 SEAT_UNAVAILABLE.
 */
export async function holdUnderSeatLock(deps: HoldStrategyDeps, input: HoldInput, attempts: HoldAttempts, beforeWrite?: () => Promise<void>): Promise<HoldResult> {
  const { pool, redis, log, holdTtlMs, lockTtlMs, metrics, soldSeats } = deps;
  // A seat already read SOLD stays sold: refused without the lock or MySQL.
  if (soldSeats?.has(input.scheduleId, input.seatNo)) throw seatUnavailable(input, 'SOLD');
  // The lock first, as seed 001 does: a request that loses it is answered without MySQL.
  const started = process.hrtime.bigint();
  const lease = await acquireSeatLock(redis, input.scheduleId, input.seatNo, lockTtlMs);
  metrics?.seatLockWait.observe(secondsSince(started));
  metrics?.seatLockAcquisitions.inc({ result: lease ? 'acquired' : 'busy' });
  if (!lease) throw seatLocked(input);
  // TEST ONLY (TARGET_HOLD_FAULT=early-release): the lock no longer covers the check and the write.
  if (deps.holdFault === 'early-release') await releaseSeatLock(redis, lease);
  try {
    // One read under the lock: the seat, its status and the user.
    const { seatId, status } = await findSeatForHold(pool, input);
    if (status === 'SOLD') soldSeats?.add(input.scheduleId, input.seatNo);
    if (status !== 'AVAILABLE') throw seatUnavailable(input, status);
    await beforeWrite?.();
    attempts.count += 1;
    return await inTransaction(pool, (conn) => insertHold(conn, input, seatId, holdTtlMs));
  } finally {
    await releaseSeatLock(redis, lease).catch((err: unknown) => {
      // The answer is already decided; the lease expires on its own after lockTtlMs.
      log.warn(`seat lock ${lease.key} not released: ${describe(err)}`);
    });
  }
}

/** Creates the `redis-lock` strategy. */
export const createRedisLockStrategy: HoldStrategyFactory = (deps) => ({
  name: 'redis-lock',
  usesConfirmGuard: true,
  hold: (input, attempts) => holdUnderSeatLock(deps, input, attempts),
});
