/**
 * The figures a reservation scenario reports from its history (the operations themselves are the
 * profile's: src/profile/target-ops.ts).
 */
import type { History } from '../engine/history.ts';

/**
 * Figures of a reservation run from its history:
 * - `holdAttempts`, `holdsOk`, `conflicts` (holds refused as a lost race or sold out: the bundled
 *   target's 409), `paysOk`;
 * - `seatsSold` (distinct seats with an acknowledged payment) of `seats`;
 * - `attemptsPerSale` = hold attempts / acknowledged payments;
 * - `sellOutMs`: when the last seat was paid for, ms after the load started (only when every
 *   seat sold);
 * - `targetRetries`: extra DB write attempts the target reported (`Hold-Attempts` − 1).
 */
export function reservationResults(history: History, seats: number): Record<string, number | string> {
  const holds = history.byF('hold');
  const pays = history.byF('pay').filter((op) => op.type === 'ok');
  const seatOf = new Map<string, string>();
  for (const op of holds) if (op.type === 'ok') seatOf.set(String(op.result['reservationId']), `${op.value['scheduleId']}/${op.value['seatNo']}`);
  const soldSeats = new Set(pays.map((op) => seatOf.get(String(op.value['reservationId']))).filter((s) => s !== undefined));
  const retries = holds.reduce((sum, op) => sum + Math.max(0, Number(op.result['attempts'] ?? 1) - 1), 0);
  const results: Record<string, number | string> = {
    holdAttempts: holds.length,
    holdsOk: holds.filter((op) => op.type === 'ok').length,
    conflicts: holds.filter((op) => op.result['reason'] === 'lost-race' || op.result['reason'] === 'sold-out').length,
    paysOk: pays.length,
    seatsSold: soldSeats.size,
    seats,
    attemptsPerSale: pays.length > 0 ? Math.round((holds.length / pays.length) * 100) / 100 : 0,
    targetRetries: retries,
  };
  // A reduce, not Math.max(...list): spreading 10^5+ values overflows the call stack.
  if (soldSeats.size >= seats && pays.length > 0) results['sellOutMs'] = Math.round(pays.reduce((latest, op) => Math.max(latest, op.completeUs), 0) / 1000);
  return results;
}
