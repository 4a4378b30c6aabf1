/**
 * Wallet check 2 — conservation against the client history, as Jepsen's bank test checks every
 * read against the known total. For each user, from what the client was told:
 *
 *   final ∈ [initial + okCharges − okPayments − infoPayments,
 *            initial + okCharges + infoCharges − okPayments]
 *
 * where charges are counted once per idempotency key (a duplicate or a replay is the same charge)
 * and payments once per reservation; indeterminate (`info`) operations may have happened or not,
 * so they widen the range either way and are reported apart. A `fail` (400, 402, 409) never
 * happened. The same reasoning bounds every balance sampled during the load (`wallet-read`): at
 * the instant the read saw the wallet, every change acknowledged before the read was invoked had
 * happened, and none invoked after the read completed had. Evidence: the user, the expected range,
 * the actual balance, how far outside it is, and the operations that make up the range.
 */
import type { Op } from '../engine/history.ts';
import type { Id } from '../profile/target-ops.ts';
import { normId } from './canonical.ts';
import { type EvidenceRow, resultFromViolations } from './types.ts';
import { defineWalletChecker, points, type WalletEffect, walletEffects, walletReads, type WalletSnapshot } from './wallet-snapshot.ts';

const ID = 'wallet-conservation';
const TITLE = 'Final balances = initial + acknowledged charges − acknowledged payments';

/** The range a balance must lie in, points, and how it was made up. */
export interface BalanceRange {
  readonly low: number;
  readonly high: number;
}

/**
 * The range of a user's balance at an instant known to lie in [fromUs, toUs] (µs since the load
 * started; the final state is [Infinity, Infinity]): changes surely done by `fromUs` count, changes
 * possibly started before `toUs` widen the range.
 * @param initial points the wallet started with
 */
export function balanceRange(initial: number, effects: readonly WalletEffect[], fromUs: number, toUs: number): BalanceRange {
  let low = initial;
  let high = initial;
  for (const e of effects) {
    const surely = e.certain && e.certainByUs <= fromUs;
    const maybe = e.possible && e.possibleFromUs <= toUs;
    if (surely) {
      low += e.delta;
      high += e.delta;
    } else if (maybe) {
      if (e.delta < 0) low += e.delta;
      else high += e.delta;
    }
  }
  return { low, high };
}

/** Check `wallet-conservation`: final and sampled balances against the range the client history allows (Jepsen bank). */
export const walletConservationChecker = defineWalletChecker(ID, TITLE, (history, snap) => {
  const violations: EvidenceRow[] = [];
  const { byUser, unknownAmount } = walletEffects(history.ops());
  const walletByUser = new Map(snap.wallets.map((w) => [w.userId, w]));
  const reads = walletReads(history.ops());
  const tally = { chargesOk: 0, chargesInfo: 0, paysOk: 0, paysInfo: 0 };
  let wrongUsers = 0;
  let drift = 0;
  let readsChecked = 0;
  let wrongReads = 0;
  // Final balances first: evidence is cut at MAX_EVIDENCE rows and every user's should show.
  const readViolations: EvidenceRow[] = [];

  for (const userId of snap.userIds) {
    const effects = byUser.get(userId) ?? [];
    for (const e of effects) {
      const which = e.f === 'charge' ? 'charges' : 'pays';
      if (e.certain) tally[`${which}Ok`] += 1;
      else if (e.possible) tally[`${which}Info`] += 1;
    }
    const wallet = walletByUser.get(userId);
    const final = balanceRange(snap.initialPoints, effects, Infinity, Infinity);
    if (wallet && (wallet.balance < final.low || wallet.balance > final.high)) {
      wrongUsers += 1;
      const off = wallet.balance < final.low ? wallet.balance - final.low : wallet.balance - final.high;
      drift += Math.abs(off);
      violations.push({
        anomaly: 'wrong-balance',
        userId,
        expected: rangeText(final),
        actual: points(wallet.balance),
        diff: off,
        ops: describeEffects(snap.initialPoints, effects),
      });
    }
    for (const read of reads.get(userId) ?? []) {
      readsChecked += 1;
      const range = balanceRange(snap.initialPoints, effects, read.invokeUs, read.completeUs);
      const balance = Number(read.result['balance']);
      if (balance >= range.low && balance <= range.high) continue;
      wrongReads += 1;
      readViolations.push({
        anomaly: 'wrong-read',
        userId,
        expected: rangeText(range),
        actual: points(balance),
        diff: balance < range.low ? balance - range.low : balance - range.high,
        ops: `read op #${read.index} (vu ${read.vu}) at ${Math.round(read.invokeUs / 1000)}–${Math.round(read.completeUs / 1000)} ms; changes invoked before it ended: ${describeEffects(snap.initialPoints, effects.filter((e) => e.possibleFromUs <= read.completeUs))}`,
      });
    }
  }
  violations.push(...readViolations);
  for (const op of unknownAmount) {
    violations.push({ anomaly: 'unknown-amount', userId: normId(op.value['userId']), expected: 'an amount', actual: 'none', diff: null, ops: `pay op #${op.index} (${op.type}) of reservation ${String(op.value['reservationId'])} records no amount, so it cannot be accounted for` });
  }

  const indeterminate = tally.chargesInfo + tally.paysInfo;
  return resultFromViolations(
    {
      id: ID,
      title: TITLE,
      counts: { users: snap.userIds.length, wrongUsers, drift, ...tally, indeterminate, reads: readsChecked, wrongReads },
    },
    violations,
    `every final balance matches the history: ${tally.chargesOk} acknowledged charge(s), ${tally.paysOk} payment(s)` +
      (indeterminate > 0 ? `; ${indeterminate} indeterminate (info) op(s) allowed either way (${tally.chargesInfo} charge(s), ${tally.paysInfo} payment(s))` : '') +
      `; ${readsChecked} sampled balance(s) consistent`,
    (n) => `${n} violation(s): ${wrongUsers} user(s) whose final balance is off by ${points(drift)} points in all, ${wrongReads} sampled balance(s) outside their range` + (indeterminate > 0 ? ` (${indeterminate} indeterminate op(s) allowed either way)` : ''),
  );
});

function rangeText(range: BalanceRange): string {
  return range.low === range.high ? points(range.low) : `${points(range.low)}…${points(range.high)}`;
}

/** `initial 10,000; 12 charges ok +6,000; 1 charge info +500; 5 payments ok −5,000; first ops #3,#7,…` */
function describeEffects(initial: number, effects: readonly WalletEffect[]): string {
  const part = (list: readonly WalletEffect[], what: string, outcome: string): string | undefined => {
    if (list.length === 0) return undefined;
    const sum = list.reduce((s, e) => s + e.delta, 0);
    return `${list.length} ${what}${list.length === 1 ? '' : 's'} ${outcome} ${points(sum, true)}`;
  };
  const certain = effects.filter((e) => e.certain);
  const info = effects.filter((e) => !e.certain && e.possible);
  const opIndexes = effects.flatMap((e) => e.ops.filter((o: Op) => o.type !== 'fail').map((o) => o.index)).sort((a, b) => a - b);
  const parts = [
    `initial ${points(initial)}`,
    part(certain.filter((e) => e.f === 'charge'), 'charge', 'ok'),
    part(info.filter((e) => e.f === 'charge'), 'charge', 'info'),
    part(certain.filter((e) => e.f === 'pay'), 'payment', 'ok'),
    part(info.filter((e) => e.f === 'pay'), 'payment', 'info'),
  ].filter((p): p is string => p !== undefined);
  const shown = opIndexes.slice(0, 8).map((i) => `#${i}`).join(',');
  return `${parts.join('; ')}; ops ${shown}${opIndexes.length > 8 ? `,… (${opIndexes.length})` : ''}`;
}
