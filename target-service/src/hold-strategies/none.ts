/**
 * `none`: deliberately unsafe. A plain read of the seat, then, if it said AVAILABLE, one
 * transaction that marks it HELD and inserts the reservation. Nothing serialises concurrent
 * requests between the read and the write (no lock, no conditional update), and payments skip the
 * `confirmed_seat_guard` row, so concurrent holds of one seat can all win and all be paid: the
 * double booking ticketbench's checks must catch. Never use it as a baseline for speed claims
 * about a correct design.
 */
import { inTransaction } from '../db.ts';
import { findSeatForHold, insertHold, seatUnavailable } from './seat-queries.ts';
import type { HoldStrategyFactory } from './types.ts';

/** Creates the `none` strategy. */
export const createNoLockStrategy: HoldStrategyFactory = ({ pool, holdTtlMs }) => ({
  name: 'none',
  // With the guard row, the second confirmation of a seat would fail and `none` could never
  // double-book; the point of this strategy is that it can.
  usesConfirmGuard: false,
  async hold(input, attempts) {
    const { seatId, status } = await findSeatForHold(pool, input);
    if (status !== 'AVAILABLE') throw seatUnavailable(input, status);
    attempts.count += 1;
    return inTransaction(pool, (conn) => insertHold(conn, input, seatId, holdTtlMs));
  },
});
