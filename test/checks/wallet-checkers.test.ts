// The wallet checkers' verdict functions on hand-written histories and snapshots (no I/O), in the
// style of Jepsen's bank checker tests: a clean run passes, indeterminate (info) operations are
// allowed either way, and each anomaly fails with the user, expected vs actual and the ops involved.
import { describe, expect, it } from 'vitest';
import { runCheckers, type CheckScope, type StoreClients } from '../../src/checks/checker.ts';
import { balanceRange, walletConservationChecker } from '../../src/checks/wallet-conservation.ts';
import { walletIdempotencyChecker } from '../../src/checks/wallet-idempotency.ts';
import { firstBrokenLink, walletLedgerChecker } from '../../src/checks/wallet-ledger.ts';
import { walletEffects, type LedgerEntry, type WalletSnapshot } from '../../src/checks/wallet-snapshot.ts';
import { History, type HandWrittenOp } from '../../src/engine/history.ts';

const scope: CheckScope = { scheduleIds: [7], seatCount: 2, runStartedAtMs: 0, lockTtlMs: 5000, consumerGroup: 'g', settleTimeoutMs: 1000, wallets: { userIds: [1], initialPoints: 1_000 } };

/**
 * User 1 starts with 1,000 points: charge k1 +300 acknowledged, then a duplicate of k1 answered
 * as a replay; charge k2 +200 timed out (info); payment of reservation 50 (500) acknowledged;
 * payment of reservation 51 (5,000) refused 402; a balance sampled at 60–65 µs.
 */
const ops: HandWrittenOp[] = [
  { vu: 1, f: 'charge', type: 'ok', value: { userId: 1, amount: 300, idempotencyKey: 'k1' }, result: { ledgerId: 11, balance: 1_300, applied: true, status: 201 }, invokeUs: 0, completeUs: 10 },
  { vu: 2, f: 'charge', type: 'ok', value: { userId: 1, amount: 300, idempotencyKey: 'k1' }, result: { ledgerId: 11, balance: 1_300, applied: false, status: 200 }, invokeUs: 1, completeUs: 12 },
  { vu: 3, f: 'charge', type: 'info', value: { userId: 1, amount: 200, idempotencyKey: 'k2' }, error: 'timeout', invokeUs: 20, completeUs: 1_000 },
  { vu: 4, f: 'pay', type: 'ok', value: { reservationId: 50, userId: 1, amount: 500 }, result: { paymentId: 9, amount: 500, balance: 800, status: 201 }, invokeUs: 30, completeUs: 40 },
  { vu: 5, f: 'pay', type: 'fail', value: { reservationId: 51, userId: 1, amount: 5_000 }, result: { status: 402, code: 'INSUFFICIENT_FUNDS' }, invokeUs: 50, completeUs: 55 },
  { vu: 6, f: 'wallet-read', type: 'ok', value: { userId: 1 }, result: { balance: 800, version: 2 }, invokeUs: 60, completeUs: 65 },
];
const history = (extra: HandWrittenOp[] = [], replace: (list: HandWrittenOp[]) => HandWrittenOp[] = (l) => l) => History.of(replace([...ops, ...extra]));

const initial: LedgerEntry = { id: 10, userId: 1, amount: 1_000, type: 'INITIAL', idempotencyKey: null, reservationId: null, balanceAfter: 1_000 };
const k1: LedgerEntry = { id: 11, userId: 1, amount: 300, type: 'CHARGE', idempotencyKey: 'k1', reservationId: null, balanceAfter: 1_300 };
const paid50: LedgerEntry = { id: 12, userId: 1, amount: -500, type: 'PAYMENT', idempotencyKey: null, reservationId: 50, balanceAfter: 800 };
const k2: LedgerEntry = { id: 13, userId: 1, amount: 200, type: 'CHARGE', idempotencyKey: 'k2', reservationId: null, balanceAfter: 1_000 };

const clean: WalletSnapshot = {
  userIds: [1],
  initialPoints: 1_000,
  wallets: [{ userId: 1, balance: 800 }],
  ledger: [initial, k1, paid50],
  reservations: [
    { id: 50, userId: 1, status: 'CONFIRMED', price: 500 },
    { id: 51, userId: 1, status: 'HELD', price: 5_000 },
  ],
};
/** The same run where the timed-out charge k2 did happen. */
const k2Applied: WalletSnapshot = { ...clean, wallets: [{ userId: 1, balance: 1_000 }], ledger: [...clean.ledger, k2] };

const checkers = [walletLedgerChecker, walletConservationChecker, walletIdempotencyChecker];
const anomalies = (r: { evidence: readonly Record<string, unknown>[] }) => r.evidence.map((e) => e['anomaly']);

describe('wallet checkers on a clean history', () => {
  it.each([
    ['did not happen', clean],
    ['happened', k2Applied],
  ])('pass when the indeterminate charge %s', (_what, snap) => {
    for (const checker of checkers) {
      const r = checker.check(history(), snap, scope);
      expect(r.verdict, `${checker.id}: ${r.summary} ${JSON.stringify(r.evidence)}`).toBe('pass');
    }
  });

  it('count what they judged, with the info op reported apart', () => {
    const ledger = walletLedgerChecker.check(history(), clean, scope);
    expect(ledger.counts).toMatchObject({ users: 1, ledgerRows: 3, driftedUsers: 0, drift: 0, samples: 1, negativeSamples: 0, confirmed: 1, debits: 1, unmatchedDebits: 0 });
    const conservation = walletConservationChecker.check(history(), clean, scope);
    expect(conservation.counts).toMatchObject({ users: 1, wrongUsers: 0, chargesOk: 1, chargesInfo: 1, paysOk: 1, paysInfo: 0, indeterminate: 1, reads: 1, wrongReads: 0 });
    expect(conservation.summary).toContain('1 indeterminate (info) op(s) allowed either way');
    const idempotency = walletIdempotencyChecker.check(history(), k2Applied, scope);
    expect(idempotency.counts).toMatchObject({ keys: 2, chargesOk: 2, replays: 1, keysAppliedTwice: 0, paysOk: 1, recovered: 1 });
  });
});

describe('balanceRange (Jepsen bank reasoning)', () => {
  const { byUser } = walletEffects(history().ops());
  const effects = byUser.get(1)!;

  it('counts a key once however many ops carried it, and widens by info ops', () => {
    expect(effects.filter((e) => e.f === 'charge').map((e) => [e.key, e.ops.length])).toEqual([
      ['k1', 2],
      ['k2', 1],
    ]);
    expect(balanceRange(1_000, effects, Infinity, Infinity)).toEqual({ low: 800, high: 1_000 });
  });

  it('bounds a read by what was acknowledged before it started and what was invoked before it ended', () => {
    // Before anything: only the start.
    expect(balanceRange(1_000, effects, 0, 0)).toEqual({ low: 1_000, high: 1_300 });
    // While the payment is in flight (35 µs): k1 surely done; k2 and the payment may or may not be.
    expect(balanceRange(1_000, effects, 35, 35)).toEqual({ low: 800, high: 1_500 });
    expect(balanceRange(1_000, effects, 60, 65)).toEqual({ low: 800, high: 1_000 });
  });
});

describe('wallet-ledger checker', () => {
  it('fails a lost update: the balance lost a change its ledger row still has', () => {
    const snap = { ...clean, wallets: [{ userId: 1, balance: 500 }] };
    const r = walletLedgerChecker.check(history(), snap, scope);
    expect(r.verdict).toBe('fail');
    expect(r.counts).toMatchObject({ driftedUsers: 1, drift: 300 });
    expect(r.evidence[0]).toMatchObject({ anomaly: 'balance-ne-ledger', userId: 1, expected: '800', actual: '500', diff: -300 });
    expect(String(r.evidence[0]!['detail'])).toMatch(/3 ledger rows \(1 INITIAL, 1 CHARGE, 1 PAYMENT\).*300 points of acknowledged changes lost/);
    expect(r.summary).toMatch(/1 user\(s\) whose balance drifted from the ledger by 300 points/);
    // Here the ledger chain itself holds: the balance was overwritten after the last row.
    expect(r.evidence[0]!['firstLostUpdate']).toBe('none in the ledger chain');
  });

  it('names the first lost update where the ledger chain breaks: a change computed from a stale balance', () => {
    // The payment read 1,000 (before k1's +300 committed) and wrote 500: k1's update is lost.
    const stalePayment: LedgerEntry = { ...paid50, balanceAfter: 500 };
    const r = walletLedgerChecker.check(history(), { ...clean, wallets: [{ userId: 1, balance: 500 }], ledger: [initial, k1, stalePayment] }, scope);
    expect(r.evidence[0]).toMatchObject({ anomaly: 'balance-ne-ledger', diff: -300 });
    expect(r.evidence[0]!['firstLostUpdate']).toBe('row 12 (PAYMENT −500, reservation 50) wrote 500 from a stale 1,000, after row 11 (CHARGE +300, key k1) had left 1,300');
    expect(firstBrokenLink([initial, k1, paid50])).toBeUndefined();
  });

  it('fails a negative final balance and a negative sampled balance, naming the read op', () => {
    const snap: WalletSnapshot = { ...clean, wallets: [{ userId: 1, balance: -200 }], ledger: [initial, k1, paid50, { ...paid50, id: 14, amount: -1_000, reservationId: 52, balanceAfter: -200 }], reservations: [...clean.reservations, { id: 52, userId: 1, status: 'CONFIRMED', price: 1_000 }] };
    const read: HandWrittenOp = { vu: 7, f: 'wallet-read', type: 'ok', value: { userId: 1 }, result: { balance: -5, version: 9 }, invokeUs: 2_000, completeUs: 2_010 };
    const r = walletLedgerChecker.check(history([read]), snap, scope);
    expect(anomalies(r)).toEqual(['negative-balance', 'negative-read']);
    expect(r.evidence[1]).toMatchObject({ userId: 1, actual: '−5', detail: expect.stringContaining('op #6') });
    expect(r.counts).toMatchObject({ negativeBalances: 1, negativeSamples: 1, samples: 2 });
  });

  it('fails a confirmed reservation without a debit, a double debit and a debit of the wrong amount', () => {
    const snap: WalletSnapshot = {
      ...clean,
      wallets: [{ userId: 1, balance: -300 }],
      ledger: [initial, k1, paid50, { ...paid50, id: 15 }, { ...paid50, id: 16, amount: -600, reservationId: 53 }],
      reservations: [...clean.reservations, { id: 52, userId: 1, status: 'CONFIRMED', price: 700 }, { id: 53, userId: 1, status: 'CONFIRMED', price: 700 }],
    };
    const r = walletLedgerChecker.check(history(), snap, scope);
    expect(anomalies(r)).toEqual(expect.arrayContaining(['double-debit', 'confirmed-without-debit', 'debit-mismatch']));
    expect(r.evidence.find((e) => e['anomaly'] === 'double-debit')).toMatchObject({ actual: '2 debit(s)', detail: 'CONFIRMED reservation 50: ledger rows 12,15' });
    expect(r.evidence.find((e) => e['anomaly'] === 'debit-mismatch')).toMatchObject({ expected: '−700 from user 1', actual: '−600 from user 1' });
  });

  it('fails a debit of a reservation that is not CONFIRMED unless a refund cancels it', () => {
    const debit51: LedgerEntry = { ...paid50, id: 17, amount: -5_000, reservationId: 51 };
    const unrefunded: WalletSnapshot = { ...clean, wallets: [{ userId: 1, balance: -4_200 }], ledger: [...clean.ledger, debit51] };
    const r = walletLedgerChecker.check(history(), unrefunded, scope);
    expect(r.evidence).toContainEqual(expect.objectContaining({ anomaly: 'debit-without-confirmed', expected: 'CONFIRMED or refunded', actual: 'HELD' }));
    const refunded: WalletSnapshot = { ...unrefunded, wallets: [{ userId: 1, balance: 800 }], ledger: [...unrefunded.ledger, { ...debit51, id: 18, type: 'REFUND', amount: 5_000 }] };
    expect(walletLedgerChecker.check(history(), refunded, scope).verdict).toBe('pass');
  });

  it('fails a user without a wallet row', () => {
    const r = walletLedgerChecker.check(history(), { ...clean, wallets: [] }, scope);
    expect(r.evidence[0]).toMatchObject({ anomaly: 'missing-wallet', userId: 1 });
  });
});

describe('wallet-conservation checker', () => {
  it('fails a final balance outside the range the history allows, with the range, the balance and the ops', () => {
    // The ledger agrees with the balance (so wallet-ledger passes), but the payment was applied twice.
    const snap: WalletSnapshot = { ...clean, wallets: [{ userId: 1, balance: 300 }], ledger: [...clean.ledger, { ...paid50, id: 19 }] };
    const r = walletConservationChecker.check(history(), snap, scope);
    expect(r.verdict).toBe('fail');
    expect(r.evidence[0]).toMatchObject({ anomaly: 'wrong-balance', userId: 1, expected: '800…1,000', actual: '300', diff: -500 });
    expect(r.evidence[0]!['ops']).toBe('initial 1,000; 1 charge ok +300; 1 charge info +200; 1 payment ok −500; ops #0,#1,#2,#3');
    expect(r.counts).toMatchObject({ wrongUsers: 1, drift: 500 });
  });

  it('fails a lost charge: acknowledged but not in the final balance', () => {
    const lost: HandWrittenOp = { vu: 8, f: 'charge', type: 'ok', value: { userId: 1, amount: 400, idempotencyKey: 'k3' }, result: { ledgerId: 20, balance: 1_200, applied: true, status: 201 }, invokeUs: 70, completeUs: 80 };
    const r = walletConservationChecker.check(history([lost]), clean, scope);
    expect(r.evidence[0]).toMatchObject({ anomaly: 'wrong-balance', expected: '1,200…1,400', actual: '800', diff: -400 });
  });

  it('allows an info payment either way', () => {
    const payInfo: HandWrittenOp = { vu: 9, f: 'pay', type: 'info', value: { reservationId: 52, userId: 1, amount: 100 }, error: 'timeout', invokeUs: 70, completeUs: 5_000 };
    for (const balance of [700, 800, 900, 1_000]) {
      const r = walletConservationChecker.check(history([payInfo]), { ...clean, wallets: [{ userId: 1, balance }] }, scope);
      expect(r.verdict, String(balance)).toBe('pass');
    }
    expect(walletConservationChecker.check(history([payInfo]), { ...clean, wallets: [{ userId: 1, balance: 699 }] }, scope).verdict).toBe('fail');
  });

  it('fails a sampled balance no serial order of the history explains (a lost update seen mid-run)', () => {
    const read: HandWrittenOp = { vu: 6, f: 'wallet-read', type: 'ok', value: { userId: 1 }, result: { balance: 1_300, version: 2 }, invokeUs: 60, completeUs: 65 };
    const r = walletConservationChecker.check(history([], (list) => [...list.slice(0, 5), read]), clean, scope);
    expect(r.evidence).toEqual([expect.objectContaining({ anomaly: 'wrong-read', userId: 1, expected: '800…1,000', actual: '1,300', diff: 300, ops: expect.stringMatching(/^read op #5 \(vu 6\) at 0–0 ms; changes invoked before it ended: initial 1,000/) })]);
    expect(r.counts).toMatchObject({ reads: 1, wrongReads: 1 });
  });

  it('fails a payment whose amount the history does not say', () => {
    const r = walletConservationChecker.check(history([{ vu: 9, f: 'pay', type: 'ok', value: { reservationId: 60, userId: 1 }, result: { paymentId: 1 } }]), clean, scope);
    expect(anomalies(r)).toContain('unknown-amount');
  });
});

describe('wallet-idempotency checker', () => {
  it('fails a key with two ledger rows', () => {
    const snap: WalletSnapshot = { ...clean, ledger: [...clean.ledger, { ...k1, id: 21 }] };
    const r = walletIdempotencyChecker.check(history(), snap, scope);
    expect(r.evidence[0]).toMatchObject({ anomaly: 'key-applied-twice', userId: 1, key: 'k1', expected: '1 ledger row', actual: '2 rows', detail: 'ledger rows 11 (CHARGE +300), 21 (CHARGE +300)' });
    expect(r.counts).toMatchObject({ keysAppliedTwice: 1 });
  });

  it('fails two first applications of one key and a replay naming another ledger row', () => {
    const r = walletIdempotencyChecker.check(
      history([], (list) => [list[0]!, { ...list[1]!, result: { ledgerId: 21, balance: 1_600, applied: true, status: 201 } }, ...list.slice(2)]),
      clean,
      scope,
    );
    expect(anomalies(r)).toEqual(['key-applied-twice', 'replay-mismatch']);
    expect(r.evidence[1]).toMatchObject({ expected: 'ledger id 11', actual: '21', detail: 'answered by #1 ok 201' });
  });

  it('fails an acknowledged charge and payment missing from the ledger', () => {
    const r = walletIdempotencyChecker.check(history(), { ...clean, ledger: [initial] }, scope);
    expect(anomalies(r)).toEqual(['lost-charge', 'lost-payment']);
    expect(r.evidence[0]).toMatchObject({ key: 'k1', expected: 'CHARGE +300', actual: 'no ledger row', detail: 'acknowledged by #0 ok 201, #1 ok 200' });
  });

  it('fails ledger rows without a client operation or after a refusal', () => {
    const stray: LedgerEntry = { id: 22, userId: 1, amount: 50, type: 'CHARGE', idempotencyKey: 'never-sent', reservationId: null, balanceAfter: 850 };
    const refusedKey: HandWrittenOp = { vu: 9, f: 'charge', type: 'fail', value: { userId: 1, amount: 70, idempotencyKey: 'k4' }, result: { status: 409, code: 'WALLET_BUSY' } };
    const afterRefusal: LedgerEntry = { id: 23, userId: 1, amount: 70, type: 'CHARGE', idempotencyKey: 'k4', reservationId: null, balanceAfter: 920 };
    const debit402: LedgerEntry = { id: 24, userId: 1, amount: -5_000, type: 'PAYMENT', idempotencyKey: null, reservationId: 51, balanceAfter: -4_080 };
    const r = walletIdempotencyChecker.check(history([refusedKey]), { ...clean, ledger: [...clean.ledger, stray, afterRefusal, debit402] }, scope);
    expect(anomalies(r).sort()).toEqual(['unexpected-charge', 'unexpected-charge', 'unexpected-payment']);
    expect(r.evidence).toContainEqual(expect.objectContaining({ key: 'k4', detail: 'every request with this key was refused: #6 fail 409 WALLET_BUSY' }));
    expect(r.evidence).toContainEqual(expect.objectContaining({ key: 'reservation:51', detail: 'every payment was refused: #4 fail 402 INSUFFICIENT_FUNDS' }));
  });

  it('fails a charge row whose amount differs from the acknowledged one', () => {
    const r = walletIdempotencyChecker.check(history(), { ...clean, ledger: [initial, { ...k1, amount: 301 }, paid50] }, scope);
    expect(r.evidence[0]).toMatchObject({ anomaly: 'charge-mismatch', expected: 'CHARGE +300', actual: 'CHARGE +301 (row 11)' });
  });
});

describe('a scope without wallets', () => {
  it('makes every wallet check unknown, not a crash', async () => {
    const { wallets: _wallets, ...noWallets } = scope;
    const results = await runCheckers(checkers, {} as StoreClients, noWallets, history());
    expect(results.map((r) => [r.id, r.verdict])).toEqual([
      ['wallet-ledger', 'unknown'],
      ['wallet-conservation', 'unknown'],
      ['wallet-idempotency', 'unknown'],
    ]);
    expect(results[0]!.summary).toContain('not a wallet scenario');
  });
});
