import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/engine/latency.ts';

describe('LatencyHistogram', () => {
  it('summarises microsecond samples in milliseconds within 3 significant digits', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.record(i * 100); // 0.1 ms .. 100 ms
    const s = h.summary();
    expect(s.count).toBe(1000);
    expect(s.minMs).toBeCloseTo(0.1, 3);
    expect(s.maxMs).toBeCloseTo(100, 0);
    expect(s.p50Ms).toBeGreaterThan(49.9);
    expect(s.p50Ms).toBeLessThan(50.1);
    expect(s.p99Ms).toBeGreaterThan(98.9);
    expect(s.meanMs).toBeCloseTo(50.05, 0);
  });

  it('never reports a percentile above the largest recorded value', () => {
    const h = new LatencyHistogram();
    for (const v of [29_600, 142_047, 138_200]) h.record(v);
    const s = h.summary();
    expect(s.p99Ms).toBeLessThanOrEqual(s.maxMs);
    expect(s.p50Ms).toBeLessThanOrEqual(s.maxMs);
  });

  it('clamps values outside its range instead of throwing, and is all zeros when empty', () => {
    const h = new LatencyHistogram();
    expect(h.summary()).toEqual({ count: 0, minMs: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p95Ms: 0, p99Ms: 0, maxMs: 0 });
    h.record(0);
    h.record(10 ** 12);
    expect(h.count).toBe(2);
    expect(h.summary().maxMs).toBeLessThanOrEqual(120_001);
  });
});

describe('RunMetrics', () => {
  it('reports TPS of the last full second, and the average rate during the first second', async () => {
    const { RunMetrics } = await import('../../src/engine/metrics.ts');
    const m = new RunMetrics(0);
    for (let i = 0; i < 50; i++) m.record('hold', { status: 201 }, 1000, 100 + i);
    expect(m.tpsAt(500)).toBe(100); // 50 requests in 0.5 s
    for (let i = 0; i < 30; i++) m.record('hold', { status: 409 }, 1000, 1200 + i);
    m.record('hold', { errorCode: 'timeout' }, 1000, 1300);
    expect(m.tpsAt(2100)).toBe(31); // second 1 (1000..2000 ms) had 31 completions
    expect(m.tpsSeries(2500)).toEqual([50, 31, 0]);
    expect(m.status()).toEqual({ ok: 50, conflict: 30, error: 1, byStatus: { '201': 50, '409': 30, timeout: 1 } });
  });
});
