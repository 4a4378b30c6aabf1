/**
 * `redis-lock`: the seed design. A Redis lock per seat serialises holds (losers get 409
 * SEAT_LOCKED at once); under the lock the seat is read and, when AVAILABLE, marked HELD in one
 * transaction with the reservation insert. The database is not asked to re-check the seat on
 * write: the lock is this strategy's only hold-time guard (the `confirmed_seat_guard` PK is the
 * guard at payment), which is exactly what ticketbench measures.
 */
import { inTransaction } from '../db.ts';
import { HttpError } from '../errors.ts';
import { describe } from '../log.ts';
import { acquireSeatLock, releaseSeatLock } from '../seat-lock.ts';
import { findSeatForHold, insertHold, readSeatStatus, seatUnavailable } from './seat-queries.ts';
import type { HoldStrategyFactory } from './types.ts';

/** Creates the `redis-lock` strategy. */
export const createRedisLockStrategy: HoldStrategyFactory = ({ pool, redis, log, holdTtlMs, lockTtlMs }) => ({
  name: 'redis-lock',
  async hold(input) {
    const seatId = await findSeatForHold(pool, input);
    const lease = await acquireSeatLock(redis, input.scheduleId, input.seatNo, lockTtlMs);
    if (!lease) {
      throw new HttpError(409, 'SEAT_LOCKED', `Seat ${input.seatNo} of schedule ${input.scheduleId} is being reserved by another request.`);
    }
    try {
      const status = await readSeatStatus(pool, seatId);
      if (status !== 'AVAILABLE') throw seatUnavailable(input, status);
      return await inTransaction(pool, (conn) => insertHold(conn, input, seatId, holdTtlMs));
    } finally {
      await releaseSeatLock(redis, lease).catch((err: unknown) => {
        // The answer is already decided; the lease expires on its own after lockTtlMs.
        log.warn(`seat lock ${lease.key} not released: ${describe(err)}`);
      });
    }
  },
});
