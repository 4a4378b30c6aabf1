// The seat-staleness verdict on hand-written histories (no I/O): a read that shows a confirmed
// seat as available passes within TTL + bound and fails beyond it, with the read as evidence; an
// `info` payment is dated by MySQL's confirmation time; the bitmap round-trips.
import { describe, expect, it } from 'vitest';
import type { CheckScope } from '../../src/checks/checker.ts';
import { encodeSeatBitmap, seatIndexOf, seatStalenessChecker } from '../../src/checks/seat-staleness.ts';
import { History } from '../../src/engine/history.ts';
import { CheckSkipped } from '../../src/checks/types.ts';

const scope: CheckScope = { scheduleIds: [7], seatCount: 4, runStartedAtMs: 1_000_000, lockTtlMs: 5000, consumerGroup: 'g', settleTimeoutMs: 1000 };
const checker = seatStalenessChecker({ ttlMs: 1_000, boundMs: 250 });
const ms = (n: number) => n * 1000;

/** Seat S2 of schedule 7 is held and paid, confirmed (pay ok) at 100 ms; reads at `readsAtMs` see `available`. */
const history = (readsAtMs: readonly number[], available: readonly string[], payType: 'ok' | 'info' = 'ok') =>
  History.of([
    { vu: 1, f: 'hold', type: 'ok', value: { scheduleId: 7, seatNo: 'S2', userId: 1 }, result: { reservationId: 100 }, invokeUs: ms(10), completeUs: ms(50) },
    { vu: 1, f: 'pay', type: payType, value: { reservationId: 100, userId: 1 }, result: payType === 'ok' ? { paymentId: 5 } : {}, invokeUs: ms(60), completeUs: ms(100), ...(payType === 'info' ? { error: 'timeout' } : {}) },
    ...readsAtMs.map((at) => ({
      vu: 2,
      f: 'seats',
      type: 'ok' as const,
      value: { scheduleId: 7 },
      result: { status: 200, available: available.length, bitmap: encodeSeatBitmap(available, 4) },
      invokeUs: ms(at),
      completeUs: ms(at + 5),
    })),
  ]);

describe('seat bitmap', () => {
  it('maps S{i+1} to bit i and ignores other seat numbers', () => {
    expect(seatIndexOf('S1')).toBe(0);
    expect(seatIndexOf('A1')).toBe(-1);
    const bits = Buffer.from(encodeSeatBitmap(['S1', 'S4', 'X9', 'S99'], 4), 'base64');
    expect([...bits]).toEqual([0b1001]);
  });
});

describe('seat-staleness checker', () => {
  it('passes reads that show the seat before its confirmation or within TTL + bound after it', () => {
    const r = checker.check(history([50, 90, 1_300], ['S1', 'S2']), { confirmed: [] }, scope);
    expect(r.verdict).toBe('pass');
    // The read at 1,300 ms started 1,200 ms after the confirmation at 100 ms: stale but allowed.
    expect(r.counts).toMatchObject({ reads: 3, confirmedSeats: 1, staleReads: 1, violations: 0, worstStalenessMs: 1_200, limitMs: 1_250 });
  });

  it('passes reads after the confirmation that no longer show the seat', () => {
    const r = checker.check(history([5_000], ['S1', 'S3']), { confirmed: [] }, scope);
    expect(r.verdict).toBe('pass');
    expect(r.counts).toMatchObject({ staleReads: 0, worstStalenessMs: 0 });
  });

  it('fails a read that shows a seat sold more than TTL + bound before, with the read as evidence', () => {
    const r = checker.check(history([200, 2_100], ['S2']), { confirmed: [] }, scope);
    expect(r.verdict).toBe('fail');
    expect(r.summary).toMatch(/^1 of 2 seat reads showed a seat as available more than 1250 ms \(TTL 1000 \+ 250\) after its sale was confirmed; worst 2000 ms$/);
    expect(r.evidence).toEqual([{ read: 3, vu: 2, scheduleId: 7, seatNo: 'S2', readStartedMs: 2_100, confirmedMs: 100, stalenessMs: 2_000, confirmedBy: 'pay ok' }]);
    expect(r.evidenceTotal).toBe(1);
  });

  it('dates a sale whose payment answer was lost (info) by MySQL\'s confirmation time', () => {
    // Confirmed in MySQL 300 ms after the run started (wall clock 1,000,300 ms).
    const snapshot = { confirmed: [{ scheduleId: 7, seatNo: 'S2', confirmedAtMs: 1_000_300 }] };
    const r = checker.check(history([3_000], ['S2'], 'info'), snapshot, scope);
    expect(r.verdict).toBe('fail');
    expect(r.evidence[0]).toMatchObject({ seatNo: 'S2', confirmedMs: 300, stalenessMs: 2_700, confirmedBy: 'mysql' });
    // Without the MySQL row the info payment proves nothing.
    expect(checker.check(history([3_000], ['S2'], 'info'), { confirmed: [] }, scope).verdict).toBe('pass');
  });
});

describe('seat-staleness without what it needs', () => {
  it('is skipped, not passed, when the reads say nothing about which seats were available (no `available` in the profile)', () => {
    const bare = History.of([{ vu: 2, f: 'seats', type: 'ok', value: { scheduleId: 7 }, result: { status: 200 }, invokeUs: ms(1_300), completeUs: ms(1_305) }]);
    expect(() => checker.check(bare, { confirmed: [] }, scope)).toThrow(CheckSkipped);
  });

  it('is skipped, not passed, when seats are not numbered S1…Sn', () => {
    const snapshot = { confirmed: [{ scheduleId: 7, seatNo: 'A-1', confirmedAtMs: 1_000_100 }] };
    expect(() => checker.check(history([1_300], ['S1']), snapshot, scope)).toThrow(/seat A-1 is not numbered S1…Sn/);
  });
});
