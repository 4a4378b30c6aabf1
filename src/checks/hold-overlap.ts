/**
 * Check `hold-overlap` — holds on one seat exclude each other in time. A hold is a promise ("this
 * seat is yours for the hold time"): a target that lets two users hold one seat at once (a lock
 * released too early, a check-then-act race) breaks it even when the guard at payment later
 * refuses the second payment, so no seat ends up double-booked and the other checks pass.
 *
 * Two independent views, both reported:
 * - **MySQL**: each reservation of the run's schedules (the profile's `reservations`) holds its
 *   seat from `createdUs` until its hold ends: its status change when it went EXPIRED or CANCELLED,
 *   or its expiry time if that came first (the hold promised the seat that long, not until the
 *   sweep); a HELD one until its expiry; a CONFIRMED one for good. Two reservations of one seat whose intervals overlap are a
 *   violation. Rows that exist count, whatever the client saw (an `info` hold counts only where
 *   MySQL shows it happened). Times are the database's own clock, in µs.
 * - **History**: a hold the client saw succeed, then paid (`pay` ok), owned its seat from its hold
 *   answer on (a payment needs a live hold, and a sold seat stays sold); a later hold on the same
 *   seat acknowledged after that answer was given the seat while it was owned. Client clock, µs.
 *
 * Source: Jepsen's linearizability reasoning on invoke/complete intervals (an operation took
 * effect somewhere between its invocation and its completion).
 */
import type { History } from '../engine/history.ts';
import { countKinds, type KindPhrases } from './headline.ts';
import { defineChecker } from './checker.ts';
import type { Id } from '../profile/target-ops.ts';
import { canonicalRows, idKey } from './canonical.ts';
import { type EvidenceRow, resultFromViolations } from './types.ts';

/** One reservation as the check reads it; times are µs on the database clock. */
export interface HeldInterval {
  readonly id: Id;
  readonly scheduleId: number;
  readonly seatNo: string;
  readonly userId: Id;
  readonly status: string;
  readonly startUs: number;
  /** When the hold ended (EXPIRED or CANCELLED), else null: still held, or sold. */
  readonly endUs: number | null;
}

/** What `collect` reads: every reservation of the run's schedules and the database's clock then. */
export interface HoldOverlapSnapshot {
  readonly reservations: readonly HeldInterval[];
  /** The database clock when the rows were read, µs: the end of every interval still open. */
  readonly readAtUs: number;
}

/** Statuses whose `updated_at` is when the hold ended (the seat was given back). */
const ENDED_STATUSES = ['EXPIRED', 'CANCELLED'];

const PHRASES: KindPhrases = {
  'overlap-in-mysql': (n) => `${n} pair(s) of reservations holding one seat at the same time in MySQL`,
  'held-while-owned': (n) => `${n} hold(s) acknowledged while another user's paid hold owned the seat`,
};

/** The `hold-overlap` checker; see the module comment. */
export const holdOverlapChecker = defineChecker<HoldOverlapSnapshot>({
  id: 'hold-overlap',
  title: 'Holds on one seat exclude each other in time',

  async collect(stores, scope) {
    const rows = await canonicalRows(stores, scope, 'reservations');
    const [now] = await canonicalRows(stores, scope, 'nowUs');
    return {
      reservations: rows.map((r) => ({
        id: r.id as Id,
        scheduleId: Number(r.scheduleId),
        seatNo: String(r.seatNo),
        userId: r.userId as Id,
        status: String(r.status),
        startUs: Number(r.createdUs),
        endUs: holdEndUs(String(r.status), Number(r.changedUs), r.expiresUs === null || r.expiresUs === undefined ? undefined : Number(r.expiresUs), Number(now?.nowUs ?? 0)),
      })),
      readAtUs: Number(now?.nowUs ?? 0),
    };
  },

  check(history, snap) {
    const violations: EvidenceRow[] = [...overlapsInMysql(snap), ...holdsWhileOwned(history)];
    const seats = new Set(snap.reservations.map((r) => `${r.scheduleId}/${r.seatNo}`)).size;
    const mysqlPairs = violations.filter((v) => v['anomaly'] === 'overlap-in-mysql').length;
    return resultFromViolations(
      {
        id: 'hold-overlap',
        title: 'Holds on one seat exclude each other in time',
        counts: { reservations: snap.reservations.length, seats, overlapsInMysql: mysqlPairs, heldWhileOwned: violations.length - mysqlPairs },
      },
      violations,
      `${snap.reservations.length} reservation(s) on ${seats} seat(s): no two held one seat at the same time`,
      (n) => `${n} overlapping hold(s): ${countKinds(violations, PHRASES)}`,
    );
  },
});

/** Pairs of reservations of one seat whose held intervals overlap (open ones end at `readAtUs`). */
function overlapsInMysql(snap: HoldOverlapSnapshot): EvidenceRow[] {
  const bySeat = new Map<string, HeldInterval[]>();
  for (const r of snap.reservations) {
    const seat = `${r.scheduleId}/${r.seatNo}`;
    const list = bySeat.get(seat);
    if (list) list.push(r);
    else bySeat.set(seat, [r]);
  }
  const violations: EvidenceRow[] = [];
  for (const [seat, list] of bySeat) {
    list.sort((a, b) => a.startUs - b.startUs || compareIds(a.id, b.id));
    for (let i = 0; i < list.length; i++) {
      const a = list[i]!;
      const aEnd = a.endUs ?? snap.readAtUs;
      // Sorted by start: once a later reservation starts after a's end, none after it overlaps a.
      for (let j = i + 1; j < list.length && list[j]!.startUs < aEnd; j++) {
        const b = list[j]!;
        const overlapUs = Math.min(aEnd, b.endUs ?? snap.readAtUs) - b.startUs;
        if (overlapUs <= 0) continue;
        violations.push({
          anomaly: 'overlap-in-mysql',
          seat,
          reservations: `${a.id},${b.id}`,
          users: `${a.userId},${b.userId}`,
          statuses: `${a.status},${b.status}`,
          overlapMs: Math.round(overlapUs / 100) / 10,
          detail: `reservation ${b.id} was created while ${a.id} still held the seat${b.endUs === null || a.endUs === null ? ' (one of them holds it still)' : ''}`,
        });
      }
    }
  }
  return violations;
}

/**
 * When a reservation stopped holding its seat, µs, or null while it still does (a CONFIRMED seat is
 * owned for good). A hold promises the seat until its expiry time, not until the sweep that marks
 * it: an EXPIRED or CANCELLED hold ends at its status change or its expiry, whichever came first,
 * and a HELD one past its expiry has ended too (a design may give the seat away before sweeping).
 */
export function holdEndUs(status: string, changedUs: number, expiresUs: number | undefined, nowUs: number): number | null {
  if (ENDED_STATUSES.includes(status)) return expiresUs === undefined ? changedUs : Math.min(changedUs, expiresUs);
  if (status === 'HELD' && expiresUs !== undefined && expiresUs < nowUs) return expiresUs;
  return null;
}

/** Orders ids: numerically when both are numbers, else as text. */
function compareIds(a: Id, b: Id): number {
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
}

/**
 * Holds acknowledged after another hold of the same seat was acknowledged and then paid: that
 * seat was owned from the paid hold's answer on, so the later hold was given an owned seat.
 */
function holdsWhileOwned(history: History): EvidenceRow[] {
  const paid = new Set(history.byF('pay').filter((o) => o.type === 'ok').map((o) => idKey(o.value['reservationId'])));
  const holdsBySeat = new Map<string, { reservationId: string; userId: string; invokeUs: number; completeUs: number }[]>();
  for (const op of history.byF('hold')) {
    if (op.type !== 'ok') continue;
    const seat = `${Number(op.value['scheduleId'])}/${String(op.value['seatNo'])}`;
    const hold = { reservationId: idKey(op.result['reservationId']), userId: idKey(op.value['userId']), invokeUs: op.invokeUs, completeUs: op.completeUs };
    const list = holdsBySeat.get(seat);
    if (list) list.push(hold);
    else holdsBySeat.set(seat, [hold]);
  }
  const violations: EvidenceRow[] = [];
  for (const [seat, holds] of holdsBySeat) {
    const owners = holds.filter((h) => paid.has(h.reservationId));
    if (owners.length === 0) continue;
    // The earliest answered paid hold owned the seat from its answer on.
    const owner = owners.reduce((a, b) => (b.completeUs < a.completeUs ? b : a));
    for (const h of holds) {
      if (h === owner || h.invokeUs <= owner.completeUs) continue;
      violations.push({
        anomaly: 'held-while-owned',
        seat,
        reservations: `${owner.reservationId},${h.reservationId}`,
        users: `${owner.userId},${h.userId}`,
        statuses: 'paid,acknowledged',
        // The paid hold owns the seat for good: the overlap has no end to measure.
        overlapMs: null,
        detail: `hold of user ${h.userId} invoked ${Math.round((h.invokeUs - owner.completeUs) / 100) / 10} ms after user ${owner.userId}'s hold was acknowledged, and that hold was then paid`,
      });
    }
  }
  return violations;
}
