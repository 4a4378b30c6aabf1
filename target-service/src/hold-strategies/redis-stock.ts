/**
 * `redis-stock` (seed 003, strategy 3; seed 004's "atomic counter"): a Redis counter of the
 * seats a schedule has left, `stock:{scheduleId}`. Once it reads 0 a schedule is sold out and
 * requests are turned away (409 SOLD_OUT) without touching MySQL or the seat locks. Otherwise the
 * redis-lock path runs, and under the seat lock, once the seat is known to be AVAILABLE, the unit
 * is taken with an atomic DECR (below 0: given back, SOLD_OUT). A hold that fails after that
 * gives its unit back, and the expiry sweep gives back one unit per seat it frees.
 *
 * The counter is set when a schedule is created through `/admin/fixtures` (replacing any stale
 * key of that id from another database sharing Redis), else lazily, on the first hold of a
 * schedule, with `SET ... NX` from the number of AVAILABLE seats in MySQL. Give-backs only touch an existing counter: a missing one
 * means "not initialised" and is rebuilt from MySQL on the next hold.
 *
 * Like the seed's design the counter can leak: a crash between the DECR and the outcome of the DB
 * write (or Redis failing on the give-back) loses one unit. Left alone, seats then stay AVAILABLE
 * in MySQL while the counter says sold out: ticketbench's `kill-target` nemesis found 9 seats of
 * 1,000 never sold that way (sell-out check). So a counter that reads sold out is re-counted, at
 * most once per RESTOCK_INTERVAL_MS per schedule and instance: the AVAILABLE seats in MySQL whose
 * seat lock is free (a unit in flight is always taken under its seat's lock, so a locked seat may
 * still be on its way to HELD and is not counted) become the counter again, in one Lua script
 * so no lock can be taken between the look and the set. It never oversells either way: the seat
 * lock and the seat's status still decide who gets a seat; the counter only turns requests away.
 */
import type { RowDataPacket } from 'mysql2';
import { HttpError } from '../errors.ts';
import { describe } from '../log.ts';
import { luaScript, runScript } from '../redis.ts';
import { seatLockKey } from '../seat-lock.ts';
import { holdUnderSeatLock } from './redis-lock.ts';
import type { HoldInput, HoldStrategyDeps, HoldStrategyFactory } from './types.ts';

/** The stock counter of a schedule: `stock:{scheduleId}`. */
export function stockKey(scheduleId: number): string {
  return `stock:${scheduleId}`;
}

// Returns the decremented value, or nil when the counter does not exist yet (a plain DECR would
// create it at -1 and sell the schedule out for good).
const DECR_IF_EXISTS = luaScript(`if redis.call('exists', KEYS[1]) == 0 then
  return false
end
return redis.call('decr', KEYS[1])`);

// Gives ARGV[1] units back to an existing counter; returns nil when there is none.
const INCRBY_IF_EXISTS = luaScript(`if redis.call('exists', KEYS[1]) == 0 then
  return false
end
return redis.call('incrby', KEYS[1], ARGV[1])`);

// When the counter reads ≤ 0: sets it to the number of seat locks among KEYS[2..] that are free,
// if any; returns the counter's value afterwards.
const RESTOCK_IF_SOLD_OUT = luaScript(`local current = tonumber(redis.call('get', KEYS[1]) or '0')
if current > 0 then
  return current
end
local free = 0
for i = 2, #KEYS do
  if redis.call('exists', KEYS[i]) == 0 then
    free = free + 1
  end
end
if free > 0 then
  redis.call('set', KEYS[1], free)
end
return free`);

/** How often one instance may re-count a sold-out schedule's free seats, ms. */
export const RESTOCK_INTERVAL_MS = 500;

function soldOut(input: HoldInput): HttpError {
  return new HttpError(409, 'SOLD_OUT', `Schedule ${input.scheduleId} has no seats left.`);
}

/** Creates the `redis-stock` strategy. */
export const createRedisStockStrategy: HoldStrategyFactory = (deps: HoldStrategyDeps) => {
  const { pool, redis, log } = deps;
  // One MySQL count per schedule even when a burst of first holds all find the counter missing.
  const initialising = new Map<number, Promise<void>>();

  const initialiseStock = async (input: HoldInput): Promise<void> => {
    const [rows] = await pool.execute<RowDataPacket[]>(
      "SELECT EXISTS (SELECT 1 FROM schedules WHERE id = ?) AS known, (SELECT COUNT(*) FROM seats WHERE schedule_id = ? AND status = 'AVAILABLE') AS available",
      [input.scheduleId, input.scheduleId],
    );
    if (Number(rows[0]?.known) !== 1) {
      throw new HttpError(404, 'SEAT_NOT_FOUND', `Seat ${input.seatNo} of schedule ${input.scheduleId} does not exist.`);
    }
    // NX: another request or instance may have created it (and sold from it) meanwhile.
    await redis.set(stockKey(input.scheduleId), Number(rows[0]?.available), 'NX');
  };

  const ensureStock = (input: HoldInput): Promise<void> => {
    let pending = initialising.get(input.scheduleId);
    if (!pending) {
      pending = initialiseStock(input).finally(() => initialising.delete(input.scheduleId));
      initialising.set(input.scheduleId, pending);
    }
    return pending;
  };

  const takeUnit = async (input: HoldInput): Promise<number> => {
    const key = stockKey(input.scheduleId);
    let remaining = await runScript(redis, DECR_IF_EXISTS, [key], []);
    if (remaining === null) {
      await ensureStock(input);
      remaining = await runScript(redis, DECR_IF_EXISTS, [key], []);
      if (remaining === null) throw new Error(`${key} vanished right after it was initialised`);
    }
    return Number(remaining);
  };

  const readStock = async (input: HoldInput): Promise<number> => {
    let value = await redis.get(stockKey(input.scheduleId));
    if (value === null) {
      await ensureStock(input);
      value = await redis.get(stockKey(input.scheduleId));
    }
    return Number(value ?? 0);
  };

  const lastRestock = new Map<number, number>();
  /** Recovers leaked units of a sold-out counter (see the module comment); true when some came back. */
  const restockLeaked = async (input: HoldInput): Promise<boolean> => {
    const now = Date.now();
    if ((lastRestock.get(input.scheduleId) ?? 0) + RESTOCK_INTERVAL_MS > now) return false;
    if (lastRestock.size > 10_000) lastRestock.clear();
    lastRestock.set(input.scheduleId, now);
    const [rows] = await pool.execute<RowDataPacket[]>("SELECT seat_no FROM seats WHERE schedule_id = ? AND status = 'AVAILABLE' LIMIT 10000", [input.scheduleId]);
    if (rows.length === 0) return false;
    const keys = [stockKey(input.scheduleId), ...rows.map((r) => seatLockKey(input.scheduleId, String(r['seat_no'])))];
    const stock = Number(await runScript(redis, RESTOCK_IF_SOLD_OUT, keys, []));
    if (stock > 0) log.warn(`${stockKey(input.scheduleId)} read sold out with ${stock} AVAILABLE seat(s) unlocked in MySQL: restocked (units leaked by a crash or a failed give-back)`);
    return stock > 0;
  };

  const giveBack = async (scheduleId: number, units: number): Promise<void> => {
    await runScript(redis, INCRBY_IF_EXISTS, [stockKey(scheduleId)], [units]);
  };

  return {
    name: 'redis-stock',
    usesConfirmGuard: true,
    async hold(input, attempts) {
      // Fast path: a sold-out schedule is answered from Redis alone, without the seat lock or MySQL.
      if ((await readStock(input)) <= 0 && !(await restockLeaked(input))) throw soldOut(input);
      let taken = false;
      try {
        // The unit is taken only once the seat is locked and known to be AVAILABLE: taken before
        // (as a plain pre-check DECR would), every attempt on an already-taken seat dips the
        // counter until its give-back, and late in a sale those dips answer SOLD_OUT while seats
        // are still free — ticketbench's flash-sale sell-out check caught exactly that.
        return await holdUnderSeatLock(deps, input, attempts, async () => {
          const remaining = await takeUnit(input);
          taken = true;
          if (remaining < 0) throw soldOut(input);
        });
      } catch (err) {
        if (taken) {
          await giveBack(input.scheduleId, 1).catch((giveBackErr: unknown) => {
            log.warn(`${stockKey(input.scheduleId)}: one unit leaked, give-back failed: ${describe(giveBackErr)}`);
          });
        }
        throw err;
      }
    },
    async onSeatsFreed(freed) {
      await Promise.all([...freed].map(([scheduleId, seats]) => giveBack(scheduleId, seats)));
    },
    async onScheduleCreated(scheduleId, seats) {
      // Overwrite, not NX: a counter with this id can only be another database's leftover.
      await redis.set(stockKey(scheduleId), seats);
    },
  };
};
