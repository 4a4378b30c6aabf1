// The hold-expiry checkers on hand-written histories and snapshots (no I/O): each anomaly fails
// with a headline that names it, the clean case passes, and missing target times give unknown.
import { describe, expect, it } from 'vitest';
import type { CheckScope } from '../../src/checks/checker.ts';
import { expiryOnTimeChecker, noPayAfterExpiryChecker, paidNeverExpiredChecker, type ExpirySnapshot, type ReservationTimes } from '../../src/checks/hold-expiry.ts';
import { History } from '../../src/engine/history.ts';

const scope: CheckScope = { scheduleIds: [7], seatCount: 2, runStartedAtMs: 0, lockTtlMs: 5000, consumerGroup: 'g', settleTimeoutMs: 1000, holdTtlMs: 3000, expirySweepMs: 1000 };
const S = 1_000_000; // one second in µs
const row = (id: number, seat: string, status: string, createdUs: number, changedUs: number, paidUs: number | null = null): ReservationTimes => ({ id, seat, userId: id, status, createdUs, expiresUs: createdUs + 3 * S, changedUs, paidUs });
const snap = (...reservations: ReservationTimes[]): ExpirySnapshot => ({ reservations, readAtUs: 20 * S, waitedMs: 0 });
const onTime = expiryOnTimeChecker({ slackMs: 1000, expectReheld: true });

describe('expiry-on-time', () => {
  it('passes a hold expired 0.5 s after its time whose seat was held again, and reports the delays', () => {
    const r = onTime.check(new History(), snap(row(1, '7/A', 'EXPIRED', 0, 3.5 * S), row(2, '7/A', 'CONFIRMED', 3.6 * S, 4 * S, 4 * S)), scope);
    expect(r.verdict).toBe('pass');
    expect(r.counts).toMatchObject({ expired: 1, reheld: 1, expiryDelayP50Ms: 500, expiryDelayMaxMs: 500, boundMs: 2000 });
  });

  it('fails a late expiry, an early one, a hold never swept and a freed seat nobody got, naming each', () => {
    const r = onTime.check(
      new History(),
      snap(row(1, '7/A', 'EXPIRED', 0, 6 * S), row(2, '7/B', 'EXPIRED', 0, 1 * S), row(3, '7/C', 'HELD', 0, 0), row(4, '7/A', 'HELD', 7 * S, 7 * S)),
      { ...scope, holdTtlMs: 3000 },
    );
    expect(r.verdict).toBe('fail');
    expect(r.evidence.map((e) => `${e['anomaly']}:${e['reservation']}`)).toEqual(['expired-late:1', 'expired-early:2', 'not-held-again:2', 'not-expired:3', 'not-expired:4']);
    expect(r.summary).toBe(
      '5 expiry violation(s): 1 hold(s) expired later than hold time + sweep interval + slack, 1 hold(s) expired before their hold time was up, 1 seat(s) freed by expiry but never held again although users kept trying, 2 hold(s) still HELD past hold time + sweep interval + slack',
    );
  });

  it('says unknown when the target\'s hold time is not known', () => {
    const { holdTtlMs: _h, ...withoutHold } = scope;
    expect(onTime.check(new History(), snap(), withoutHold).verdict).toBe('unknown');
  });
});

describe('paid-never-expired', () => {
  it('fails a reservation with a payment row, or one the client paid for, that the sweep expired', () => {
    const history = History.of([{ vu: 1, f: 'pay', type: 'ok', value: { reservationId: 2, userId: 2 }, result: { paymentId: 9 } }]);
    const r = paidNeverExpiredChecker.check(history, snap(row(1, '7/A', 'EXPIRED', 0, 3.2 * S, 1 * S), row(2, '7/B', 'EXPIRED', 0, 3.2 * S), row(3, '7/C', 'CONFIRMED', 0, 1 * S, 1 * S)), scope);
    expect(r.verdict).toBe('fail');
    expect(r.evidence.map((e) => e['detail'])).toEqual(['has a payment row, yet EXPIRED 200 ms after its hold time', 'the client was told it was paid, yet EXPIRED 200 ms after its hold time']);
    expect(r.summary).toBe('2 paid reservation(s) EXPIRED by the sweep: a sale taken back');
  });
});

describe('no-pay-after-expiry', () => {
  const hold = (reservationId: number, completeUs: number) => ({ vu: 1, f: 'hold', type: 'ok', value: { scheduleId: 7, seatNo: 'A', userId: 1 }, result: { reservationId }, invokeUs: completeUs - 1000, completeUs }) as const;
  const pay = (reservationId: number, invokeUs: number, type: 'ok' | 'fail') => ({ vu: 1, f: 'pay', type, value: { reservationId, userId: 1 }, result: {}, invokeUs, completeUs: invokeUs + 1000 }) as const;

  it('passes a payment within the hold time and a late one the target refused', () => {
    const history = History.of([hold(1, 0), pay(1, 2.9 * S, 'ok'), hold(2, 0), pay(2, 3.3 * S, 'fail')]);
    const r = noPayAfterExpiryChecker.check(history, snap(row(1, '7/A', 'CONFIRMED', 0, 2.9 * S, 2.9 * S)), scope);
    expect(r.verdict).toBe('pass');
    expect(r.counts).toMatchObject({ payments: 1, paysRefused: 1 });
  });

  it('fails a payment accepted after the hold ran out, on the client clock and on the database clock', () => {
    const history = History.of([hold(1, 0), pay(1, 3.25 * S, 'ok')]);
    const r = noPayAfterExpiryChecker.check(history, snap(row(1, '7/A', 'CONFIRMED', 0, 4.5 * S, 4.5 * S)), scope);
    expect(r.evidence.map((e) => e['anomaly'])).toEqual(['paid-after-expiry', 'payment-row-after-expiry']);
    expect(r.summary).toBe("2 payment(s) after expiry: 1 payment(s) accepted after the hold's time was up (client clock), 1 payment row(s) written after the hold's time was up (database clock)");
  });
});
