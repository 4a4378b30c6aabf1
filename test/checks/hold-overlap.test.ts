// The hold-overlap checker on hand-written histories and snapshots: holds on one seat must
// exclude each other in time, in MySQL (database clock) and in what the client saw.
import { describe, expect, it } from 'vitest';
import type { CheckScope } from '../../src/checks/checker.ts';
import { holdEndUs, holdOverlapChecker, type HeldInterval, type HoldOverlapSnapshot } from '../../src/checks/hold-overlap.ts';
import { History } from '../../src/engine/history.ts';

const scope: CheckScope = { scheduleIds: [7], seatCount: 2, runStartedAtMs: 0, lockTtlMs: 5000, consumerGroup: 'g', settleTimeoutMs: 1000 };
const row = (id: number, seatNo: string, userId: number, status: string, startUs: number, endUs: number | null): HeldInterval => ({ id, scheduleId: 7, seatNo, userId, status, startUs, endUs });
const snapshot = (...reservations: HeldInterval[]): HoldOverlapSnapshot => ({ reservations, readAtUs: 10_000_000 });
const hold = (userId: number, seatNo: string, reservationId: number, invokeUs: number, completeUs: number) =>
  ({ vu: userId, f: 'hold', type: 'ok', value: { scheduleId: 7, seatNo, userId }, result: { reservationId }, invokeUs, completeUs }) as const;
const pay = (userId: number, reservationId: number, invokeUs: number, completeUs: number, type: 'ok' | 'fail' = 'ok') =>
  ({ vu: userId, f: 'pay', type, value: { reservationId, userId }, result: {}, invokeUs, completeUs }) as const;

describe('hold-overlap checker', () => {
  it('passes holds that follow each other: one expired, the seat held again and sold', () => {
    const history = History.of([hold(1, 'A1', 100, 0, 1_000), hold(2, 'A1', 101, 3_000_000, 3_001_000), pay(2, 101, 3_002_000, 3_003_000)]);
    const snap = snapshot(row(100, 'A1', 1, 'EXPIRED', 500, 2_000_000), row(101, 'A1', 2, 'CONFIRMED', 2_000_001, null), row(102, 'B2', 3, 'HELD', 700, null));
    const r = holdOverlapChecker.check(history, snap, scope);
    expect(r.verdict).toBe('pass');
    expect(r.counts).toEqual({ reservations: 3, seats: 2, overlapsInMysql: 0, heldWhileOwned: 0 });
    expect(r.summary).toBe('3 reservation(s) on 2 seat(s): no two held one seat at the same time');
  });

  it('fails two reservations holding one seat at once in MySQL, even when the second payment was refused', () => {
    // A lock released before the write: both users got 201, the guard refused user 2's payment.
    const history = History.of([hold(1, 'A1', 100, 0, 2_000), hold(2, 'A1', 101, 500, 2_500), pay(1, 100, 3_000, 4_000), pay(2, 101, 3_100, 4_100, 'fail')]);
    const snap = snapshot(row(100, 'A1', 1, 'CONFIRMED', 1_000, null), row(101, 'A1', 2, 'HELD', 1_800, null));
    const r = holdOverlapChecker.check(history, snap, scope);
    expect(r.verdict).toBe('fail');
    expect(r.evidence).toEqual([
      {
        anomaly: 'overlap-in-mysql',
        seat: '7/A1',
        reservations: '100,101',
        users: '1,2',
        statuses: 'CONFIRMED,HELD',
        overlapMs: 9998.2,
        detail: 'reservation 101 was created while 100 still held the seat (one of them holds it still)',
      },
    ]);
    expect(r.summary).toBe('1 overlapping hold(s): 1 pair(s) of reservations holding one seat at the same time in MySQL');
  });

  it('fails a hold created before an earlier one on the same seat expired', () => {
    const snap = snapshot(row(100, 'A1', 1, 'EXPIRED', 0, 2_000_000), row(101, 'A1', 2, 'EXPIRED', 1_500_000, 4_000_000));
    const r = holdOverlapChecker.check(new History(), snap, scope);
    expect(r.evidence).toEqual([expect.objectContaining({ reservations: '100,101', overlapMs: 500 })]);
  });

  it('fails a hold the client saw acknowledged after another user\'s hold on that seat was acknowledged and then paid', () => {
    // MySQL shows nothing wrong (say the target rewrote the rows); the history alone proves it.
    const history = History.of([hold(1, 'A1', 100, 0, 1_000), hold(2, 'A1', 101, 6_000, 7_000), pay(1, 100, 8_000, 9_000)]);
    const r = holdOverlapChecker.check(history, snapshot(), scope);
    expect(r.verdict).toBe('fail');
    expect(r.evidence).toEqual([
      expect.objectContaining({ anomaly: 'held-while-owned', seat: '7/A1', reservations: '100,101', users: '1,2', overlapMs: null, detail: "hold of user 2 invoked 5 ms after user 1's hold was acknowledged, and that hold was then paid" }),
    ]);
    expect(r.summary).toBe("1 overlapping hold(s): 1 hold(s) acknowledged while another user's paid hold owned the seat");
  });

  it('does not judge holds that were concurrent with the paid one from the history alone', () => {
    const history = History.of([hold(1, 'A1', 100, 0, 1_000), hold(2, 'A1', 101, 900, 1_200), pay(1, 100, 2_000, 3_000)]);
    expect(holdOverlapChecker.check(history, snapshot(), scope).verdict).toBe('pass');
  });
});

describe('when a hold ends (holdEndUs)', () => {
  it('a hold promises its seat until its expiry time, not until the sweep marks it', () => {
    // Expired at 2 s, swept at 2.4 s: the seat was free from 2 s on.
    expect(holdEndUs('EXPIRED', 2_400_000, 2_000_000, 10_000_000)).toBe(2_000_000);
    // Cancelled before its time: free from the cancellation.
    expect(holdEndUs('CANCELLED', 1_000_000, 2_000_000, 10_000_000)).toBe(1_000_000);
    // Still HELD past its expiry (not swept yet): ended at its expiry; within its time: holds still.
    expect(holdEndUs('HELD', 500, 2_000_000, 10_000_000)).toBe(2_000_000);
    expect(holdEndUs('HELD', 500, 20_000_000, 10_000_000)).toBeNull();
    expect(holdEndUs('CONFIRMED', 500, 2_000_000, 10_000_000)).toBeNull();
    // Without an expiry time in the profile's rows, the status change is the end.
    expect(holdEndUs('EXPIRED', 2_400_000, undefined, 10_000_000)).toBe(2_400_000);
  });

  it('passes a seat held again after the first hold expired but before the sweep; fails one held again before it expired', () => {
    const history = new History();
    const afterExpiry = snapshot(row(100, 'A1', 1, 'EXPIRED', 0, holdEndUs('EXPIRED', 2_400_000, 2_000_000, 10_000_000)), row(101, 'A1', 2, 'HELD', 2_100_000, null));
    expect(holdOverlapChecker.check(history, afterExpiry, scope).verdict).toBe('pass');
    const beforeExpiry = snapshot(row(100, 'A1', 1, 'EXPIRED', 0, holdEndUs('EXPIRED', 2_400_000, 2_000_000, 10_000_000)), row(101, 'A1', 2, 'HELD', 1_900_000, null));
    expect(holdOverlapChecker.check(history, beforeExpiry, scope).evidence[0]).toMatchObject({ anomaly: 'overlap-in-mysql', reservations: '100,101', overlapMs: 100 });
  });
});
