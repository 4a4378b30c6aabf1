// Per-second latency percentiles (an interval histogram reset at each second boundary) and the
// overall latency distribution, first on hand-fed samples, then from a real load on loopback.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { History } from '../../src/engine/history.ts';
import { LatencyHistogram } from '../../src/engine/latency.ts';
import { RunMetrics } from '../../src/engine/metrics.ts';
import { runLoad } from '../../src/engine/run-load.ts';
import { classifyUnexpected, ok } from '../../src/engine/vu.ts';

describe('RunMetrics.latencySeries', () => {
  it('summarises each second on its own, zeros for a second without completions', () => {
    const m = new RunMetrics(0);
    // Second 0: 90 requests at 1 ms and 10 at 50 ms. Second 1: none. Second 2: 20 at 200 ms.
    for (let i = 0; i < 90; i++) m.record('hold', { status: 201 }, 1_000, 10 + i);
    for (let i = 0; i < 10; i++) m.record('hold', { status: 201 }, 50_000, 500 + i);
    for (let i = 0; i < 20; i++) m.record('pay', { status: 201 }, 200_000, 2_100 + i);
    const series = m.latencySeries(3_000);
    expect(series).toHaveLength(3);
    expect(series[0]).toEqual({ count: 100, p50Ms: 1, p95Ms: 50, p99Ms: 50 });
    expect(series[1]).toEqual({ count: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0 });
    expect(series[2]).toEqual({ count: 20, p50Ms: 200, p95Ms: 200, p99Ms: 200 });
    // Per-second counts are the TPS series, and add up to the requests.
    expect(series.map((s) => s.count)).toEqual(m.tpsSeries(3_000));
    expect(series.reduce((n, s) => n + s.count, 0)).toBe(m.requests);
  });

  it('does not close the open second when read, so later completions of that second still count', () => {
    const m = new RunMetrics(1_000);
    m.record('hold', { status: 201 }, 2_000, 1_100);
    expect(m.latencySeries(500)).toEqual([{ count: 1, p50Ms: 2, p95Ms: 2, p99Ms: 2 }]);
    m.record('hold', { status: 201 }, 4_000, 1_900);
    expect(m.latencySeries(1_000)).toEqual([{ count: 2, p50Ms: 2, p95Ms: 4, p99Ms: 4 }]);
  });

  it('is as long as the TPS series: one point for a run under a second, trailing empty seconds padded', () => {
    const m = new RunMetrics(0);
    expect(m.latencySeries(0)).toEqual([{ count: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0 }]);
    m.record('hold', { status: 409 }, 3_000, 300);
    expect(m.latencySeries(400)).toHaveLength(1);
    expect(m.latencySeries(4_200).map((s) => s.count)).toEqual([1, 0, 0, 0, 0]);
  });

  it('keeps each second exact over a long run (the interval histogram is reset, not accumulated)', () => {
    const m = new RunMetrics(0);
    for (let second = 0; second < 600; second++) {
      // Latency grows by 1 ms per second; each second must report its own value only.
      for (let i = 0; i < 5; i++) m.record('hold', { status: 201 }, (second + 1) * 1_000, second * 1_000 + i * 100);
    }
    const series = m.latencySeries(600_000);
    expect(series).toHaveLength(600);
    for (const [second, s] of series.entries()) {
      expect(s.count).toBe(5);
      expect(s.p50Ms).toBeCloseTo(second + 1, 0);
      expect(s.p99Ms).toBeCloseTo(second + 1, 0);
    }
  });
});

describe('LatencyHistogram.distribution', () => {
  it('is empty when nothing was recorded', () => {
    expect(new LatencyHistogram().distribution()).toEqual([]);
  });

  it('spans the recorded range in contiguous log-spaced buckets whose counts sum to the count', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 900; i++) h.record(800 + (i % 400)); // 0.8 .. 1.2 ms
    for (let i = 0; i < 90; i++) h.record(20_000 + i * 100); // 20 .. 29 ms
    for (let i = 0; i < 10; i++) h.record(1_500_000); // 1.5 s
    const buckets = h.distribution();
    expect(buckets.length).toBeGreaterThanOrEqual(20);
    expect(buckets.length).toBeLessThanOrEqual(30);
    expect(buckets.reduce((n, b) => n + b.count, 0)).toBe(1000);
    expect(buckets[0]!.fromMs).toBeLessThanOrEqual(0.8);
    expect(buckets.at(-1)!.toMs).toBeGreaterThan(1500);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.fromMs).toBe(buckets[i - 1]!.toMs);
    for (const b of buckets) expect(b.toMs).toBeGreaterThan(b.fromMs);
    // Log spacing: widths grow with the value.
    expect(buckets.at(-1)!.toMs - buckets.at(-1)!.fromMs).toBeGreaterThan(100 * (buckets[0]!.toMs - buckets[0]!.fromMs));
    const countIn = (fromMs: number, toMs: number) => buckets.filter((b) => b.fromMs >= fromMs && b.toMs <= toMs).reduce((n, b) => n + b.count, 0);
    expect(countIn(0.5, 1.5)).toBe(900);
    expect(countIn(15, 40)).toBe(90);
    expect(countIn(1000, 2000)).toBe(10);
  });

  it('gives one bucket when every value is the same, and honours a smaller bucket count', () => {
    const same = new LatencyHistogram();
    for (let i = 0; i < 7; i++) same.record(1234);
    const one = same.distribution();
    expect(one).toHaveLength(1);
    expect(one[0]!.count).toBe(7);
    expect(one[0]!.fromMs).toBeLessThanOrEqual(1.234);
    expect(one[0]!.toMs).toBeGreaterThan(1.234);

    const wide = new LatencyHistogram();
    for (let v = 100; v <= 10_000_000; v *= 2) wide.record(v);
    const eight = wide.distribution(8);
    expect(eight.length).toBeLessThanOrEqual(8);
    expect(eight.reduce((n, b) => n + b.count, 0)).toBe(wide.count);
  });
});

// A loopback server answering 201 after 2 ms.
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((_req, res) => {
    setTimeout(() => res.writeHead(201, { 'content-type': 'application/json' }).end('{}'), 2);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('runLoad', () => {
  it('fills latencySeries (one entry per second, counts = TPS series) and latencyDistribution (sums to requests)', async () => {
    const summary = await runLoad({
      baseUrl,
      executor: { executor: 'constant-vus', vus: 4, durationMs: 1_500 },
      requestTimeoutMs: 2_000,
      history: new History(),
      iteration: async (vu) => {
        await vu.op('hold', {}, async () => {
          const res = await vu.http.request('hold', 'POST', '/ok', {});
          return res.status === 201 ? ok({}) : classifyUnexpected(res);
        });
      },
    });
    expect(summary.requests).toBeGreaterThan(10);
    const series = summary.latencySeries!;
    expect(series).toHaveLength(summary.tpsSeries.length);
    expect(series.map((s) => s.count)).toEqual(summary.tpsSeries);
    for (const s of series.filter((x) => x.count > 0)) {
      expect(s.p50Ms).toBeGreaterThanOrEqual(1.5);
      expect(s.p95Ms).toBeGreaterThanOrEqual(s.p50Ms);
      expect(s.p99Ms).toBeGreaterThanOrEqual(s.p95Ms);
    }
    const buckets = summary.latencyDistribution!;
    expect(buckets.length).toBeGreaterThan(0);
    expect(buckets.reduce((n, b) => n + b.count, 0)).toBe(summary.requests);
  });
});
