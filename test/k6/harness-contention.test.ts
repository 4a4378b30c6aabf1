// An exported contention script, run in the k6 harness (VUs as worker threads, k6/http over a
// real HTTP client, two k6 instances with disjoint VUs, one output gzipped) against the bundled
// target, then judged by `ticketbench verify`: a safe strategy passes every check, and `none`'s
// double booking is caught from MySQL, with run's exit codes.
import { afterAll, describe, expect, it } from 'vitest';
import contention from '../../scenarios/contention.ts';
import { main } from '../../src/cli/main.ts';
import { DEFAULT_CONNECTIONS } from '../../src/config/connections.ts';
import { readFixture } from '../../src/k6/fixture.ts';
import { verifyK6Run } from '../../src/k6/verify.ts';
import type { RunningTarget } from '../../src/target/launch.ts';
import { expectEveryCheckPasses, k6Run, startBundled } from './helpers.ts';

const started: RunningTarget[] = [];
afterAll(async () => {
  await Promise.all(started.map((t) => t.stop()));
});

const executor = { executor: 'shared-iterations', vus: 16, iterations: 16, maxDurationMs: 60_000 } as const;

function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream;
  return main(['node', 'ticketbench', ...args], { stdout: sink, stderr: sink }).then((code) => ({ code, out }));
}

describe('k6 export → harness → verify (contention)', () => {
  it('redis-lock: every check passes, ops of both instances merge, verify exits 0', async () => {
    const target = await startBundled('redis-lock');
    started.push(target.running);
    const { dir, fixtureFile, run } = await k6Run(contention, target.baseUrl, executor);
    expect(run.errors).toEqual([]);
    const outcome = await verifyK6Run({ scenario: contention, fixture: await readFixture(fixtureFile, 'contention'), k6Outputs: run.outputs, connections: DEFAULT_CONNECTIONS });
    expectEveryCheckPasses(outcome.report, ['double-booking', 'hold-overlap', 'history-vs-mysql', 'orphan-locks', 'kafka-events', 'sell-out']);
    expect(outcome.report.load.ops['hold']).toEqual({ ok: 1, fail: 15, info: 0 });
    expect(outcome.report.load.ops['pay']).toEqual({ ok: 1, fail: 0, info: 0 });
    // Both instances' operations are in the one history (VUs 1–8 and 9–16), each VU one user.
    const holds = outcome.history.byF('hold');
    expect(holds.some((op) => op.vu <= 8) && holds.some((op) => op.vu > 8)).toBe(true);
    expect(new Set(holds.map((op) => op.vu)).size).toBe(new Set(holds.map((op) => op.value['userId'])).size);
    expect(outcome.report.load.latencyByName['hold']?.count).toBe(16);
    expect(outcome.report.load.requests).toBe(17);

    const summary = `${dir}/summary.json`;
    const { code, out } = await cli(['verify', 'contention', '--fixture', fixtureFile, '--k6-output', ...run.outputs, '--out', dir, '--summary-json', summary, '--junit', `${dir}/junit.xml`]);
    expect(out).toContain('PASS');
    expect(code).toBe(0);
  }, 120_000);

  it('none: the double booking is caught, verify exits 1', async () => {
    const target = await startBundled('none');
    started.push(target.running);
    const { dir, fixtureFile, run } = await k6Run(contention, target.baseUrl, executor);
    const outcome = await verifyK6Run({ scenario: contention, fixture: await readFixture(fixtureFile, 'contention'), k6Outputs: run.outputs, connections: DEFAULT_CONNECTIONS });
    const doubleBooking = outcome.report.checks.find((c) => c.id === 'double-booking')!;
    expect(outcome.report.load.ops['hold']!.ok).toBeGreaterThan(1);
    expect(doubleBooking.verdict).toBe('fail');
    expect(doubleBooking.counts['doubleBookedSeats']).toBe(1);
    expect(outcome.report.checks.find((c) => c.id === 'history-vs-mysql')?.verdict).toBe('pass');
    const { code } = await cli(['verify', 'contention', '--fixture', fixtureFile, '--k6-output', ...run.outputs, '--out', dir]);
    expect(code).toBe(1);
  }, 120_000);
});
