// The k6 JSON output reader and the history/load rebuilt from it: k6's documented line format
// (a Metric line, Point lines with tags and RFC 3339 times with nanoseconds and offsets), gzip,
// a run split over two instance files, and bad input as one sentence with exit code 2.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { TicketbenchError } from '../../src/errors.ts';
import { parseRfc3339Us, readK6Output, type K6Point } from '../../src/k6/k6-output.ts';
import { readK6Run } from '../../src/k6/verify.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'tb-k6-output-'));
const executor = { executor: 'shared-iterations', vus: 2, iterations: 2, maxDurationMs: 60_000 } as const;

// From the k6 docs (results-output/real-time/json): a Metric line and a Point line.
const DOC_METRIC = '{"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time","thresholds":["p(95)<500"],"submetrics":null},"metric":"http_req_duration"}';
const DOC_POINT = '{"type":"Point","data":{"time":"2017-05-09T14:34:45.625742514+02:00","value":5.000000,"tags":{"group":"","method":"GET","name":"http://test.k6.io","status":"200","url":"http://test.k6.io"}},"metric":"http_req_duration"}';

function opLine(time: string, tags: Record<string, string>): string {
  return JSON.stringify({ type: 'Point', data: { time, value: 1, tags }, metric: 'ticketbench_op' });
}

function file(name: string, lines: readonly string[], gzip = false): string {
  const target = path.join(dir, name);
  const text = `${lines.join('\n')}\n`;
  writeFileSync(target, gzip ? gzipSync(text) : text);
  return target;
}

async function points(target: string): Promise<K6Point[]> {
  const out: K6Point[] = [];
  await readK6Output(target, (p) => out.push(p));
  return out;
}

describe('k6 JSON output', () => {
  it('reads RFC 3339 times with nanoseconds and offsets to the microsecond', () => {
    expect(parseRfc3339Us('2017-05-09T14:34:45.625742514+02:00')).toBe(Date.UTC(2017, 4, 9, 12, 34, 45) * 1000 + 625_742);
    expect(parseRfc3339Us('2017-05-09T12:34:45Z')).toBe(Date.UTC(2017, 4, 9, 12, 34, 45) * 1000);
    expect(parseRfc3339Us('2017-05-09T10:04:45.5-02:30')).toBe(Date.UTC(2017, 4, 9, 12, 34, 45) * 1000 + 500_000);
    expect(parseRfc3339Us('yesterday')).toBeUndefined();
  });

  it("reads the docs' lines, plain and gzipped, the same", async () => {
    const plain = await points(file('doc.json', [DOC_METRIC, DOC_POINT]));
    const gz = await points(file('doc.json.gz', [DOC_METRIC, DOC_POINT], true));
    expect(plain).toEqual([{ metric: 'http_req_duration', timeUs: Date.UTC(2017, 4, 9, 12, 34, 45) * 1000 + 625_742, value: 5, tags: { group: '', method: 'GET', name: 'http://test.k6.io', status: '200', url: 'http://test.k6.io' } }]);
    expect(gz).toEqual(plain);
  });

  it('merges a run split over two instance files into one history and one load summary', async () => {
    const t0 = Date.UTC(2026, 0, 1, 12, 0, 0) * 1000;
    const iso = (us: number) => `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 23)}${String(us % 1000).padStart(3, '0')}123+00:00`;
    const hold = (vu: number, invoked: number, completed: number, outcome: string, result: object) =>
      opLine(iso(completed), { op: 'hold', outcome, vu_id: String(vu), invoked_us: String(invoked), completed_us: String(completed), value: JSON.stringify({ scheduleId: 7, seatNo: 'S1', userId: 100 + vu }), result: JSON.stringify(result) });
    const req = (completed: number, ms: number, status: string) => JSON.stringify({ type: 'Point', data: { time: iso(completed), value: ms, tags: { name: 'hold', method: 'POST', status, url: 'http://t/api/holds' } }, metric: 'http_req_duration' });
    const a = file('instance-0.json', [DOC_METRIC, req(t0 + 12_000, 12, '201'), hold(1, t0, t0 + 12_000, 'ok', { status: 201, reservationId: 55 })]);
    const b = file('instance-1.json.gz', [req(t0 + 2_000_000, 8, '409'), hold(2, t0 + 1_992_000, t0 + 2_000_000, 'fail', { status: 409, reason: 'lost-race' }), JSON.stringify({ type: 'Point', data: { time: iso(t0 + 2_000_001), value: 1, tags: {} }, metric: 'iterations' })], true);
    const run = await readK6Run([a, b], executor);
    expect(run.history.counts()).toEqual({ hold: { ok: 1, fail: 1, info: 0 } });
    const ops = run.history.ops();
    expect(ops.map((op) => [op.vu, op.type, op.value['userId'], op.invokeUs, op.completeUs])).toEqual([
      [1, 'ok', 101, 0, 12_000],
      [2, 'fail', 102, 1_992_000, 2_000_000],
    ]);
    expect(ops[0]!.result).toEqual({ status: 201, reservationId: 55 });
    expect(run.startedAtMs).toBe(t0 / 1000);
    expect(run.load.requests).toBe(2);
    expect(run.load.status).toMatchObject({ ok: 1, conflict: 1, error: 0 });
    expect(run.load.latencyByName['hold']).toMatchObject({ count: 2, minMs: expect.closeTo(8, 0), maxMs: expect.closeTo(12, 0) });
    expect(run.load.durationMs).toBeCloseTo(2000, 0);
    expect(run.load.tps).toBeCloseTo(1, 1);
    expect(run.load.iterations.completed).toBe(1);
  });

  it('refuses what is not k6 output, or k6 output without ticketbench_op, with one sentence (exit 2)', async () => {
    const notJson = file('not-json.json', ['hello']);
    const noOps = file('no-ops.json', [DOC_METRIC, DOC_POINT]);
    const badTime = file('bad-time.json', ['{"type":"Point","data":{"time":"noon","value":1,"tags":{}},"metric":"x"}']);
    await expect(readK6Run([notJson], executor)).rejects.toThrow(/not-json.json:1 is not k6 JSON output \(not JSON\)/);
    await expect(readK6Run([noOps], executor)).rejects.toThrow(/has no ticketbench_op points/);
    await expect(readK6Run([badTime], executor)).rejects.toThrow(/time "noon" is not RFC 3339/);
    await expect(readK6Run([path.join(dir, 'missing.json')], executor)).rejects.toBeInstanceOf(TicketbenchError);
    const err = await readK6Run([noOps], executor).catch((e: TicketbenchError) => e);
    expect((err as TicketbenchError).exitCode).toBe(2);
  });

  it('verify: a fixture of another scenario or not a fixture is exit 2 with one line', async () => {
    const fixture = path.join(dir, 'fixture.json');
    writeFileSync(fixture, JSON.stringify({ format: 'ticketbench-fixture/1', scenario: 'contention', scenarioFlags: {}, scenarioOptions: {}, executor, requestTimeoutMs: 1, thresholds: [], profile: { name: 'bundled' }, strategy: 'external', walletStrategy: 'external', cache: 'external', timings: { holdTtlMs: 1, lockTtlMs: 1, expirySweepMs: 1, cacheTtlMs: 1 }, data: {}, ids: {}, createdAt: 'now' }));
    const run = async (args: string[]) => {
      let err = '';
      const sink = { write: (s: string) => ((err += s), true) } as unknown as NodeJS.WritableStream;
      const code = await main(['node', 'ticketbench', 'verify', ...args], { stdout: { write: () => true } as unknown as NodeJS.WritableStream, stderr: sink });
      return { code, err };
    };
    const other = await run(['flash-sale', '--fixture', fixture, '--k6-output', fixture]);
    expect(other.code).toBe(2);
    expect(other.err.trim().split('\n')).toEqual([`ticketbench: --fixture ${fixture} was set up for scenario contention, not flash-sale.`]);
    const notFixture = await run(['contention', '--fixture', path.join(dir, 'doc.json'), '--k6-output', fixture]);
    expect(notFixture.code).toBe(2);
    expect(notFixture.err).toMatch(/is not JSON|is not a ticketbench fixture/);
  });
});
