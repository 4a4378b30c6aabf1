import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { History } from '../../src/engine/history.ts';
import { runLoad } from '../../src/engine/run-load.ts';
import type { ProgressSnapshot } from '../../src/engine/types.ts';
import { classifyUnexpected, ok } from '../../src/engine/vu.ts';

// A real HTTP server on loopback: /ok answers 201 after a short delay, /conflict 409,
// /slow never answers within the client's timeout.
let server: Server;
let baseUrl: string;
let served = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    served += 1;
    if (req.url === '/slow') {
      setTimeout(() => res.end('late'), 1_000).unref();
      return;
    }
    const status = req.url === '/conflict' ? 409 : 201;
    setTimeout(() => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status === 201 ? { id: served } : { error: { code: 'SEAT_UNAVAILABLE', message: 'taken' } }));
    }, 5);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('runLoad', () => {
  it('shared-iterations runs exactly the iterations asked, across the VUs, and records every op', async () => {
    const history = new History();
    const vusSeen = new Set<number>();
    const summary = await runLoad({
      baseUrl,
      executor: { executor: 'shared-iterations', vus: 10, iterations: 57, maxDurationMs: 30_000 },
      requestTimeoutMs: 2_000,
      history,
      iteration: async (vu) => {
        vusSeen.add(vu.id);
        await vu.op('hold', { vu: vu.id }, async () => {
          const res = await vu.http.request('hold', 'POST', '/ok', { a: 1 });
          return res.status === 201 ? ok({ id: (res.json as { id: number }).id }) : classifyUnexpected(res);
        });
      },
    });
    expect(summary.iterations).toEqual({ completed: 57, failed: 0 });
    expect(summary.requests).toBe(57);
    expect(history.ops()).toHaveLength(57);
    expect(history.counts()).toEqual({ hold: { ok: 57, fail: 0, info: 0 } });
    expect(vusSeen.size).toBe(10);
    expect(summary.status.ok).toBe(57);
    expect(summary.latency.count).toBe(57);
    // The server waits 5 ms before answering, so no latency can be below that.
    expect(summary.latency.minMs).toBeGreaterThanOrEqual(4.5);
    expect(summary.latency.p95Ms).toBeGreaterThanOrEqual(summary.latency.p50Ms);
    expect(summary.latencyByName['hold']?.count).toBe(57);
    expect(summary.tpsSeries.reduce((a, b) => a + b, 0)).toBe(57);
  });

  it('classifies 409 as fail, a timeout as info, and counts conflict and error answers', async () => {
    const history = new History();
    const summary = await runLoad({
      baseUrl,
      executor: { executor: 'shared-iterations', vus: 2, iterations: 2, maxDurationMs: 30_000 },
      requestTimeoutMs: 200,
      history,
      iteration: async (vu) => {
        const path = vu.id === 1 ? '/conflict' : '/slow';
        await vu.op('hold', { path }, async () => classifyUnexpected(await vu.http.request('hold', 'POST', path, {})));
      },
    });
    const byPath = Object.fromEntries(history.ops().map((op) => [op.value['path'], op]));
    expect(byPath['/conflict']?.type).toBe('fail');
    expect(byPath['/conflict']?.result).toEqual({ status: 409, code: 'SEAT_UNAVAILABLE' });
    expect(byPath['/slow']?.type).toBe('info');
    expect(byPath['/slow']?.error).toMatch(/timeout|Timeout/);
    expect(summary.status).toMatchObject({ ok: 0, conflict: 1, error: 1, byStatus: { '409': 1, timeout: 1 } });
  });

  it('constant-vus loops for the duration, emits progress, and counts a throwing iteration as failed', async () => {
    const history = new History();
    const snapshots: ProgressSnapshot[] = [];
    const started = Date.now();
    const summary = await runLoad({
      baseUrl,
      executor: { executor: 'constant-vus', vus: 3, durationMs: 600 },
      requestTimeoutMs: 2_000,
      history,
      progressIntervalMs: 100,
      onProgress: (p) => snapshots.push(p),
      iteration: async (vu) => {
        await vu.http.request('read', 'GET', '/ok');
        if (vu.iteration === 2) throw new Error('scenario bug');
      },
    });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(600);
    expect(summary.iterations.failed).toBe(3);
    expect(summary.iterations.completed).toBeGreaterThan(3);
    expect(snapshots.length).toBeGreaterThanOrEqual(3);
    expect(snapshots.at(-1)?.requests).toBe(summary.requests);
    expect(snapshots.at(-1)?.durationMs).toBe(600);
  });
});
