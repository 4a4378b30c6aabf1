// The evaluator on hand-written load summaries and live snapshots: every metric and aggregation
// measured as documented, every operator, no-sample thresholds failing, live abortOnFail breaches.
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/engine/latency.ts';
import type { LatencyReading } from '../../src/engine/metrics.ts';
import type { LoadSummary } from '../../src/engine/types.ts';
import { compareWith, evaluateThresholds, firstBreach, measure, measuredFromLoad, measuredFromProgress, type LatencySource } from '../../src/thresholds/evaluate.ts';
import { parseThreshold } from '../../src/thresholds/parse.ts';
import { sampleProgress, sampleRunReport } from '../fixtures/run-report.ts';

// 81 requests over 1.412 s: hold p95 52.31 ms, pay 7.345 ms; 2 ok, 79 conflicts; 80 iterations.
const load: LoadSummary = {
  ...sampleRunReport().load,
  status: { ok: 2, conflict: 75, error: 4, byStatus: { '201': 2, '409': 75, '500': 3, timeout: 1 } },
  droppedIterations: 3,
};
const m = measuredFromLoad(load);
const value = (text: string): number | null => measure(parseThreshold(text), m);

describe('measure on a LoadSummary', () => {
  it('reads durations overall and per request name, in ms', () => {
    expect(value('http_req_duration:avg<1')).toBe(18.456);
    expect(value('http_req_duration:min<1')).toBe(1.234);
    expect(value('http_req_duration:max<1')).toBe(1203.4);
    expect(value('http_req_duration:med<1')).toBe(9.876);
    expect(value('http_req_duration:p(90)<1')).toBe(41.2);
    expect(value('http_req_duration:p(95)<1')).toBe(52.31);
    expect(value('http_req_duration:p(99)<1')).toBe(97.5);
    expect(value('http_req_duration{name:pay}:p(95)<1')).toBe(7.345);
    expect(value('http_req_duration{name:hold}:avg<1')).toBe(18.2);
  });

  it('has nothing to measure for an unknown request name or a percentile a summary lacks', () => {
    expect(value('http_req_duration{name:refund}:p(95)<1')).toBeNull();
    expect(value('http_req_duration:p(99.9)<1')).toBeNull();
  });

  it('counts requests overall, per name and per status; rates per second of the load phase', () => {
    expect(value('http_reqs:count>1')).toBe(81);
    expect(value('http_reqs{name:hold}:count>1')).toBe(80);
    expect(value('http_reqs{name:refund}:count>1')).toBe(0);
    expect(value('http_reqs{status:409}:count>1')).toBe(75);
    expect(value('http_reqs{status:timeout}:count>1')).toBe(1);
    expect(value('http_reqs:rate>1')).toBeCloseTo(81 / 1.412, 6);
    expect(value('iterations:count>1')).toBe(80);
    expect(value('iterations:rate>1')).toBeCloseTo(80 / 1.412, 6);
    expect(value('dropped_iterations:count<1')).toBe(3);
    expect(value('dropped_iterations:rate<1')).toBeCloseTo(3 / 1.412, 6);
  });

  it('counts errors, not 409 conflicts, as failed requests', () => {
    expect(value('errors:rate<0.01')).toBeCloseTo(4 / 81, 10);
    expect(value('http_req_failed:rate<0.01')).toBeCloseTo(4 / 81, 10);
    expect(measure(parseThreshold('errors:rate<0.01'), measuredFromLoad({ ...load, requests: 0 }))).toBeNull();
  });

  it('uses an exact latency source for any percentile when given one', () => {
    const h = new LatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) h.record(ms * 1000);
    const reading: LatencyReading = { ...h.summary(), percentileMs: (p) => h.percentileMs(p) };
    const exact: LatencySource = { latencyOf: (name) => (name === undefined ? reading : undefined) };
    const t = parseThreshold('http_req_duration:p(99.9)<1000');
    expect(measure(t, measuredFromLoad(load, exact))).toBeCloseTo(999, 0);
    expect(measure(parseThreshold('http_req_duration{name:hold}:avg<1'), measuredFromLoad(load, exact))).toBeNull();
  });
});

describe('compareWith', () => {
  it.each([
    ['<', 1, 2, true],
    ['<', 2, 2, false],
    ['<=', 2, 2, true],
    ['<=', 3, 2, false],
    ['>', 3, 2, true],
    ['>', 2, 2, false],
    ['>=', 2, 2, true],
    ['>=', 1, 2, false],
    ['==', 2, 2, true],
    ['==', 2.0001, 2, false],
    ['!=', 1, 2, true],
    ['!=', 2, 2, false],
  ] as const)('%s: %d vs %d → %s', (op, actual, limit, expected) => {
    expect(compareWith(actual, op, limit)).toBe(expected);
  });
});

describe('evaluateThresholds', () => {
  it('gives expression, source, measured value, limit, unit and pass/fail', () => {
    const results = evaluateThresholds(
      [parseThreshold('http_req_duration{name:hold}:p(95)<50'), parseThreshold('errors:rate<0.1', 'scenario'), parseThreshold('dropped_iterations:count==0:abortOnFail')],
      m,
    );
    expect(results).toEqual([
      { expression: 'http_req_duration{name:hold}:p(95)<50', source: 'cli', actual: 52.31, passed: false, abortOnFail: false, operator: '<', limit: 50, unit: 'ms' },
      { expression: 'errors:rate<0.1', source: 'scenario', actual: 4 / 81, passed: true, abortOnFail: false, operator: '<', limit: 0.1, unit: 'ratio' },
      { expression: 'dropped_iterations:count==0:abortOnFail', source: 'cli', actual: 3, passed: false, abortOnFail: true, operator: '==', limit: 0, unit: 'count' },
    ]);
  });

  it('fails a threshold with no samples, so a misspelt request name cannot pass', () => {
    const [r] = evaluateThresholds([parseThreshold('http_req_duration{name:hodl}:p(95)<50000')], m);
    expect(r).toMatchObject({ actual: null, passed: false });
  });

  it('fails a threshold that stopped the load even when the final figure is within the limit', () => {
    const [r] = evaluateThresholds([parseThreshold('http_reqs:count>1:abortOnFail')], m, new Map([['http_reqs:count>1:abortOnFail', 250]]));
    expect(r).toMatchObject({ actual: 81, passed: false, breachedAtMs: 250 });
  });
});

describe('firstBreach on live progress', () => {
  const live = (p95: number): LatencySource => ({
    latencyOf: (name) => (name === 'hold' || name === undefined ? { count: 10, minMs: 1, meanMs: 5, p50Ms: 4, p90Ms: p95, p95Ms: p95, p99Ms: p95, maxMs: p95, percentileMs: () => p95 } : undefined),
  });
  const thresholds = [parseThreshold('http_req_duration{name:hold}:p(95)<50:abortOnFail'), parseThreshold('http_reqs:count<5')];

  it('finds only abortOnFail thresholds breached so far', () => {
    // http_reqs:count<5 is breached (41 requests) but has no abortOnFail: judged at the end only.
    expect(firstBreach(thresholds, measuredFromProgress(sampleProgress(), live(20)))).toBeUndefined();
    const breach = firstBreach(thresholds, measuredFromProgress(sampleProgress(), live(80)));
    expect(breach?.threshold.expression).toBe('http_req_duration{name:hold}:p(95)<50:abortOnFail');
    expect(breach?.actual).toBe(80);
  });

  it('does not stop a run for lack of data', () => {
    const none: LatencySource = { latencyOf: () => undefined };
    expect(firstBreach(thresholds, measuredFromProgress(sampleProgress({ requests: 0 }), none))).toBeUndefined();
    expect(firstBreach([parseThreshold('errors:rate<0.01:abortOnFail')], measuredFromProgress(sampleProgress({ requests: 0 }), none))).toBeUndefined();
  });

  it('measures live rates per second elapsed so far', () => {
    const rate = measure(parseThreshold('http_reqs:rate>1'), measuredFromProgress(sampleProgress({ elapsedMs: 500, requests: 41 }), live(1)));
    expect(rate).toBe(82);
  });
});
