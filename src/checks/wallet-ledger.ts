/**
 * Wallet check 1 and 4 — the ledger against the balances and the reservations, from MySQL:
 * - every user's balance equals the sum of that user's ledger (a lost update leaves the ledger
 *   rows of both changes but the balance of only one: Jepsen's bank `wrong-total`), and is never
 *   negative, neither at the end nor in any balance sampled during the load (`wallet-read` ops:
 *   Jepsen's `negative-value`);
 * - every CONFIRMED reservation of the run's users has exactly one PAYMENT debit of its seat
 *   price, and every PAYMENT debit belongs to a CONFIRMED reservation of the same user, or is
 *   cancelled by a REFUND row of that reservation.
 * Evidence names the user, expected and actual figures, and the rows or operations involved.
 */
import type { Op } from '../engine/history.ts';
import type { Id } from '../profile/target-ops.ts';
import { normId } from './canonical.ts';
import { countKinds, type KindPhrases } from './headline.ts';
import { type EvidenceRow, resultFromViolations } from './types.ts';
import { defineWalletChecker, type LedgerEntry, points, walletReads, type WalletSnapshot } from './wallet-snapshot.ts';
import { pushTo } from '../util/multimap.ts';

const ID = 'wallet-ledger';
const TITLE = 'Every balance equals its ledger, never negative; one debit per confirmed reservation';

/** Check `wallet-ledger`: balances against their ledgers (and samples), debits against CONFIRMED reservations. */
export const walletLedgerChecker = defineWalletChecker(ID, TITLE, (history, snap) => {
  const violations: EvidenceRow[] = [];
  const ledgerByUser = new Map<Id, LedgerEntry[]>();
  for (const row of snap.ledger) {
    const rows = ledgerByUser.get(row.userId);
    if (rows) rows.push(row);
    else ledgerByUser.set(row.userId, [row]);
  }
  const walletByUser = new Map(snap.wallets.map((w) => [w.userId, w]));

  let driftedUsers = 0;
  let drift = 0;
  let negativeBalances = 0;
  for (const userId of snap.userIds) {
    const rows = ledgerByUser.get(userId) ?? [];
    const sum = rows.reduce((s, r) => s + r.amount, 0);
    const wallet = walletByUser.get(userId);
    if (!wallet) {
      violations.push({ anomaly: 'missing-wallet', userId, expected: points(sum), actual: 'no wallet row', diff: null, detail: `${rows.length} ledger row(s) but no wallet` });
      continue;
    }
    if (wallet.balance !== sum) {
      driftedUsers += 1;
      drift += Math.abs(wallet.balance - sum);
      const counts = countTypes(rows);
      violations.push({
        anomaly: 'balance-ne-ledger',
        userId,
        expected: points(sum),
        actual: points(wallet.balance),
        diff: wallet.balance - sum,
        detail: `balance ${points(wallet.balance)} but its ${rows.length} ledger rows (${counts}) sum to ${points(sum)}: ${wallet.balance < sum ? `${points(sum - wallet.balance)} points of acknowledged changes lost` : `${points(wallet.balance - sum)} points without a ledger row`}`,
        firstLostUpdate: firstBrokenLink(rows) ?? 'none in the ledger chain',
      });
    }
    if (wallet.balance < 0) {
      negativeBalances += 1;
      violations.push({ anomaly: 'negative-balance', userId, expected: '≥ 0', actual: points(wallet.balance), diff: wallet.balance, detail: 'final balance below zero' });
    }
  }

  const reads = walletReads(history.ops());
  let samples = 0;
  const negativeReads: Op[] = [];
  for (const ops of reads.values()) {
    samples += ops.length;
    negativeReads.push(...ops.filter((op) => Number(op.result['balance']) < 0));
  }
  for (const op of negativeReads) {
    violations.push({
      anomaly: 'negative-read',
      userId: normId(op.value['userId']),
      expected: '≥ 0',
      actual: points(Number(op.result['balance'])),
      diff: Number(op.result['balance']),
      detail: `sampled by op #${op.index} (vu ${op.vu}) at ${Math.round(op.invokeUs / 1000)}–${Math.round(op.completeUs / 1000)} ms`,
    });
  }

  // Check 4: debits against reservations.
  const reservationById = new Map(snap.reservations.map((r) => [r.id, r]));
  const debitsByReservation = new Map<Id, LedgerEntry[]>();
  const refundsByReservation = new Map<Id, LedgerEntry[]>();
  for (const row of snap.ledger) {
    if (row.reservationId === null) {
      if (row.type === 'PAYMENT' || row.type === 'REFUND') {
        violations.push({ anomaly: 'debit-without-reservation', userId: row.userId, expected: 'a reservation id', actual: 'none', diff: row.amount, detail: `${row.type} ledger row ${row.id} of ${points(row.amount, true)} names no reservation` });
      }
      continue;
    }
    const into = row.type === 'PAYMENT' ? debitsByReservation : row.type === 'REFUND' ? refundsByReservation : undefined;
    if (into) pushTo(into, row.reservationId, row);
  }
  let confirmed = 0;
  for (const r of snap.reservations) {
    if (r.status !== 'CONFIRMED') continue;
    confirmed += 1;
    const debits = debitsByReservation.get(r.id) ?? [];
    if (debits.length !== 1) {
      violations.push({
        anomaly: debits.length === 0 ? 'confirmed-without-debit' : 'double-debit',
        userId: r.userId,
        expected: '1 debit',
        actual: `${debits.length} debit(s)`,
        diff: debits.length - 1,
        detail: `CONFIRMED reservation ${r.id}${debits.length > 0 ? `: ledger rows ${debits.map((d) => d.id).join(',')}` : ' was never debited'}`,
      });
    } else if (debits[0]!.amount !== -r.price || debits[0]!.userId !== r.userId) {
      const d = debits[0]!;
      violations.push({ anomaly: 'debit-mismatch', userId: r.userId, expected: `${points(-r.price)} from user ${r.userId}`, actual: `${points(d.amount)} from user ${d.userId}`, diff: d.amount + r.price, detail: `reservation ${r.id}, ledger row ${d.id}` });
    }
  }
  let unmatchedDebits = 0;
  for (const [reservationId, debits] of debitsByReservation) {
    const r = reservationById.get(reservationId);
    if (r?.status === 'CONFIRMED') continue;
    const refunded = (refundsByReservation.get(reservationId) ?? []).reduce((s, x) => s + x.amount, 0);
    const debited = debits.reduce((s, x) => s + x.amount, 0);
    if (refunded + debited === 0) continue;
    unmatchedDebits += debits.length;
    violations.push({
      anomaly: 'debit-without-confirmed',
      userId: debits[0]!.userId,
      expected: 'CONFIRMED or refunded',
      actual: r ? r.status : 'no such reservation of the run\'s users',
      diff: refunded + debited,
      detail: `reservation ${reservationId}: ledger rows ${debits.map((d) => d.id).join(',')} debit ${points(debited)}${refunded > 0 ? `, refunds ${points(refunded, true)}` : ''}`,
    });
  }

  return resultFromViolations(
    {
      id: ID,
      title: TITLE,
      counts: {
        users: snap.userIds.length,
        ledgerRows: snap.ledger.length,
        driftedUsers,
        drift,
        negativeBalances,
        samples,
        negativeSamples: negativeReads.length,
        confirmed,
        debits: [...debitsByReservation.values()].reduce((s, d) => s + d.length, 0),
        unmatchedDebits,
      },
    },
    violations,
    `${snap.userIds.length} balance(s) equal their ledger (${snap.ledger.length} rows) and are never negative (${samples} sampled during the load); ${confirmed} confirmed reservation(s) with one debit each`,
    (n) => `${n} violation(s): ${countKinds(violations, { ...LEDGER_PHRASES, 'balance-ne-ledger': (k) => `${k} user(s) whose balance drifted from the ledger by ${points(drift)} points in all` })}`,
  );
});

/**
 * Where a user's ledger chain (rows in id order: each balanceAfter = the previous one + amount)
 * first breaks: the row whose change was computed from a stale balance, and the row whose
 * change it overwrote. Undefined when the chain holds.
 */
export function firstBrokenLink(rows: readonly LedgerEntry[]): string | undefined {
  const sorted = [...rows].sort((a, b) => a.id - b.id);
  for (let i = 1; i < sorted.length; i++) {
    const before = sorted[i - 1]!;
    const row = sorted[i]!;
    if (row.balanceAfter === before.balanceAfter + row.amount) continue;
    const stale = row.balanceAfter - row.amount;
    return `row ${row.id} (${describeRow(row)}) wrote ${points(row.balanceAfter)} from a stale ${points(stale)}, after row ${before.id} (${describeRow(before)}) had left ${points(before.balanceAfter)}`;
  }
  return undefined;
}

function describeRow(row: LedgerEntry): string {
  const what = row.idempotencyKey !== null ? `key ${row.idempotencyKey}` : row.reservationId !== null ? `reservation ${row.reservationId}` : 'no key';
  return `${row.type} ${points(row.amount, true)}, ${what}`;
}

function countTypes(rows: readonly LedgerEntry[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  return [...counts].map(([type, n]) => `${n} ${type}`).join(', ');
}

/** How the headline words each kind of violation. */
const LEDGER_PHRASES: KindPhrases = {
  'missing-wallet': (n) => `${n} user(s) without a wallet row`,
  'negative-balance': (n) => `${n} negative balance(s) at the end`,
  'negative-read': (n) => `${n} negative balance(s) read during the load`,
  'debit-mismatch': (n) => `${n} payment debit(s) that differ from the seat price`,
  'debit-without-reservation': (n) => `${n} debit(s) for no reservation of the run`,
  'confirmed-without-debit': (n) => `${n} CONFIRMED reservation(s) never debited`,
  'double-debit': (n) => `${n} CONFIRMED reservation(s) debited more than once`,
  'debit-without-confirmed': (n) => `${n} debit(s) kept for a reservation that is not CONFIRMED`,
};
