/**
 * Check 1 — MySQL integrity: no seat has more than one CONFIRMED reservation (double booking),
 * confirmed reservations never exceed the seats (overselling), every guard row matches a
 * CONFIRMED reservation and vice versa, and every CONFIRMED reservation has its payment.
 */
import { defineChecker } from './checker.ts';
import { countKinds, type KindPhrases } from './headline.ts';
import { placeholders, selectRows } from './sql.ts';
import { type EvidenceRow, resultFromViolations } from './types.ts';

/** Rows of this run the check reads. */
export interface DoubleBookingSnapshot {
  readonly seats: number;
  /** CONFIRMED reservations. */
  readonly confirmed: readonly { id: number; scheduleId: number; seatNo: string }[];
  readonly guards: readonly { scheduleId: number; seatNo: string; reservationId: number }[];
  /** Reservation ids that have a payment row. */
  readonly paidReservationIds: readonly number[];
}

export const doubleBookingChecker = defineChecker<DoubleBookingSnapshot>({
  id: 'double-booking',
  title: 'No double booking or overselling in MySQL',

  async collect({ mysql }, scope) {
    const ids = scope.scheduleIds;
    const inList = placeholders(ids.length);
    const [seatRow] = await selectRows<{ n: number }>(mysql, `SELECT COUNT(*) AS n FROM seats WHERE schedule_id IN (${inList})`, ids);
    const confirmed = await selectRows<{ id: number; scheduleId: number; seatNo: string }>(
      mysql,
      `SELECT id, schedule_id AS scheduleId, seat_no AS seatNo FROM reservations WHERE schedule_id IN (${inList}) AND status = 'CONFIRMED'`,
      ids,
    );
    const guards = await selectRows<{ scheduleId: number; seatNo: string; reservationId: number }>(
      mysql,
      `SELECT schedule_id AS scheduleId, seat_no AS seatNo, reservation_id AS reservationId FROM confirmed_seat_guard WHERE schedule_id IN (${inList})`,
      ids,
    );
    const paid = await selectRows<{ reservationId: number }>(
      mysql,
      `SELECT p.reservation_id AS reservationId FROM payments p JOIN reservations r ON r.id = p.reservation_id WHERE r.schedule_id IN (${inList})`,
      ids,
    );
    return {
      seats: Number(seatRow?.n ?? 0),
      confirmed: confirmed.map((r) => ({ ...r, id: Number(r.id), scheduleId: Number(r.scheduleId) })),
      guards: guards.map((g) => ({ ...g, scheduleId: Number(g.scheduleId), reservationId: Number(g.reservationId) })),
      paidReservationIds: paid.map((p) => Number(p.reservationId)),
    };
  },

  check(_history, snap) {
    const violations: EvidenceRow[] = [];
    const bySeat = new Map<string, number[]>();
    for (const r of snap.confirmed) {
      const key = `${r.scheduleId}/${r.seatNo}`;
      bySeat.set(key, [...(bySeat.get(key) ?? []), r.id]);
    }
    for (const [seat, ids] of bySeat) {
      if (ids.length > 1) violations.push({ anomaly: 'double-booking', seat, reservations: ids.join(','), count: ids.length });
    }
    if (snap.confirmed.length > snap.seats) {
      violations.push({ anomaly: 'oversold', seat: '*', reservations: '', count: snap.confirmed.length - snap.seats });
    }
    const confirmedById = new Map(snap.confirmed.map((r) => [r.id, r]));
    const guardByReservation = new Map(snap.guards.map((g) => [g.reservationId, g]));
    for (const g of snap.guards) {
      const r = confirmedById.get(g.reservationId);
      if (!r || r.seatNo !== g.seatNo || r.scheduleId !== g.scheduleId) {
        violations.push({ anomaly: 'guard-without-confirmed', seat: `${g.scheduleId}/${g.seatNo}`, reservations: String(g.reservationId), count: 1 });
      }
    }
    const paid = new Set(snap.paidReservationIds);
    for (const r of snap.confirmed) {
      const seat = `${r.scheduleId}/${r.seatNo}`;
      if (!guardByReservation.has(r.id)) violations.push({ anomaly: 'confirmed-without-guard', seat, reservations: String(r.id), count: 1 });
      if (!paid.has(r.id)) violations.push({ anomaly: 'confirmed-without-payment', seat, reservations: String(r.id), count: 1 });
    }
    const doubleBooked = [...bySeat.values()].filter((ids) => ids.length > 1).length;
    return resultFromViolations(
      {
        id: 'double-booking',
        title: 'No double booking or overselling in MySQL',
        counts: { seats: snap.seats, confirmed: snap.confirmed.length, guardRows: snap.guards.length, doubleBookedSeats: doubleBooked, oversold: Math.max(0, snap.confirmed.length - snap.seats) },
      },
      violations,
      `${snap.confirmed.length} confirmed reservation(s) for ${snap.seats} seat(s), each with one guard row and one payment`,
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
