/**
 * Turns lapsed holds into EXPIRED every 500 ms. Availability never depends on it (a hold past
 * hold_until already frees its seat and cannot be paid); the sweep keeps the state column true.
 */
import type { ResultSetHeader } from 'mysql2';
import type { Pool } from './db.ts';
import type { Logger } from './log.ts';
import { startLoop, type Loop } from './loop.ts';

/** Pause between sweeps, in milliseconds. */
export const EXPIRY_SWEEP_MS = 500;

/**
 * Marks every HOLDING reservation whose hold_until has passed as EXPIRED.
 * @returns how many reservations expired.
 * @throws the SQL error.
 */
export async function expireHoldsOnce(pool: Pool): Promise<number> {
  const [result] = await pool.query<ResultSetHeader>("UPDATE seat_reservation SET state = 'EXPIRED', updated_at = NOW(6) WHERE state = 'HOLDING' AND hold_until < NOW(6)");
  return result.affectedRows;
}

/** Starts the sweeper; see `expireHoldsOnce`. */
export function startExpirySweeper(pool: Pool, log: Logger): Loop {
  return startLoop('expiry sweeper', EXPIRY_SWEEP_MS, () => expireHoldsOnce(pool), log);
}
