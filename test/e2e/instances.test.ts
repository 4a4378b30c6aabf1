// Two instances of the bundled target behind one run, as seed 003 runs two servers: the VUs are
// spread over both, the seat lock, the guard, the outbox relay (FOR UPDATE SKIP LOCKED) and the
// consumer group stay correct across them, and the report shows each instance's figures.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONNECTIONS } from '../../src/config/connections.ts';
import { executorFromFlags } from '../../src/options/executor-flags.ts';
import { runAndWriteReport } from '../../src/run/run-and-write.ts';
import contention from '../../scenarios/contention.ts';
import flashSale from '../../scenarios/flash-sale.ts';
import { cli } from '../helpers/cli.ts';

const outDir = mkdtempSync(path.join(tmpdir(), 'ticketbench-instances-'));

describe('--target-instances 2 (bundled target)', () => {
  it('contention: every check passes, both instances answered, and the report has a table of them', async () => {
    const { report, paths } = await runAndWriteReport({
      scenario: contention,
      scenarioFlags: {},
      executor: executorFromFlags({}, { vus: 80 }),
      connections: DEFAULT_CONNECTIONS,
      outDir,
      requestTimeoutMs: 10_000,
      targetInstances: 2,
    });
    expect(report.checks.filter((c) => c.verdict !== 'pass').map((c) => `${c.id}: ${c.summary}`)).toEqual([]);
    expect(report.load.ops['hold']).toEqual({ ok: 1, fail: 79, info: 0 });
    expect(report.options['targetInstances']).toBe(2);
    const instances = report.load.instances!;
    expect(instances).toHaveLength(2);
    expect(instances.every((i) => i.answered > 0 && i.unanswered === 0)).toBe(true);
    expect(instances[0]!.answered + instances[1]!.answered).toBe(report.load.requests);
    expect(new Set(instances.map((i) => i.url)).size).toBe(2);
    expect(report.connections.target.split(',')).toEqual(instances.map((i) => i.url));
    expect(readFileSync(paths.markdown, 'utf8')).toMatch(/## Target instances/);
  }, 180_000);

  it('flash-sale: 200 seats sold once each across both instances, one event each', async () => {
    const { report } = await runAndWriteReport({
      scenario: flashSale,
      scenarioFlags: { users: 2_000, seats: 200 },
      executor: executorFromFlags({}, { vus: 100, iterations: 2_000 }),
      connections: DEFAULT_CONNECTIONS,
      outDir,
      requestTimeoutMs: 10_000,
      targetInstances: 2,
    });
    expect(report.checks.filter((c) => c.verdict !== 'pass').map((c) => `${c.id}: ${c.summary}`)).toEqual([]);
    expect(report.results).toMatchObject({ seatsSold: 200, paysOk: 200 });
    expect(report.checks.find((c) => c.id === 'kafka-events')?.counts).toMatchObject({ confirmed: 200, consumed: 200 });
  }, 180_000);

  it('bad instance options are one line, exit 2', async () => {
    const both = await cli(['run', 'contention', '--ci', '--no-infra', '--target-instances', '2', '--target-url', 'http://127.0.0.1:9']);
    expect(both.code).toBe(2);
    expect(both.stderr.trim()).toBe('ticketbench: --target-instances starts instances; with --target-url, list the running instances instead: --target-url http://127.0.0.1:8080,http://127.0.0.1:8081.');
    const many = await cli(['run', 'contention', '--ci', '--no-infra', '--target-instances', '17']);
    expect(many.code).toBe(2);
    expect(many.stderr).toMatch(/--target-instances/);
  });
});
