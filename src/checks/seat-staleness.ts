/**
 * Check — the read path never lies for longer than it promises: no seat-map read (`seats` op)
 * showed a seat as AVAILABLE when the read started more than `ttlMs + boundMs` after that seat's
 * sale was confirmed. A cache may serve an answer read before the sale for at most its TTL (the
 * bundled target counts the TTL from the start of the database read, see
 * target-service/src/read-cache.ts); `boundMs` absorbs scheduling and clock slop.
 *
 * When a seat was confirmed: the completion of the `pay` the client saw succeed (the commit
 * happened before it), else — for a payment whose answer was lost (`info`) — the time the
 * profile's `reservations` row went CONFIRMED (`changedUs`, database clock) mapped onto the
 * history's clock through `nowUs`. Staleness of a read = its
 * invocation − that confirmation; the worst one (ms) is reported whether or not it breaks the bound.
 *
 * Operation shape (recorded by scenarios/seat-query.ts): `seats` {scheduleId} → {status,
 * available, bitmap}, where `bitmap` is base64 of a bit set over the schedule's fixture seats in
 * order: bit i (byte i >> 3, bit i & 7) set = seat `S{i+1}` was AVAILABLE in the answer.
 */
import type { History, Op } from '../engine/history.ts';
import { defineChecker, type Checker } from './checker.ts';
import { seatIndexOf } from '../profile/seat-bitmap.ts';
import { canonicalRows, idKey } from './canonical.ts';
import { CheckSkipped, type EvidenceRow, resultFromViolations } from './types.ts';

/** Confirmed reservations of this run's schedules as MySQL has them. */
export interface SeatStalenessSnapshot {
  readonly confirmed: readonly { readonly scheduleId: number; readonly seatNo: string; readonly confirmedAtMs: number }[];
}

/** The promise being checked, ms. */
export interface StalenessBound {
  /** The target's cache TTL. */
  readonly ttlMs: number;
  /** Slack on top of the TTL. */
  readonly boundMs: number;
}

export { encodeSeatBitmap, seatIndexOf } from '../profile/seat-bitmap.ts';

/**
 * Builds the check for a target whose cache TTL is `bound.ttlMs`, allowing `bound.boundMs` more.
 * MySQL times are mapped onto the history's clock with the scope's `runStartedAtMs`.
 * @param bound TTL and slack, ms
 */
export function seatStalenessChecker(bound: StalenessBound): Checker<SeatStalenessSnapshot> {
  const limitMs = bound.ttlMs + bound.boundMs;
  const id = 'seat-staleness';
  const title = `No read shows a sold seat as available longer than the cache TTL + ${bound.boundMs} ms`;
  return defineChecker<SeatStalenessSnapshot>({
    id,
    title,

    async collect(stores, scope) {
      const rows = await canonicalRows(stores, scope, 'reservations');
      // The profile's times are µs from any fixed origin on the database's clock: they are mapped
      // to epoch ms through the database's clock now and this machine's (the same machine's clock).
      const [now] = await canonicalRows(stores, scope, 'nowUs');
      const offsetMs = Date.now() - Number(now?.nowUs ?? 0) / 1000;
      return {
        confirmed: rows
          .filter((r) => r.status === 'CONFIRMED')
          .map((r) => ({ scheduleId: Number(r.scheduleId), seatNo: String(r.seatNo), confirmedAtMs: Number(r.changedUs) / 1000 + offsetMs })),
      };
    },

    check(history, snapshot, scope) {
      const confirmations = confirmationTimes(history, snapshot, scope.runStartedAtMs);
      const answered = history.byF('seats').filter((op) => op.type === 'ok');
      const reads = answered.filter((op) => typeof op.result['bitmap'] === 'string');
      // Reads that say nothing about which seats were available cannot be judged: not a pass.
      if (answered.length > 0 && reads.length === 0) throw new CheckSkipped("the profile's seatMap gives no `available`: no read says which seats it showed available");
      let worstUs = 0;
      const unnumbered = [...confirmations.values()].flat().find((seat) => seat.index < 0);
      if (unnumbered) throw new CheckSkipped(`seat ${unnumbered.seatNo} is not numbered S1…Sn (the profile's setup seatNo), so reads cannot be matched to seats`);
      const violations: EvidenceRow[] = [];
      let staleReads = 0;
      for (const read of reads) {
        const seats = confirmations.get(Number(read.value['scheduleId']));
        if (!seats) continue;
        const bitmap = Buffer.from(String(read.result['bitmap']), 'base64');
        let worstOfRead: { seatNo: string; us: number; source: string } | undefined;
        for (const seat of seats) {
          if (seat.atUs >= read.invokeUs || seat.index < 0) continue;
          const byte = bitmap[seat.index >> 3];
          if (byte === undefined || (byte & (1 << (seat.index & 7))) === 0) continue;
          const us = read.invokeUs - seat.atUs;
          if (!worstOfRead || us > worstOfRead.us) worstOfRead = { seatNo: seat.seatNo, us, source: seat.source };
        }
        if (!worstOfRead) continue;
        staleReads++;
        worstUs = Math.max(worstUs, worstOfRead.us);
        if (worstOfRead.us > limitMs * 1000) violations.push(evidence(read, worstOfRead));
      }
      const worstMs = Math.round(worstUs / 100) / 10;
      const counts = { reads: reads.length, confirmedSeats: countSeats(confirmations), staleReads, violations: violations.length, worstStalenessMs: worstMs, limitMs };
      return resultFromViolations(
        { id, title, counts },
        violations,
        `${reads.length} seat reads, ${staleReads} showed a seat sold before they started (worst ${worstMs} ms), none beyond ${limitMs} ms`,
        (n) => `${n} of ${reads.length} seat reads showed a seat as available more than ${limitMs} ms (TTL ${bound.ttlMs} + ${bound.boundMs}) after its sale was confirmed; worst ${worstMs} ms`,
      );
    },
  });
}

interface Confirmation {
  readonly seatNo: string;
  readonly index: number;
  /** On the history's clock, µs since the load started. */
  readonly atUs: number;
  readonly source: 'pay ok' | 'mysql';
}

/** Per schedule, when each seat's sale was confirmed (the earliest evidence of it). */
function confirmationTimes(history: History, snapshot: SeatStalenessSnapshot, runStartedAtMs: number): Map<number, Confirmation[]> {
  const seatOfReservation = new Map<string, { scheduleId: number; seatNo: string }>();
  for (const hold of history.byF('hold')) {
    if (hold.type === 'ok') seatOfReservation.set(idKey(hold.result['reservationId']), { scheduleId: Number(hold.value['scheduleId']), seatNo: String(hold.value['seatNo']) });
  }
  const at = new Map<string, { scheduleId: number; seatNo: string; atUs: number; source: 'pay ok' | 'mysql' }>();
  for (const pay of history.byF('pay')) {
    if (pay.type !== 'ok') continue;
    const seat = seatOfReservation.get(idKey(pay.value['reservationId']));
    if (!seat) continue;
    const key = `${seat.scheduleId}/${seat.seatNo}`;
    const before = at.get(key);
    if (!before || pay.completeUs < before.atUs) at.set(key, { ...seat, atUs: pay.completeUs, source: 'pay ok' });
  }
  for (const row of snapshot.confirmed) {
    const key = `${row.scheduleId}/${row.seatNo}`;
    // Only when the client never saw the payment succeed: MySQL's clock is mapped with the
    // run's wall-clock start, less exact than the history's own times.
    if (at.has(key)) continue;
    at.set(key, { scheduleId: row.scheduleId, seatNo: row.seatNo, atUs: (row.confirmedAtMs - runStartedAtMs) * 1000, source: 'mysql' });
  }
  const bySchedule = new Map<number, Confirmation[]>();
  for (const c of at.values()) {
    const list = bySchedule.get(c.scheduleId) ?? [];
    list.push({ seatNo: c.seatNo, index: seatIndexOf(c.seatNo), atUs: c.atUs, source: c.source });
    bySchedule.set(c.scheduleId, list);
  }
  return bySchedule;
}

function countSeats(confirmations: Map<number, Confirmation[]>): number {
  let n = 0;
  for (const list of confirmations.values()) n += list.length;
  return n;
}

function evidence(read: Op, worst: { seatNo: string; us: number; source: string }): EvidenceRow {
  return {
    read: read.index,
    vu: read.vu,
    scheduleId: Number(read.value['scheduleId']),
    seatNo: worst.seatNo,
    readStartedMs: Math.round(read.invokeUs / 1000),
    confirmedMs: Math.round((read.invokeUs - worst.us) / 1000),
    stalenessMs: Math.round(worst.us / 1000),
    confirmedBy: worst.source,
  };
}
