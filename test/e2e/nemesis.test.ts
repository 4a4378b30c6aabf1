// The nemesis on short runs of the bundled target: each fault really happens (a pid changes, a
// process is seen stopped, Redis is paused, MySQL connections are killed), is healed, shows in
// the report's timeline, and every check still passes for a safe strategy.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONNECTIONS } from '../../src/config/connections.ts';
import { parseNemesisSchedule } from '../../src/nemesis/schedule.ts';
import { resolveStateDir } from '../../src/infra/paths.ts';
import { readStarted } from '../../src/infra/started-state.ts';
import { executorFromFlags } from '../../src/options/executor-flags.ts';
import { runAndWriteReport } from '../../src/run/run-and-write.ts';
import flashSale from '../../scenarios/flash-sale.ts';
import walletRace from '../../scenarios/wallet-race.ts';
import { cli } from '../helpers/cli.ts';

const outDir = mkdtempSync(path.join(tmpdir(), 'ticketbench-nemesis-'));

function run(fault: string, more: { instances?: number; scenario?: typeof flashSale | typeof walletRace; strategy?: string; users?: number } = {}) {
  const scenario = more.scenario ?? flashSale;
  const flags = scenario === flashSale ? { users: more.users ?? 3_000, seats: (more.users ?? 3_000) / 5 } : {};
  return runAndWriteReport({
    scenario,
    scenarioFlags: flags,
    executor: executorFromFlags(scenario === flashSale ? {} : { durationMs: 4_000 }, { vus: 100, iterations: scenario.defaultIterations?.(flags) }),
    connections: DEFAULT_CONNECTIONS,
    outDir,
    requestTimeoutMs: 10_000,
    ...(more.instances ? { targetInstances: more.instances } : {}),
    ...(more.strategy ? { strategy: more.strategy } : {}),
    nemesis: { faults: [fault], schedule: parseNemesisSchedule('300ms:1s:700ms'), seed: 11 },
  });
}

const failing = (report: Awaited<ReturnType<typeof run>>['report']) => report.checks.filter((c) => c.verdict !== 'pass').map((c) => `${c.id}: ${c.summary}`);

describe('the nemesis', () => {
  it('kill-target: an instance killed mid-sale is restarted on its port with a new pid; its VUs moved on; every check passes', async () => {
    const { report, paths } = await run('kill-target', { instances: 2 });
    expect(failing(report)).toEqual([]);
    const first = report.nemesis!.timeline[0]!;
    expect(first.fault).toBe('kill-target');
    const [, oldPid] = /\(pid (\d+)\)/.exec(first.target)!;
    const [, newPid] = /restarted as pid (\d+)/.exec(first.detail)!;
    expect(first.detail).toMatch(/^SIGKILL; gone; restarted as pid \d+$/);
    expect(newPid).not.toBe(oldPid);
    const hit = report.load.instances!.find((i) => first.target.startsWith(i.url))!;
    expect(hit.unanswered).toBeGreaterThan(0);
    expect(report.nemesis).toMatchObject({ faults: ['kill-target'], seed: 11, schedule: { afterMs: 300, faultMs: 1_000, healMs: 700 } });
    expect(readFileSync(paths.markdown, 'utf8')).toMatch(/## Nemesis[\s\S]*`--nemesis-seed 11` replays/);
  }, 240_000);

  it('pause-target: an instance is seen stopped (state T) during the fault and running after; every check passes', async () => {
    const { report } = await run('pause-target', { instances: 2 });
    expect(failing(report)).toEqual([]);
    expect(report.nemesis!.timeline[0]!.detail).toMatch(/^SIGSTOP; process state T; SIGCONT; process state [RS]$/);
  }, 240_000);

  it('pause-redis: Redis holds every command for the fault interval; every check passes', async () => {
    const { report } = await run('pause-redis');
    expect(failing(report)).toEqual([]);
    const row = report.nemesis!.timeline[0]!;
    expect(row.detail).toBe('CLIENT PAUSE 1000 ALL; lifted by Redis');
    expect(row.endMs - row.startMs).toBeGreaterThanOrEqual(990);
  }, 240_000);

  it('restart-redis: Redis is shut down mid-sale and started again with a new run_id (every lock gone); every check passes', async () => {
    const { report } = await run('restart-redis', { instances: 2 });
    expect(failing(report)).toEqual([]);
    const row = report.nemesis!.timeline[0]!;
    const [, before, after] = /^SHUTDOWN NOSAVE, run_id (\w+); port closed; started again, run_id (\w+)$/.exec(row.detail)!;
    expect(after).not.toBe(before);
    expect(report.nemesis!.timeline.length).toBeGreaterThan(0);
  }, 240_000);

  it('mysql-kill-connections: the service loses its connections mid-transaction and reconnects; every wallet still adds up', async () => {
    const { report } = await run('mysql-kill-connections', { scenario: walletRace });
    expect(failing(report)).toEqual([]);
    expect(report.nemesis!.timeline.length).toBeGreaterThan(0);
    expect(Number(/KILL (\d+) connection/.exec(report.nemesis!.timeline[0]!.detail)![1])).toBeGreaterThan(0);
  }, 240_000);

  it('kill-kafka: the broker ticketbench started is killed mid-sale and started again; the relay and the consumer catch up, one event per sale', async () => {
    const { report } = await run('kill-kafka');
    expect(failing(report)).toEqual([]);
    const row = report.nemesis!.timeline[0]!;
    const started = readStarted(resolveStateDir()).some((s) => s.name === 'kafka');
    // Where the broker was started by another checkout's ticketbench, it is not this run's to kill.
    if (started) expect(row.detail).toMatch(/^SIGKILL; gone; started again as pid \d+$/);
    else expect(row.detail).toBe('could not inject: the Kafka broker was not started by ticketbench (infra up): it is not touched');
    expect(report.checks.find((c) => c.id === 'kafka-events')?.counts).toMatchObject({ confirmed: 600, consumed: 600 });
  }, 240_000);

  it('kill-consumer: the consumer crashes between applying an event and committing its offset; the redelivered event is counted once', async () => {
    const { report } = await run('kill-consumer', { instances: 2 });
    expect(failing(report)).toEqual([]);
    const crashes = report.nemesis!.timeline.filter((row) => /crashed after applying event \S+ at reservation\.confirmed\[\d+\]@\d+, before committing its offset; consumer started again/.test(row.detail));
    expect(crashes.length).toBeGreaterThan(0);
    // Each crashed event came again and was deduplicated, not applied twice.
    expect(report.checks.find((c) => c.id === 'kafka-events')?.counts).toMatchObject({ confirmed: 600, consumed: 600 });
  }, 240_000);

  it('kill-consumer catches a consumer that is not idempotent (TARGET_CONSUMER_FAULT=no-dedup, test only): the redelivered event is applied twice', async () => {
    process.env['TARGET_CONSUMER_FAULT'] = 'no-dedup';
    try {
      // A longer sale: the consumer group this test shares with the suite may first wait out a
      // member killed by another test (session timeout 10 s) before it consumes at all.
      const { report } = await run('kill-consumer', { users: 8_000 });
      const crashes = report.nemesis!.timeline.filter((row) => row.detail.includes('before committing its offset'));
      expect(crashes.length).toBeGreaterThan(0);
      const events = report.checks.find((c) => c.id === 'kafka-events')!;
      expect(events.verdict).toBe('fail');
      expect(events.summary).toMatch(/schedule\(s\) whose sold_count differs from the events consumed/);
    } finally {
      delete process.env['TARGET_CONSUMER_FAULT'];
    }
  }, 240_000);

  it('network-delay: the target\'s links to MySQL and Redis slow down and chunks really wait; every check passes', async () => {
    const { report } = await run('network-delay', { instances: 2 });
    expect(failing(report)).toEqual([]);
    const row = report.nemesis!.timeline[0]!;
    expect(row.detail).toMatch(/^\+20 ms each way; delay lifted; mysql \S+: \d+ chunks delayed, redis \S+: \d+ chunks delayed$/);
    expect(Number(/mysql \S+: (\d+) chunks/.exec(row.detail)![1])).toBeGreaterThan(0);
  }, 240_000);

  it('network-partition: the link to MySQL or Redis is cut, chunks are held and delivered at heal; every check passes', async () => {
    const { report } = await run('network-partition', { instances: 2 });
    expect(failing(report)).toEqual([]);
    const rows = report.nemesis!.timeline;
    expect(rows.map((r) => r.target)).toEqual(expect.arrayContaining([expect.stringMatching(/^link to (mysql|redis) /)]));
    expect(rows.some((r) => Number(/(\d+) chunks held/.exec(r.detail)?.[1] ?? 0) > 0)).toBe(true);
  }, 240_000);

  it('does not hide a broken target: the unsafe `none` strategy still double-books under a fault, and the checks say so', async () => {
    const { report } = await run('pause-target', { instances: 2, strategy: 'none' });
    expect(report.checks.find((c) => c.id === 'double-booking')?.verdict).toBe('fail');
  }, 240_000);

  it('refuses what it may not or cannot do, in one line, exit 2', async () => {
    const unknown = await cli(['run', 'contention', '--ci', '--no-infra', '--nemesis', 'kill-everything']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe('ticketbench: Unknown --nemesis fault "kill-everything"; the nemesis has: kill-target, pause-target, restart-redis, pause-redis, mysql-kill-connections, kill-kafka, kill-consumer, network-delay, network-partition.');
    const external = await cli(['run', 'contention', '--ci', '--no-infra', '--nemesis', 'kill-target', '--target-url', 'http://127.0.0.1:9']);
    expect(external.code).toBe(2);
    expect(external.stderr.trim()).toBe('ticketbench: --nemesis kill-target: it acts only on target instances ticketbench starts (not with --target-url).');
    const remote = await cli(['run', 'contention', '--ci', '--no-infra', '--nemesis', 'pause-redis', '--redis-url', 'redis://10.1.2.3:6379']);
    expect(remote.code).toBe(2);
    expect(remote.stderr.trim()).toBe("ticketbench: --nemesis acts only on servers on this machine's loopback addresses; Redis is at 10.1.2.3.");
    const seedAlone = await cli(['run', 'contention', '--ci', '--no-infra', '--nemesis-seed', '3']);
    expect(seedAlone.code).toBe(2);
    expect(seedAlone.stderr.trim()).toBe('ticketbench: --nemesis-seed needs --nemesis LIST (the faults to inject).');
  });
});
