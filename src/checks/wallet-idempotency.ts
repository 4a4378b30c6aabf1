/**
 * Wallet check 3 — idempotency and the history against the ledger, in the manner of Jepsen's set
 * checker:
 * - each idempotency key is applied at most once: at most one ledger row per (user, key), at most
 *   one client answer `applied: true` per key, and every replay (`applied: false`) answers the
 *   ledger row of the first application;
 * - each acknowledged operation is in the ledger exactly once: an `ok` charge as the CHARGE row
 *   of its key with its amount (else `lost-charge`), an `ok` payment as one PAYMENT row of its
 *   reservation (else `lost-payment` / `double-payment`);
 * - nothing is in the ledger without a client operation that may have caused it: a CHARGE row
 *   whose key was never sent, or only refused (`fail`), and a PAYMENT row of a reservation whose
 *   payments all failed (e.g. 402) are `unexpected`; rows matched only by `info` ops count as
 *   `recovered`.
 * Rows of type INITIAL (the fixture's points) have no client operation and are not judged here.
 */
import type { Op } from '../engine/history.ts';
import type { Id } from '../profile/target-ops.ts';
import { normId } from './canonical.ts';
import { countKinds, type KindPhrases } from './headline.ts';
import { type EvidenceRow, resultFromViolations } from './types.ts';
import { defineWalletChecker, type LedgerEntry, points, type WalletSnapshot } from './wallet-snapshot.ts';
import { pushTo } from '../util/multimap.ts';

const ID = 'wallet-idempotency';
const TITLE = 'Each idempotency key applied at most once; each acknowledged operation in the ledger once';

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const opsText = (ops: readonly Op[]): string => ops.map((o) => `#${o.index} ${o.type}${o.result['status'] !== undefined ? ` ${String(o.result['status'])}` : ''}${o.result['code'] ? ` ${String(o.result['code'])}` : ''}`).join(', ');

/** Check `wallet-idempotency`: keys applied at most once; acknowledged operations in the ledger exactly once. */
export const walletIdempotencyChecker = defineWalletChecker(ID, TITLE, (history, snap) => {
  const violations: EvidenceRow[] = [];
  const users = new Set(snap.userIds);
  const rowsByKey = new Map<string, LedgerEntry[]>();
  const paymentsByReservation = new Map<Id, LedgerEntry[]>();
  for (const row of snap.ledger) {
    if (row.idempotencyKey !== null) {
      const k = `${row.userId}/${row.idempotencyKey}`;
      pushTo(rowsByKey, k, row);
    }
    if (row.type === 'PAYMENT' && row.reservationId !== null) {
      pushTo(paymentsByReservation, row.reservationId, row);
    }
  }

  // Ledger: one row per (user, key).
  let keysAppliedTwice = 0;
  for (const [k, rows] of rowsByKey) {
    if (rows.length < 2) continue;
    keysAppliedTwice += 1;
    violations.push({ anomaly: 'key-applied-twice', userId: rows[0]!.userId, key: k.slice(k.indexOf('/') + 1), expected: '1 ledger row', actual: `${rows.length} rows`, detail: `ledger rows ${rows.map((r) => `${r.id} (${r.type} ${points(r.amount, true)})`).join(', ')}` });
  }

  // History: charges grouped by key.
  const chargesByKey = new Map<string, Op[]>();
  for (const op of history.byF('charge')) {
    const userId = normId(op.value['userId']);
    if (!users.has(userId)) continue;
    const k = `${userId}/${String(op.value['idempotencyKey'])}`;
    pushTo(chargesByKey, k, op);
  }
  let chargesOk = 0;
  let replays = 0;
  let recovered = 0;
  for (const [k, ops] of chargesByKey) {
    const userId = normId(ops[0]!.value['userId']);
    const key = k.slice(k.indexOf('/') + 1);
    const amount = num(ops[0]!.value['amount']);
    const rows = rowsByKey.get(k) ?? [];
    const row = rows[0];
    const ok = ops.filter((o) => o.type === 'ok');
    chargesOk += ok.length;
    const firsts = ok.filter((o) => o.result['applied'] === true);
    replays += ok.length - firsts.length;
    if (firsts.length > 1) {
      violations.push({ anomaly: 'key-applied-twice', userId, key, expected: '1 answer applied: true', actual: `${firsts.length}`, detail: `ops ${opsText(firsts)} with ledger ids ${firsts.map((o) => String(o.result['ledgerId'])).join(',')}` });
    }
    if (ok.length > 0 && !row) {
      violations.push({ anomaly: 'lost-charge', userId, key, expected: `CHARGE ${points(amount, true)}`, actual: 'no ledger row', detail: `acknowledged by ${opsText(ok)}` });
      continue;
    }
    if (!row) continue;
    if (ok.length === 0) {
      if (ops.some((o) => o.type === 'info')) recovered += 1;
      else violations.push({ anomaly: 'unexpected-charge', userId, key, expected: 'no ledger row', actual: `row ${row.id} (${row.type} ${points(row.amount, true)})`, detail: `every request with this key was refused: ${opsText(ops)}` });
      continue;
    }
    if (row.type !== 'CHARGE' || row.amount !== amount) {
      violations.push({ anomaly: 'charge-mismatch', userId, key, expected: `CHARGE ${points(amount, true)}`, actual: `${row.type} ${points(row.amount, true)} (row ${row.id})`, detail: `acknowledged by ${opsText(ok)}` });
    }
    const wrongIds = ok.filter((o) => o.result['ledgerId'] !== undefined && num(o.result['ledgerId']) !== row.id);
    if (wrongIds.length > 0) {
      violations.push({ anomaly: 'replay-mismatch', userId, key, expected: `ledger id ${row.id}`, actual: wrongIds.map((o) => String(o.result['ledgerId'])).join(','), detail: `answered by ${opsText(wrongIds)}` });
    }
  }
  for (const [k, rows] of rowsByKey) {
    const row = rows[0]!;
    if (row.type !== 'CHARGE' || chargesByKey.has(k)) continue;
    violations.push({ anomaly: 'unexpected-charge', userId: row.userId, key: row.idempotencyKey, expected: 'no ledger row', actual: `row ${row.id} (CHARGE ${points(row.amount, true)})`, detail: 'no client operation sent this key' });
  }

  // Payments: one PAYMENT row per acknowledged payment, none for a payment never attempted or refused.
  const paysByReservation = new Map<Id, Op[]>();
  for (const op of history.byF('pay')) {
    if (!users.has(normId(op.value['userId']))) continue;
    const id = normId(op.value['reservationId']);
    pushTo(paysByReservation, id, op);
  }
  let paysOk = 0;
  for (const [reservationId, ops] of paysByReservation) {
    const userId = normId(ops[0]!.value['userId']);
    const rows = paymentsByReservation.get(reservationId) ?? [];
    const ok = ops.filter((o) => o.type === 'ok');
    paysOk += ok.length > 0 ? 1 : 0;
    if (ok.length > 0 && rows.length === 0) {
      violations.push({ anomaly: 'lost-payment', userId, key: `reservation:${reservationId}`, expected: '1 PAYMENT row', actual: 'none', detail: `acknowledged by ${opsText(ok)}` });
    } else if (rows.length > 1) {
      violations.push({ anomaly: 'double-payment', userId, key: `reservation:${reservationId}`, expected: '1 PAYMENT row', actual: `${rows.length} rows`, detail: `ledger rows ${rows.map((r) => r.id).join(',')}; ops ${opsText(ops)}` });
    } else if (rows.length === 1 && ok.length === 0) {
      if (ops.some((o) => o.type === 'info')) recovered += 1;
      else violations.push({ anomaly: 'unexpected-payment', userId, key: `reservation:${reservationId}`, expected: 'no PAYMENT row', actual: `row ${rows[0]!.id} (${points(rows[0]!.amount)})`, detail: `every payment was refused: ${opsText(ops)}` });
    }
  }
  for (const [reservationId, rows] of paymentsByReservation) {
    if (paysByReservation.has(reservationId)) continue;
    violations.push({ anomaly: 'unexpected-payment', userId: rows[0]!.userId, key: `reservation:${reservationId}`, expected: 'no PAYMENT row', actual: `${rows.length} row(s)`, detail: 'no client operation paid for this reservation' });
  }

  return resultFromViolations(
    {
      id: ID,
      title: TITLE,
      counts: { keys: chargesByKey.size, chargesOk, replays, keysAppliedTwice, paysOk, recovered, ledgerRows: snap.ledger.length },
    },
    violations,
    `${chargesByKey.size} key(s) each applied at most once (${replays} replay(s) answered the first result); every acknowledged charge and payment is in the ledger once (${recovered} indeterminate recovered)`,
    (n) => `${n} violation(s) of idempotency or between the history and the ledger: ${countKinds(violations, IDEMPOTENCY_PHRASES)}`,
  );
});

/** How the headline words each kind of violation. */
const IDEMPOTENCY_PHRASES: KindPhrases = {
  'key-applied-twice': (n) => `${n} idempotency key(s) applied more than once`,
  'lost-charge': (n) => `${n} acknowledged charge(s) missing from the ledger`,
  'unexpected-charge': (n) => `${n} charge(s) in the ledger the client never made or was refused`,
  'charge-mismatch': (n) => `${n} charge(s) whose ledger amount differs from the request`,
  'replay-mismatch': (n) => `${n} replay(s) answered another result than the first`,
  'lost-payment': (n) => `${n} acknowledged payment(s) missing from the ledger`,
  'double-payment': (n) => `${n} reservation(s) paid more than once`,
  'unexpected-payment': (n) => `${n} payment(s) in the ledger the client never made or was refused`,
};
