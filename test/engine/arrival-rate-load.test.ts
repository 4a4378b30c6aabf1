// The arrival-rate executors through runLoad in real time, against a loopback HTTP server:
// the offered rate is reached when VUs suffice, and a slow target makes iterations drop.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { History } from '../../src/engine/history.ts';
import { runLoad } from '../../src/engine/run-load.ts';
import type { ProgressSnapshot } from '../../src/engine/types.ts';

// /fast answers at once; /slow?ms=n after n ms.
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const delay = url.pathname === '/slow' ? Number(url.searchParams.get('ms') ?? 100) : 0;
    setTimeout(() => res.end('{}'), delay);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('runLoad with arrival-rate executors', () => {
  it('constant-arrival-rate 200/s for 1 s with enough VUs runs 200 ± 2 iterations and drops none', async () => {
    const snapshots: ProgressSnapshot[] = [];
    const vuIds = new Set<number>();
    const summary = await runLoad({
      baseUrl,
      executor: { executor: 'constant-arrival-rate', rate: 200, timeUnitMs: 1000, durationMs: 1000, preAllocatedVUs: 10, maxVUs: 50 },
      requestTimeoutMs: 2_000,
      history: new History(),
      progressIntervalMs: 100,
      onProgress: (p) => snapshots.push(p),
      iteration: async (vu) => {
        vuIds.add(vu.id);
        await vu.http.request('read', 'GET', '/fast');
      },
    });
    const iterations = summary.iterations.completed + summary.iterations.failed;
    expect(iterations).toBeGreaterThanOrEqual(198);
    expect(iterations).toBeLessThanOrEqual(202);
    expect(summary.iterations.failed).toBe(0);
    expect(summary.droppedIterations).toBe(0);
    expect(summary.durationMs).toBeGreaterThanOrEqual(990);
    expect(Math.max(...vuIds)).toBeLessThanOrEqual(50);
    expect(summary.latencyCorrected?.count).toBe(summary.requests);
    expect(summary.latencyCorrectedByName?.['read']?.count).toBe(summary.requests);
    expect(snapshots.at(-1)).toMatchObject({ droppedIterations: 0, durationMs: 1000 });
  });

  it('a slow target with few VUs drops iterations, and corrected p95 ≥ measured p95', async () => {
    const summary = await runLoad({
      baseUrl,
      executor: { executor: 'constant-arrival-rate', rate: 100, timeUnitMs: 1000, durationMs: 1000, preAllocatedVUs: 2, maxVUs: 4 },
      requestTimeoutMs: 5_000,
      history: new History(),
      iteration: async (vu) => {
        // Two requests: the second is corrected from the first one's completion.
        await vu.http.request('hold', 'POST', '/slow?ms=100');
        await vu.http.request('pay', 'POST', '/slow?ms=50');
      },
    });
    // 4 VUs × 150 ms per iteration ≈ 27 iterations a second at most, of the 100 offered.
    expect(summary.droppedIterations).toBeGreaterThan(50);
    expect(summary.iterations.completed + summary.droppedIterations).toBe(100);
    expect(summary.latencyCorrected).toBeDefined();
    expect(summary.latencyCorrected!.p95Ms).toBeGreaterThanOrEqual(summary.latency.p95Ms);
    expect(summary.latencyCorrectedByName!['pay']!.p95Ms).toBeGreaterThanOrEqual(summary.latencyByName['pay']!.p95Ms);
  });

  it('ramping-arrival-rate follows its stages and closed models report no corrected latency', async () => {
    const ramp = await runLoad({
      baseUrl,
      executor: { executor: 'ramping-arrival-rate', startRate: 0, timeUnitMs: 1000, stages: [{ target: 100, durationMs: 600 }], preAllocatedVUs: 5, maxVUs: 20 },
      requestTimeoutMs: 2_000,
      history: new History(),
      iteration: async (vu) => {
        await vu.http.request('read', 'GET', '/fast');
      },
    });
    expect(ramp.iterations.completed + ramp.droppedIterations).toBe(30); // ½ · 100/s · 0.6 s
    expect(ramp.latencyCorrected?.count).toBe(ramp.requests);

    const closed = await runLoad({
      baseUrl,
      executor: { executor: 'shared-iterations', vus: 2, iterations: 4, maxDurationMs: 10_000 },
      requestTimeoutMs: 2_000,
      history: new History(),
      iteration: async (vu) => {
        await vu.http.request('read', 'GET', '/fast');
      },
    });
    expect(closed.droppedIterations).toBe(0);
    expect(closed.latencyCorrected).toBeUndefined();
    expect(closed.latencyCorrectedByName).toBeUndefined();
  });
});
