/**
 * Check 2 — the client's history against MySQL, in the manner of Jepsen's set checker:
 * every hold or payment the client saw succeed (`ok`) is in the database (else `lost`), and
 * nothing in the database for this run lacks a client operation (else `unexpected`). An
 * indeterminate (`info`) operation may go either way: found rows matched to one count as
 * `recovered`. Stricter than Jepsen: a row owned by a user who was told `fail` (e.g. 409) is
 * unexpected. Operation shapes: `hold` {scheduleId, seatNo, userId} → {reservationId};
 * `pay` {reservationId, userId} → {paymentId}.
 */
import type { Op } from '../engine/history.ts';
import type { Id } from '../profile/target-ops.ts';
import { canonicalRows, idKey } from './canonical.ts';
import { defineChecker } from './checker.ts';
import { countKinds, type KindPhrases } from './headline.ts';
import { type EvidenceRow, resultFromViolations } from './types.ts';
import { pushTo } from '../util/multimap.ts';

/** This run's reservations and payments (ids as the service has them: numbers or strings). */
export interface HistoryVsMysqlSnapshot {
  readonly reservations: readonly { id: Id; scheduleId: number; seatNo: string; userId: Id; status: string }[];
  readonly payments: readonly { id: Id; reservationId: Id; userId: Id }[];
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const holdKey = (scheduleId: unknown, seatNo: unknown, userId: unknown) => `${num(scheduleId)}/${String(seatNo)}/${idKey(userId)}`;

export const historyVsMysqlChecker = defineChecker<HistoryVsMysqlSnapshot>({
  id: 'history-vs-mysql',
  title: 'Client history matches MySQL',

  async collect(stores, scope) {
    const reservations = await canonicalRows(stores, scope, 'reservations');
    const payments = await canonicalRows(stores, scope, 'payments');
    return {
      reservations: reservations.map((r) => ({ id: r.id as Id, scheduleId: num(r.scheduleId), seatNo: String(r.seatNo), userId: r.userId as Id, status: String(r.status) })),
      payments: payments.map((p) => ({ id: p.id as Id, reservationId: p.reservationId as Id, userId: p.userId as Id })),
    };
  },

  check(history, snap) {
    const violations: EvidenceRow[] = [];
    const holds = history.byF('hold');
    const pays = history.byF('pay');
    const reservationById = new Map(snap.reservations.map((r) => [idKey(r.id), r]));
    const paymentByReservation = new Map(snap.payments.map((p) => [idKey(p.reservationId), p]));

    const okHoldIds = new Set<string>();
    for (const op of holds.filter((o) => o.type === 'ok')) {
      const id = idKey(op.result['reservationId']);
      okHoldIds.add(id);
      const row = reservationById.get(id);
      if (!row) violations.push(evidence('lost-hold', op, `reservation ${id} acknowledged but not in MySQL`));
      else if (holdKey(row.scheduleId, row.seatNo, row.userId) !== holdKey(op.value['scheduleId'], op.value['seatNo'], op.value['userId'])) {
        violations.push(evidence('lost-hold', op, `reservation ${id} is seat ${row.scheduleId}/${row.seatNo} of user ${row.userId} in MySQL`));
      }
    }

    const okPayIds = new Set<string>();
    const infoPayIds = new Set<string>();
    for (const op of pays) {
      const id = idKey(op.value['reservationId']);
      if (op.type === 'info') infoPayIds.add(id);
      if (op.type !== 'ok') continue;
      okPayIds.add(id);
      const row = reservationById.get(id);
      const payment = paymentByReservation.get(id);
      if (!row || row.status !== 'CONFIRMED' || !payment) {
        violations.push(evidence('lost-payment', op, `payment acknowledged but reservation ${id} is ${row?.status ?? 'missing'}${payment ? '' : ', no payment row'}`));
      }
    }

    const holdsByKey = new Map<string, Op[]>();
    for (const op of holds) {
      const key = holdKey(op.value['scheduleId'], op.value['seatNo'], op.value['userId']);
      pushTo(holdsByKey, key, op);
    }
    let recovered = 0;
    for (const row of snap.reservations) {
      if (okHoldIds.has(idKey(row.id))) continue;
      const ops = holdsByKey.get(holdKey(row.scheduleId, row.seatNo, row.userId)) ?? [];
      if (ops.some((o) => o.type === 'info')) {
        recovered += 1;
        continue;
      }
      const told = ops.length > 0 ? `user was answered ${ops.map((o) => o.result['status'] ?? o.type).join(',')}` : 'no client operation';
      violations.push({ anomaly: 'unexpected-reservation', reservationId: row.id, seat: `${row.scheduleId}/${row.seatNo}`, userId: row.userId, status: row.status, detail: told });
    }
    for (const payment of snap.payments) {
      if (okPayIds.has(idKey(payment.reservationId))) continue;
      if (infoPayIds.has(idKey(payment.reservationId))) {
        // A payment whose answer was lost, found in the database: it happened.
        recovered += 1;
        continue;
      }
      const row = reservationById.get(idKey(payment.reservationId));
      violations.push({ anomaly: 'unexpected-payment', reservationId: payment.reservationId, seat: row ? `${row.scheduleId}/${row.seatNo}` : '?', userId: payment.userId, status: row?.status ?? 'missing', detail: `payment ${payment.id} without an acknowledged or indeterminate pay` });
    }

    const count = (ops: Op[], type: Op['type']) => ops.filter((o) => o.type === type).length;
    return resultFromViolations(
      {
        id: 'history-vs-mysql',
        title: 'Client history matches MySQL',
        counts: {
          holdsOk: count(holds, 'ok'), holdsFail: count(holds, 'fail'), holdsInfo: count(holds, 'info'),
          paysOk: count(pays, 'ok'), paysFail: count(pays, 'fail'), paysInfo: count(pays, 'info'),
          reservationsInDb: snap.reservations.length, paymentsInDb: snap.payments.length, recovered,
        },
      },
      violations,
      `every acknowledged hold and payment is in MySQL and every row has a client operation (${recovered} indeterminate recovered)`,
      (n) => `${n} mismatch(es) between the client history and MySQL: ${countKinds(violations, MISMATCH_PHRASES)}`,
    );
  },
});

function evidence(anomaly: string, op: Op, detail: string): EvidenceRow {
  return { anomaly, reservationId: op.result['reservationId'] ?? op.value['reservationId'] ?? null, seat: `${op.value['scheduleId'] ?? '?'}/${op.value['seatNo'] ?? '?'}`, userId: op.value['userId'] ?? null, status: op.type, detail };
}

/** How the headline words each kind of mismatch. */
const MISMATCH_PHRASES: KindPhrases = {
  'lost-hold': (n) => `${n} acknowledged hold(s) missing or different in MySQL`,
  'lost-payment': (n) => `${n} acknowledged payment(s) not CONFIRMED with a payment row`,
  'unexpected-reservation': (n) => `${n} reservation(s) in MySQL the client was never granted`,
  'unexpected-payment': (n) => `${n} payment(s) in MySQL the client never made or was refused`,
};
