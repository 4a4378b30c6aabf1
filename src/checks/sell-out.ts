/**
 * Scenario outcome — when demand covers supply, every seat is sold exactly once: one hold the
 * client saw succeed and one acknowledged payment per seat, and MySQL holds one CONFIRMED
 * reservation per seat. The seed's contention result (80 users, 1 seat → 1 success, 79
 * conflicts; seed 001) is this check with one seat.
 *
 * An operation whose answer was lost (`info`: a timeout, an instance killed mid-request) is judged
 * by what it did: a seat it sold counts as sold (recovered), and a seat left unsold by it is left
 * held until its hold expires, as the design promises, so it is counted, not failed. Selling a
 * seat twice, or two acknowledged holds of one seat, fail whatever else happened.
 */
import { defineChecker } from './checker.ts';
import { countKinds, type KindPhrases } from './headline.ts';
import { canonicalRows, idKey } from './canonical.ts';
import { type EvidenceRow, resultFromViolations } from './types.ts';

/** Every seat of the run, with its CONFIRMED reservation count. */
export interface SellOutSnapshot {
  readonly seats: readonly { scheduleId: number; seatNo: string; confirmed: number }[];
}

export const sellOutChecker = defineChecker<SellOutSnapshot>({
  id: 'sell-out',
  title: 'Every seat sold exactly once',

  async collect(stores, scope) {
    const seats = await canonicalRows(stores, scope, 'seats');
    const reservations = await canonicalRows(stores, scope, 'reservations');
    const seatKey = (scheduleId: unknown, seatNo: unknown) => `${Number(scheduleId)}/${String(seatNo)}`;
    const confirmed = new Map<string, number>();
    for (const r of reservations) if (r.status === 'CONFIRMED') confirmed.set(seatKey(r.scheduleId, r.seatNo), (confirmed.get(seatKey(r.scheduleId, r.seatNo)) ?? 0) + 1);
    return { seats: seats.map((s) => ({ scheduleId: Number(s.scheduleId), seatNo: String(s.seatNo), confirmed: confirmed.get(seatKey(s.scheduleId, s.seatNo)) ?? 0 })) };
  },

  check(history, snap) {
    const key = (scheduleId: unknown, seatNo: unknown) => `${Number(scheduleId)}/${String(seatNo)}`;
    const okHolds = new Map<string, number>();
    const seatOfReservation = new Map<string, string>();
    for (const op of history.byF('hold').filter((o) => o.type === 'ok')) {
      const seat = key(op.value['scheduleId'], op.value['seatNo']);
      okHolds.set(seat, (okHolds.get(seat) ?? 0) + 1);
      seatOfReservation.set(idKey(op.result['reservationId']), seat);
    }
    const okPays = new Map<string, number>();
    // Seats an operation with a lost answer touched: its hold, or the payment of a hold of it.
    const indeterminate = new Set<string>();
    for (const op of history.byF('hold')) if (op.type === 'info') indeterminate.add(key(op.value['scheduleId'], op.value['seatNo']));
    for (const op of history.byF('pay')) {
      const seat = seatOfReservation.get(idKey(op.value['reservationId'])) ?? '?';
      if (op.type === 'ok') okPays.set(seat, (okPays.get(seat) ?? 0) + 1);
      else if (op.type === 'info') indeterminate.add(seat);
    }
    const violations: EvidenceRow[] = [];
    let recovered = 0;
    let leftHeld = 0;
    for (const s of snap.seats) {
      const seat = key(s.scheduleId, s.seatNo);
      const holds = okHolds.get(seat) ?? 0;
      const pays = okPays.get(seat) ?? 0;
      if (s.confirmed === 1 && holds === 1 && pays === 1) continue;
      const twice = s.confirmed > 1 || pays > 1 || holds > 1;
      if (!twice && indeterminate.has(seat)) {
        if (s.confirmed === 1) recovered += 1;
        else leftHeld += 1;
        continue;
      }
      violations.push({ seat, confirmedInDb: s.confirmed, holdsOk: holds, paysOk: pays });
    }
    const sold = snap.seats.filter((s) => s.confirmed >= 1).length;
    const lost = recovered + leftHeld > 0 ? `; answers lost: ${recovered} seat(s) sold all the same, ${leftHeld} left held until their hold expires` : '';
    return resultFromViolations(
      {
        id: 'sell-out',
        title: 'Every seat sold exactly once',
        counts: { seats: snap.seats.length, sold, holdsOk: [...okHolds.values()].reduce((a, b) => a + b, 0), paysOk: [...okPays.values()].reduce((a, b) => a + b, 0), recovered, leftHeldByLostAnswers: leftHeld },
      },
      violations,
      `${sold}/${snap.seats.length} seat(s) sold, each with exactly one acknowledged hold and payment${lost}`,
      (n) => `${n} seat(s) not sold exactly once: ${countKinds(violations.map((v) => ({ anomaly: sellOutAnomaly(Number(v['confirmedInDb']), Number(v['holdsOk']), Number(v['paysOk'])) })), SELL_OUT_PHRASES)}`,
    );
  },
});

/** What is wrong with a seat, most serious first. */
function sellOutAnomaly(confirmed: number, holdsOk: number, paysOk: number): string {
  if (confirmed > 1 || paysOk > 1) return 'sold-twice';
  if (holdsOk > 1) return 'held-twice';
  if (confirmed === 0 && paysOk === 0) return 'unsold';
  return 'history-differs';
}

/** How the headline words each kind. */
const SELL_OUT_PHRASES: KindPhrases = {
  'sold-twice': (n) => `${n} sold more than once`,
  unsold: (n) => `${n} never sold`,
  'held-twice': (n) => `${n} held by more than one user (acknowledged holds)`,
  'history-differs': (n) => `${n} whose acknowledged hold or payment count differs from MySQL's sale`,
};
