/**
 * The hold-expiry checks: an unpaid hold frees its seat on time, and expiry never touches a sale.
 * One snapshot (every reservation of the run's schedules with its times on the database clock,
 * and its payment) serves three checkers:
 * - `expiry-on-time`: every EXPIRED reservation lasted at least the hold time and was expired
 *   within hold time + one sweep interval + slack; no HELD reservation is left past that bound;
 *   with `expectReheld`, every seat so freed was held again afterwards (the scenario kept trying).
 *   Reports the expiry delay (expired − due) as p50 / p95 / max, as queue-ttl reports reclaim delays.
 * - `paid-never-expired`: no reservation with a payment, nor one the client paid for, is EXPIRED.
 * - `no-pay-after-expiry`: no payment was accepted once its hold's time was up: from the history, a
 *   payment invoked later than its hold's answer plus the hold time (the hold's `expires_at` was
 *   set before that answer, so this is a sure bound on the client's own clock); from MySQL, a
 *   payment row written more than PAYMENT_TX_SLACK_MS after `expires_at`.
 * The scope must carry `holdTtlMs` and `expirySweepMs`; without them the checks are `unknown`.
 */
import type { History } from '../engine/history.ts';
import { defineChecker, type CheckScope, type StoreClients } from './checker.ts';
import { countKinds, type KindPhrases } from './headline.ts';
import type { Id } from '../profile/target-ops.ts';
import { canonicalRows, normId } from './canonical.ts';
import { type CheckResult, type EvidenceRow, resultFromViolations } from './types.ts';

/** One reservation with its times, µs on the database clock. */
export interface ReservationTimes {
  readonly id: Id;
  readonly seat: string;
  readonly userId: Id;
  readonly status: string;
  readonly createdUs: number;
  readonly expiresUs: number;
  /** Last status change (`updated_at`): when it was EXPIRED, CONFIRMED or CANCELLED. */
  readonly changedUs: number;
  /** When its payment row was written; null without one. */
  readonly paidUs: number | null;
}

/** What the hold-expiry checks read. */
export interface ExpirySnapshot {
  readonly reservations: readonly ReservationTimes[];
  /** The database clock when read, µs. */
  readonly readAtUs: number;
  /** How long collect waited for overdue holds to be swept, ms. */
  readonly waitedMs: number;
}

/** A payment transaction may commit this long after the check that its hold was live, ms. */
export const PAYMENT_TX_SLACK_MS = 1_000;

/**
 * Reads every reservation of the run's schedules, after waiting (at most `settleTimeoutMs`) until
 * no HELD one is overdue by more than one sweep interval + `slackMs`: what is still HELD then was
 * not expired in time. Reads the profile's `reservations` (with `expiresUs` and `paidUs`) and
 * `nowUs`.
 */
function readExpirySnapshot(stores: StoreClients, scope: CheckScope, slackMs: number): Promise<ExpirySnapshot> {
  // The three expiry checks of a run judge one snapshot: read (and waited for) once per check
  // phase. One waited for with more slack serves a check allowing less: it was read later, once
  // the sweep had had more time, which can only show more of what these checks look for.
  if (stores.rowCache === undefined) return waitAndReadExpirySnapshot(stores, scope, slackMs);
  let bySlack = snapshotsOfPhase.get(stores);
  if (bySlack === undefined) snapshotsOfPhase.set(stores, (bySlack = new Map()));
  const waitedLonger = [...bySlack.keys()].filter((slack) => slack >= slackMs).sort((a, b) => a - b)[0];
  if (waitedLonger !== undefined) return bySlack.get(waitedLonger)!;
  const snapshot = waitAndReadExpirySnapshot(stores, scope, slackMs);
  bySlack.set(slackMs, snapshot);
  return snapshot;
}

/** Expiry snapshots already read, per check phase (its StoreClients) and slack. */
const snapshotsOfPhase = new WeakMap<StoreClients, Map<number, Promise<ExpirySnapshot>>>();

async function waitAndReadExpirySnapshot(stores: StoreClients, scope: CheckScope, slackMs: number): Promise<ExpirySnapshot> {
  const boundUs = ((scope.expirySweepMs ?? 0) + slackMs) * 1000;
  const started = Date.now();
  for (;;) {
    // Fresh, and read with the clock: the rows are judged against that instant.
    const [rows, [now]] = await Promise.all([canonicalRows(stores, scope, 'reservations', { fresh: true }), canonicalRows(stores, scope, 'nowUs')]);
    const nowUs = Number(now?.nowUs ?? 0);
    // HELD holds that are due within a minute, or overdue but still within their bound: the
    // sweep may yet come for them. Holds due later are not this check's to wait for.
    const pending = rows.some((r) => r.status === 'HELD' && nowUs - Number(r.expiresUs) >= -60_000_000 && nowUs - Number(r.expiresUs) <= boundUs);
    if (!pending || Date.now() - started >= scope.settleTimeoutMs) {
      return {
        reservations: rows.map((r) => ({
          id: normId(r.id),
          seat: `${Number(r.scheduleId)}/${String(r.seatNo)}`,
          userId: normId(r.userId),
          status: String(r.status),
          createdUs: Number(r.createdUs),
          expiresUs: Number(r.expiresUs),
          changedUs: Number(r.changedUs),
          paidUs: r.paidUs === null || r.paidUs === undefined ? null : Number(r.paidUs),
        })),
        readAtUs: nowUs,
        waitedMs: Date.now() - started,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const ms = (us: number) => Math.round(us / 100) / 10;

/** The p-th percentile (0..100) of sorted values, nearest rank; 0 for none. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** `unknown` when the scope does not say the target's hold time and sweep interval. */
function withoutTimes(id: string, title: string): CheckResult {
  return { id, title, verdict: 'unknown', summary: "cannot judge expiry: the target's hold time and sweep interval are not known", counts: {}, evidence: [], evidenceTotal: 0 };
}

/** Options of `expiry-on-time`. */
export interface ExpiryOnTimeOptions {
  /** Timer slack allowed on top of one sweep interval, ms. */
  readonly slackMs: number;
  /** The scenario kept trying the seats it abandoned: every seat freed by expiry must be held again. */
  readonly expectReheld: boolean;
}

const ON_TIME_PHRASES: KindPhrases = {
  'expired-late': (n) => `${n} hold(s) expired later than hold time + sweep interval + slack`,
  'expired-early': (n) => `${n} hold(s) expired before their hold time was up`,
  'not-expired': (n) => `${n} hold(s) still HELD past hold time + sweep interval + slack`,
  'not-held-again': (n) => `${n} seat(s) freed by expiry but never held again although users kept trying`,
};

/** `expiry-on-time`; see the module comment. */
export function expiryOnTimeChecker(options: ExpiryOnTimeOptions) {
  const id = 'expiry-on-time';
  const title = 'Unpaid holds expire on time and their seats are held again';
  return defineChecker<ExpirySnapshot>({
    id,
    title,
    collect: (stores, scope) => readExpirySnapshot(stores, scope, options.slackMs),
    check(_history, snap, scope) {
      if (scope.holdTtlMs === undefined || scope.expirySweepMs === undefined) return withoutTimes(id, title);
      const holdUs = scope.holdTtlMs * 1000;
      const boundUs = (scope.expirySweepMs + options.slackMs) * 1000;
      const violations: EvidenceRow[] = [];
      const delays: number[] = [];
      let reheld = 0;
      // A freed seat was held again when its latest reservation began after the expiry.
      const lastStartBySeat = new Map<string, number>();
      for (const r of snap.reservations) lastStartBySeat.set(r.seat, Math.max(lastStartBySeat.get(r.seat) ?? -Infinity, r.createdUs));
      for (const r of snap.reservations) {
        if (r.status === 'HELD' && snap.readAtUs - r.expiresUs > boundUs) {
          violations.push({ anomaly: 'not-expired', seat: r.seat, reservation: r.id, userId: r.userId, detail: `due ${ms(snap.readAtUs - r.expiresUs)} ms ago, still HELD` });
        }
        if (r.status !== 'EXPIRED') continue;
        const delayUs = r.changedUs - r.expiresUs;
        delays.push(delayUs);
        if (r.changedUs - r.createdUs < holdUs) {
          violations.push({ anomaly: 'expired-early', seat: r.seat, reservation: r.id, userId: r.userId, detail: `held ${ms(r.changedUs - r.createdUs)} ms of the promised ${scope.holdTtlMs} ms` });
        } else if (delayUs > boundUs) {
          violations.push({ anomaly: 'expired-late', seat: r.seat, reservation: r.id, userId: r.userId, detail: `expired ${ms(delayUs)} ms after its time; bound ${ms(boundUs)} ms` });
        }
        // The seat was free again from the hold's time on, even if the sweep marked it later.
        if (lastStartBySeat.get(r.seat)! >= Math.min(r.changedUs, r.expiresUs)) reheld += 1;
        else if (options.expectReheld) violations.push({ anomaly: 'not-held-again', seat: r.seat, reservation: r.id, userId: r.userId, detail: 'no reservation of this seat after it expired' });
      }
      delays.sort((a, b) => a - b);
      return resultFromViolations(
        {
          id,
          title,
          counts: {
            expired: delays.length,
            reheld,
            expiryDelayP50Ms: ms(percentile(delays, 50)),
            expiryDelayP95Ms: ms(percentile(delays, 95)),
            expiryDelayMaxMs: ms(delays.at(-1) ?? 0),
            boundMs: ms(boundUs),
            waitedMs: snap.waitedMs,
          },
        },
        violations,
        `${delays.length} hold(s) expired, ${ms(percentile(delays, 95))} ms p95 after their time (bound ${ms(boundUs)} ms)${options.expectReheld ? `; ${reheld} freed seat(s) held again` : ''}`,
        (n) => `${n} expiry violation(s): ${countKinds(violations, ON_TIME_PHRASES)}`,
      );
    },
  });
}

/** `paid-never-expired`; see the module comment. */
export const paidNeverExpiredChecker = defineChecker<ExpirySnapshot>({
  id: 'paid-never-expired',
  title: 'No paid reservation ever expired',
  collect: (stores, scope) => readExpirySnapshot(stores, scope, 0),
  check(history, snap) {
    const paidByClient = new Set(history.byF('pay').filter((o) => o.type === 'ok').map((o) => normId(o.value['reservationId'])));
    const violations: EvidenceRow[] = [];
    for (const r of snap.reservations) {
      if (r.status !== 'EXPIRED') continue;
      if (r.paidUs !== null || paidByClient.has(r.id)) {
        violations.push({ anomaly: 'paid-expired', seat: r.seat, reservation: r.id, userId: r.userId, detail: `${r.paidUs !== null ? 'has a payment row' : 'the client was told it was paid'}, yet EXPIRED ${ms(r.changedUs - r.expiresUs)} ms after its hold time` });
      }
    }
    const paid = snap.reservations.filter((r) => r.paidUs !== null).length;
    return resultFromViolations(
      { id: 'paid-never-expired', title: 'No paid reservation ever expired', counts: { paid, paidByClient: paidByClient.size, paidExpired: violations.length } },
      violations,
      `none of ${paid} paid reservation(s) expired`,
      (n) => `${n} paid reservation(s) EXPIRED by the sweep: a sale taken back`,
    );
  },
});

const AFTER_EXPIRY_PHRASES: KindPhrases = {
  'paid-after-expiry': (n) => `${n} payment(s) accepted after the hold's time was up (client clock)`,
  'payment-row-after-expiry': (n) => `${n} payment row(s) written after the hold's time was up (database clock)`,
};

/** `no-pay-after-expiry`; see the module comment. */
export const noPayAfterExpiryChecker = defineChecker<ExpirySnapshot>({
  id: 'no-pay-after-expiry',
  title: 'No payment accepted after its hold expired',
  collect: (stores, scope) => readExpirySnapshot(stores, scope, 0),
  check(history, snap, scope) {
    if (scope.holdTtlMs === undefined) return withoutTimes('no-pay-after-expiry', 'No payment accepted after its hold expired');
    const violations = [...paidAfterExpiryByClient(history, scope.holdTtlMs)];
    for (const r of snap.reservations) {
      if (r.paidUs === null) continue;
      if (r.paidUs - r.expiresUs > PAYMENT_TX_SLACK_MS * 1000) {
        violations.push({ anomaly: 'payment-row-after-expiry', seat: r.seat, reservation: r.id, userId: r.userId, detail: `payment written ${ms(r.paidUs - r.expiresUs)} ms after the hold's time` });
      }
    }
    const refused = history.byF('pay').filter((o) => o.type === 'fail').length;
    return resultFromViolations(
      { id: 'no-pay-after-expiry', title: 'No payment accepted after its hold expired', counts: { payments: snap.reservations.filter((r) => r.paidUs !== null).length, paysRefused: refused } },
      violations,
      `every payment came within its hold time`,
      (n) => `${n} payment(s) after expiry: ${countKinds(violations, AFTER_EXPIRY_PHRASES)}`,
    );
  },
});

/** Payments the client saw accepted, invoked after their hold's answer plus the hold time. */
function paidAfterExpiryByClient(history: History, holdTtlMs: number): EvidenceRow[] {
  const answeredAt = new Map<Id, { completeUs: number; seat: string }>();
  for (const op of history.byF('hold')) {
    if (op.type === 'ok') answeredAt.set(normId(op.result['reservationId']), { completeUs: op.completeUs, seat: `${Number(op.value['scheduleId'])}/${String(op.value['seatNo'])}` });
  }
  const violations: EvidenceRow[] = [];
  for (const op of history.byF('pay')) {
    if (op.type !== 'ok') continue;
    const reservationId = normId(op.value['reservationId']);
    const hold = answeredAt.get(reservationId);
    if (!hold) continue;
    const afterUs = op.invokeUs - hold.completeUs - holdTtlMs * 1000;
    if (afterUs > 0) {
      violations.push({ anomaly: 'paid-after-expiry', seat: hold.seat, reservation: reservationId, userId: normId(op.value['userId']), detail: `payment sent ${ms(afterUs)} ms after the hold's time was up, and accepted` });
    }
  }
  return violations;
}
