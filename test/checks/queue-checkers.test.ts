// The queue checkers' verdict functions on hand-written histories and snapshots (no I/O): the
// clean case passes, each anomaly fails with its evidence. Plus the log parser, the inversion
// counter and the scenario's client-side results.
import { describe, expect, it } from 'vitest';
import type { CheckScope } from '../../src/checks/checker.ts';
import { queueAdmissionChecker } from '../../src/checks/queue-admission.ts';
import { queueCapacityChecker } from '../../src/checks/queue-capacity.ts';
import { countInversions, queueFifoChecker } from '../../src/checks/queue-fifo.ts';
import { queueRedistributionChecker } from '../../src/checks/queue-redistribution.ts';
import { interleave, parseQueueEvent, percentile, queueClientResults, type QueueEvent, type QueueSnapshot } from '../../src/checks/queue-snapshot.ts';
import { History, type HandWrittenOp } from '../../src/engine/history.ts';

const T0 = 1_700_000_000_000;
const scope: CheckScope = {
  scheduleIds: [7],
  seatCount: 3,
  runStartedAtMs: T0,
  lockTtlMs: 5000,
  consumerGroup: 'g',
  settleTimeoutMs: 1000,
  queue: {
    scheduleId: 7,
    userIds: [1, 2, 3],
    capacity: 2,
    passTtlMs: 1000,
    advanceMs: 100,
    slackMs: 50,
    keys: { waiting: 'w', passes: 'p', passPrefix: 'pp:', log: 'l' },
  },
};

/** Users 1, 2, 3 enter in order; capacity 2: 1 and 2 admitted at T0+100, 1 pays, 2 abandons, its pass expires at T0+1100 and 3 gets the slot. */
const cleanLog = (): QueueEvent[] => [
  { kind: 'enter', user: 1, atMs: T0 + 1, entryUs: (T0 + 1) * 1000 },
  { kind: 'enter', user: 2, atMs: T0 + 2, entryUs: (T0 + 2) * 1000 },
  { kind: 'enter', user: 3, atMs: T0 + 3, entryUs: (T0 + 3) * 1000 },
  { kind: 'admit', user: 1, atMs: T0 + 100, entryUs: (T0 + 1) * 1000, expiryMs: T0 + 1100 },
  { kind: 'admit', user: 2, atMs: T0 + 100, entryUs: (T0 + 2) * 1000, expiryMs: T0 + 1100 },
  { kind: 'tick', atMs: T0 + 100, expired: 0, admitted: 2, activeAfter: 2, waitingAfter: 1 },
  { kind: 'release', user: 1, atMs: T0 + 150, reason: 'paid' },
  { kind: 'admit', user: 3, atMs: T0 + 200, entryUs: (T0 + 3) * 1000, expiryMs: T0 + 1200 },
  { kind: 'tick', atMs: T0 + 200, expired: 0, admitted: 1, activeAfter: 2, waitingAfter: 0 },
  { kind: 'expire', user: 2, atMs: T0 + 1110, expiryMs: T0 + 1100 },
  { kind: 'tick', atMs: T0 + 1110, expired: 1, admitted: 0, activeAfter: 1, waitingAfter: 0 },
  { kind: 'release', user: 3, atMs: T0 + 1150, reason: 'paid' },
];

const snapshot = (log = cleanLog(), end: Partial<QueueSnapshot> = {}): QueueSnapshot => ({ log, unparsed: 0, nowMs: T0 + 2000, waiting: [], passes: [], passKeys: [], drainWaitMs: 0, ...end });

const op = (f: string, userId: number, invokeMs: number, completeMs: number, result: Record<string, string | number> = {}, extra: Partial<HandWrittenOp> = {}): HandWrittenOp => ({
  vu: 1,
  f,
  type: 'ok',
  value: { scheduleId: 7, userId, ...(f === 'hold' ? { seatNo: `S${userId}`, pass: 'own' } : {}) },
  result,
  invokeUs: invokeMs * 1000,
  completeUs: completeMs * 1000,
  ...extra,
});

const sample = (atMs: number, active: number, oldest?: { user: number; expiryMs: number }): HandWrittenOp => ({
  vu: 1,
  f: 'queue-sample',
  type: 'ok',
  value: { scheduleId: 7 },
  result: { redisMs: T0 + atMs, active, waiting: 0, ...(oldest ? { oldestUser: oldest.user, oldestExpiryMs: oldest.expiryMs } : {}) },
  invokeUs: atMs * 1000,
  completeUs: atMs * 1000 + 100,
});

/** The client's view of the clean run (times in ms since the load started, T0). */
const cleanOps = (): HandWrittenOp[] => [
  op('queue-enter', 1, 0, 1, { state: 'waiting' }),
  op('queue-enter', 2, 1, 2, { state: 'waiting' }),
  op('queue-enter', 3, 2, 3, { state: 'waiting' }),
  sample(50, 0),
  op('queue-status', 3, 60, 61, { state: 'waiting', position: 1 }),
  sample(120, 2, { user: 1, expiryMs: T0 + 1100 }),
  op('queue-status', 1, 120, 121, { state: 'admitted', passToken: 'a', passExpiresAt: T0 + 1100 }),
  op('queue-status', 2, 121, 122, { state: 'admitted', passToken: 'b', passExpiresAt: T0 + 1100 }),
  op('queue-abandon', 2, 122, 122),
  op('hold', 1, 125, 130, { reservationId: 10 }),
  op('pay', 1, 130, 150, { paymentId: 20 }),
  sample(190, 1, { user: 2, expiryMs: T0 + 1100 }),
  op('queue-status', 3, 210, 211, { state: 'admitted', passToken: 'c', passExpiresAt: T0 + 1200 }),
  op('hold', 3, 212, 220, { reservationId: 11 }),
  sample(1120, 1, { user: 3, expiryMs: T0 + 1200 }),
];

const verdict = (checker: { check: (h: History, s: QueueSnapshot, sc: CheckScope) => { verdict: string } }, ops = cleanOps(), snap = snapshot()) => checker.check(History.of(ops), snap, scope);

describe('queue log and helpers', () => {
  it('parses each log line the target writes and refuses others', () => {
    expect(parseQueueEvent('e,5,1000,1000123')).toEqual({ kind: 'enter', user: 5, atMs: 1000, entryUs: 1000123 });
    expect(parseQueueEvent('a,5,1200,1000123,3200')).toEqual({ kind: 'admit', user: 5, atMs: 1200, entryUs: 1000123, expiryMs: 3200 });
    expect(parseQueueEvent('x,5,3250,3200')).toEqual({ kind: 'expire', user: 5, atMs: 3250, expiryMs: 3200 });
    expect(parseQueueEvent('r,5,1300,paid')).toEqual({ kind: 'release', user: 5, atMs: 1300, reason: 'paid' });
    expect(parseQueueEvent('l,5,1300')).toEqual({ kind: 'leave', user: 5, atMs: 1300 });
    expect(parseQueueEvent('t,1200,1,2,100,50')).toEqual({ kind: 'tick', atMs: 1200, expired: 1, admitted: 2, activeAfter: 100, waitingAfter: 50 });
    expect(parseQueueEvent('zzz')).toBeUndefined();
  });

  it('counts inversions', () => {
    expect(countInversions([0, 1, 2, 3])).toBe(0);
    expect(countInversions([3, 2, 1, 0])).toBe(6);
    expect(countInversions([1, 0, 2])).toBe(1);
    expect(countInversions([])).toBe(0);
  });

  it('percentiles by nearest rank; interleaves evidence lists', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([5, 1, 3, 2, 4], 100)).toBe(5);
    expect(percentile([], 95)).toBe(0);
    expect(interleave<number | string>([1, 2, 3], ['a'], [])).toEqual([1, 'a', 2, 3]);
  });

  it('summarises the client view: wait percentiles, admission rate against the configured bounds', () => {
    const results = queueClientResults(History.of(cleanOps()), { capacity: 2, passTtlMs: 1000, advanceMs: 100 });
    expect(results).toMatchObject({ entered: 3, admitted: 3, abandoned: 1, holdsOk: 2, paysOk: 1, probesAccepted: 0, waitP50Ms: 120, waitMaxMs: 208, configuredRateCeilingPerS: 20, configuredRateFloorPerS: 1.8, samples: 4 });
  });
});

describe('queue-fifo', () => {
  it('passes admissions in entry order', () => {
    const result = queueFifoChecker.check(History.of(cleanOps()), snapshot(), scope);
    expect(result.verdict).toBe('pass');
    expect(result.counts).toMatchObject({ admitted: 3, inversions: 0, clientInversions: 0, waitP50Ms: 99, waitMaxMs: 197 });
  });

  it('fails when a later arrival is admitted first, in the log and in the client view', () => {
    const log = cleanLog().map((e): QueueEvent => (e.kind === 'admit' && e.user === 3 ? { ...e, atMs: T0 + 100 } : e.kind === 'admit' && e.user === 2 ? { ...e, atMs: T0 + 200 } : e));
    // Swap the order of admissions of 2 and 3 in the log.
    const i2 = log.findIndex((e) => e.kind === 'admit' && e.user === 2);
    const i3 = log.findIndex((e) => e.kind === 'admit' && e.user === 3);
    [log[i2], log[i3]] = [log[i3]!, log[i2]!];
    // The client saw 3's pass at 61 ms and 2 still waiting at 100 ms.
    const ops = [op('queue-enter', 2, 1, 2, { state: 'waiting' }), op('queue-enter', 3, 3, 4, { state: 'waiting' }), op('queue-status', 3, 60, 61, { state: 'admitted', passToken: 'c' }), op('queue-status', 2, 100, 101, { state: 'waiting', position: 1 })];
    const result = queueFifoChecker.check(History.of(ops), snapshot(log), scope);
    expect(result.verdict).toBe('fail');
    expect(result.counts).toMatchObject({ inversions: 1, clientInversions: 1 });
    expect(result.evidence[0]).toMatchObject({ anomaly: 'inversion', user: 2, detail: 'user 2 (arrival #2) was admitted after user 3 (arrival #3)' });
    expect(result.evidence[1]).toMatchObject({ anomaly: 'client-inversion', user: 2, admittedAfter: 3 });
  });
});

describe('queue-capacity', () => {
  it('passes when samples, advancements and the log stay within capacity', () => {
    const result = queueCapacityChecker.check(History.of(cleanOps()), snapshot(), scope);
    expect(result.verdict).toBe('pass');
    expect(result.counts).toMatchObject({ capacity: 2, samples: 4, maxActiveSampled: 2, maxActiveAdvancement: 2, maxActiveLog: 2 });
  });

  it('fails on a sample, an advancement or a log replay above capacity', () => {
    const log = [...cleanLog(), { kind: 'admit', user: 4, atMs: T0 + 1200, entryUs: 1, expiryMs: T0 + 2200 } as QueueEvent, { kind: 'admit', user: 5, atMs: T0 + 1200, entryUs: 2, expiryMs: T0 + 2200 } as QueueEvent, { kind: 'admit', user: 6, atMs: T0 + 1200, entryUs: 3, expiryMs: T0 + 2200 } as QueueEvent, { kind: 'tick', atMs: T0 + 1200, expired: 0, admitted: 3, activeAfter: 3, waitingAfter: 0 } as QueueEvent];
    const result = queueCapacityChecker.check(History.of([...cleanOps(), sample(1210, 3)]), snapshot(log), scope);
    expect(result.verdict).toBe('fail');
    expect(result.evidence.map((e) => e['source'])).toEqual(['sample', 'advancement', 'log']);
    expect(result.evidence[0]).toMatchObject({ active: 3, capacity: 2 });
  });

  it('is unknown without any Redis sample', () => {
    expect(queueCapacityChecker.check(History.of(cleanOps().filter((o) => o.f !== 'queue-sample')), snapshot(), scope).verdict).toBe('unknown');
  });
});

describe('queue-redistribution', () => {
  it('passes reclaims within interval + slack and reports their distribution', () => {
    const result = queueRedistributionChecker.check(History.of(cleanOps()), snapshot(), scope);
    expect(result.verdict).toBe('pass');
    expect(result.counts).toMatchObject({ abandoned: 1, reclaimed: 1, reclaimP50Ms: 10, reclaimMaxMs: 10, boundMs: 150 });
  });

  it('fails a late reclaim, an idle slot while users wait, a stale pass in a sample and an abandoned pass never reclaimed', () => {
    const log = cleanLog().map((e): QueueEvent => (e.kind === 'expire' ? { ...e, atMs: T0 + 1400 } : e));
    log.splice(5, 1, { kind: 'tick', atMs: T0 + 100, expired: 0, admitted: 1, activeAfter: 1, waitingAfter: 1 });
    const ops = [...cleanOps(), sample(1500, 1, { user: 9, expiryMs: T0 + 1100 }), op('queue-abandon', 3, 215, 215)];
    const result = queueRedistributionChecker.check(History.of(ops), snapshot(log, { passes: [{ user: 3, expiryMs: T0 + 1200 }] }), scope);
    expect(result.verdict).toBe('fail');
    expect(result.evidence.map((e) => e['anomaly'])).toEqual(['late-reclaim', 'never-reclaimed', 'stale-pass-sampled', 'idle-slot']);
    expect(result.evidence[0]).toMatchObject({ user: 2, delayMs: 300, boundMs: 150 });
    expect(result.evidence[2]).toMatchObject({ user: 9, delayMs: 400 });
  });
});

describe('queue-admission', () => {
  it('passes one admission per user, holds with their own valid pass and an empty end state', () => {
    const result = queueAdmissionChecker.check(History.of(cleanOps()), snapshot(), scope);
    expect(result.verdict).toBe('pass');
    expect(result.counts).toMatchObject({ admitted: 3, repeatedAdmissions: 0, holdsOk: 2, holdsWithoutPass: 0 });
  });

  it('fails a second admission, an accepted hold without a pass or with an expired one, and an inconsistent end state', () => {
    const log = [...cleanLog(), { kind: 'admit', user: 1, atMs: T0 + 1500, entryUs: 9, expiryMs: T0 + 2500 } as QueueEvent];
    const ops = [
      ...cleanOps(),
      op('hold', 2, 300, 310, { reservationId: 12 }, { value: { scheduleId: 7, userId: 2, seatNo: 'S2', pass: 'none' } }),
      op('hold', 3, 1300, 1310, { reservationId: 13 }),
      // An indeterminate probe is not evidence either way.
      op('hold', 3, 1300, 1310, {}, { type: 'info', value: { scheduleId: 7, userId: 3, seatNo: 'S3', pass: 'other' } }),
    ];
    const result = queueAdmissionChecker.check(History.of(ops), snapshot(log, { waiting: [1], passes: [{ user: 2, expiryMs: T0 + 1100 }], passKeys: [5] }), scope);
    expect(result.verdict).toBe('fail');
    expect(result.evidence.map((e) => e['anomaly'])).toEqual(['admitted-twice', 'hold-without-pass', 'hold-with-expired-pass', 'waiting-after-admission', 'stale-pass-at-end', 'orphan-pass-token']);
    expect(result.evidence[1]).toMatchObject({ user: 2, detail: 'hold op #15 with no pass was accepted (reservation 12)' });
    expect(result.counts['holdsWithoutPass']).toBe(1);
    // The headline names each kind, and how many probes there were to catch a bad gate.
    expect(result.summary).toBe(
      "6 violation(s): 1 user(s) admitted more than once, 1 hold(s) with no pass or another user's pass accepted, 1 hold(s) accepted with an expired pass, 1 admitted user(s) still waiting at the end, 1 expired pass(es) still counted at the end, 1 pass token(s) without a pass (of 2 probe(s) run)",
    );
  });

  it('says in its summary how many probes ran and were refused', () => {
    const ops = [
      ...cleanOps(),
      op('hold', 2, 300, 310, { status: 401 }, { type: 'fail', value: { scheduleId: 7, userId: 2, seatNo: 'S2', pass: 'none' } }),
      op('hold', 2, 320, 330, { status: 403 }, { type: 'fail', value: { scheduleId: 7, userId: 2, seatNo: 'S2', pass: 'other' } }),
    ];
    const result = queueAdmissionChecker.check(History.of(ops), snapshot(), scope);
    expect(result.verdict).toBe('pass');
    expect(result.counts).toMatchObject({ probesNoPass: 1, probesOtherPass: 1 });
    expect(result.summary).toMatch(/; 1 probe\(s\) with no pass and 1 with another user's pass, none accepted;/);
  });
});
