/**
 * Check 1 — database integrity: no seat has more than one CONFIRMED reservation (double booking),
 * confirmed reservations never exceed the seats (overselling), every guard row matches a
 * CONFIRMED reservation and vice versa (when the design has a guard table), and every CONFIRMED
 * reservation has its payment. Reads the profile's `seats`, `reservations`, `payments` and
 * (optional) `guards` rows.
 */
import type { Id } from '../profile/target-ops.ts';
import { canonicalRows, hasQuery, idKey } from './canonical.ts';
import { defineChecker } from './checker.ts';
import { countKinds, type KindPhrases } from './headline.ts';
import { type EvidenceRow, resultFromViolations } from './types.ts';
import { pushTo } from '../util/multimap.ts';

/** Rows of this run the check reads. */
export interface DoubleBookingSnapshot {
  readonly seats: number;
  /** CONFIRMED reservations. */
  readonly confirmed: readonly { id: Id; scheduleId: number; seatNo: string }[];
  /** Guard rows; null when the design has no guard table (its unique key guards the seat). */
  readonly guards: readonly { scheduleId: number; seatNo: string; reservationId: Id }[] | null;
  /** Reservation ids that have a payment row. */
  readonly paidReservationIds: readonly Id[];
}

export const doubleBookingChecker = defineChecker<DoubleBookingSnapshot>({
  id: 'double-booking',
  title: 'No double booking or overselling in MySQL',

  async collect(stores, scope) {
    const seats = await canonicalRows(stores, scope, 'seats');
    const reservations = await canonicalRows(stores, scope, 'reservations');
    const guards = hasQuery(stores, 'guards') ? await canonicalRows(stores, scope, 'guards') : null;
    const paid = await canonicalRows(stores, scope, 'payments');
    return {
      seats: seats.length,
      confirmed: reservations.filter((r) => r.status === 'CONFIRMED').map((r) => ({ id: r.id as Id, scheduleId: Number(r.scheduleId), seatNo: String(r.seatNo) })),
      guards: guards?.map((g) => ({ scheduleId: Number(g.scheduleId), seatNo: String(g.seatNo), reservationId: g.reservationId as Id })) ?? null,
      paidReservationIds: paid.map((p) => p.reservationId as Id),
    };
  },

  check(_history, snap) {
    const violations: EvidenceRow[] = [];
    const bySeat = new Map<string, Id[]>();
    for (const r of snap.confirmed) {
      const key = `${r.scheduleId}/${r.seatNo}`;
      pushTo(bySeat, key, r.id);
    }
    for (const [seat, ids] of bySeat) {
      if (ids.length > 1) violations.push({ anomaly: 'double-booking', seat, reservations: ids.join(','), count: ids.length });
    }
    if (snap.confirmed.length > snap.seats) {
      violations.push({ anomaly: 'oversold', seat: '*', reservations: '', count: snap.confirmed.length - snap.seats });
    }
    const confirmedById = new Map(snap.confirmed.map((r) => [idKey(r.id), r]));
    const guardByReservation = new Map((snap.guards ?? []).map((g) => [idKey(g.reservationId), g]));
    for (const g of snap.guards ?? []) {
      const r = confirmedById.get(idKey(g.reservationId));
      if (!r || r.seatNo !== g.seatNo || r.scheduleId !== g.scheduleId) {
        violations.push({ anomaly: 'guard-without-confirmed', seat: `${g.scheduleId}/${g.seatNo}`, reservations: String(g.reservationId), count: 1 });
      }
    }
    const paid = new Set(snap.paidReservationIds.map(idKey));
    for (const r of snap.confirmed) {
      const seat = `${r.scheduleId}/${r.seatNo}`;
      if (snap.guards !== null && !guardByReservation.has(idKey(r.id))) violations.push({ anomaly: 'confirmed-without-guard', seat, reservations: String(r.id), count: 1 });
      if (!paid.has(idKey(r.id))) violations.push({ anomaly: 'confirmed-without-payment', seat, reservations: String(r.id), count: 1 });
    }
    const doubleBooked = [...bySeat.values()].filter((ids) => ids.length > 1).length;
    return resultFromViolations(
      {
        id: 'double-booking',
        title: 'No double booking or overselling in MySQL',
        counts: { seats: snap.seats, confirmed: snap.confirmed.length, ...(snap.guards === null ? {} : { guardRows: snap.guards.length }), doubleBookedSeats: doubleBooked, oversold: Math.max(0, snap.confirmed.length - snap.seats) },
      },
      violations,
      `${snap.confirmed.length} confirmed reservation(s) for ${snap.seats} seat(s), each with ${snap.guards === null ? '' : 'one guard row and '}one payment`,
      (n) => `${n} integrity violation(s): ${countKinds(violations, ANOMALY_PHRASES, (v) => (v['anomaly'] === 'oversold' ? Number(v['count']) : 1))}`,
    );
  },
});

/** How the headline names each kind of violation, from its count (seats, or confirmed rows over the seats). */
const ANOMALY_PHRASES: KindPhrases = {
  'double-booking': (n) => `${n} double-booked seat(s)`,
  oversold: (n) => `${n} confirmed reservation(s) more than seats (oversold)`,
  'guard-without-confirmed': (n) => `${n} guard row(s) without a matching CONFIRMED reservation`,
  'confirmed-without-guard': (n) => `${n} CONFIRMED reservation(s) without a guard row`,
  'confirmed-without-payment': (n) => `${n} CONFIRMED reservation(s) without a payment`,
};
