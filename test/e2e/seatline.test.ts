// The proof that profiles are general: the seatline example service (examples/seatline/), built
// independently in another style, driven and checked only through its profile on the real
// MariaDB, Redis and Kafka. Its safe build passes; its test-only broken builds are caught by the
// relevant check with evidence; a check whose inputs the profile lacks is skipped, and
// --require-check turns the skip into a failure.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONNECTIONS } from '../../src/config/connections.ts';
import { executorFromFlags } from '../../src/options/executor-flags.ts';
import { loadProfile, type LoadedProfile } from '../../src/profile/load.ts';
import { runAndWriteReport } from '../../src/run/run-and-write.ts';
import type { AnyScenario } from '../../src/scenario/types.ts';
import { resolveStateDir } from '../../src/infra/paths.ts';
import { startTarget, type DrivenTarget } from '../../src/target/start-target.ts';
import type { QueueSettings } from '../../src/target/launch-profile.ts';
import queueTtl from '../../scenarios/queue-ttl.ts';
import contention from '../../scenarios/contention.ts';
import flashSale from '../../scenarios/flash-sale.ts';
import holdExpiry from '../../scenarios/hold-expiry.ts';
import walletRace from '../../scenarios/wallet-race.ts';

/** A short queue run, as the bundled target's queue-ttl test runs it. */
const QUEUE_FLAGS = { users: 400, capacity: 20, passTtl: 600, advanceInterval: 100 };

const outDir = mkdtempSync(path.join(tmpdir(), 'ticketbench-seatline-'));
let seatline: LoadedProfile;

/** Starts a seatline instance with a test-only fault (SEATLINE_FAULT), as the profile would start it. */
async function startWithFault(fault: string | undefined, queue?: QueueSettings): Promise<DrivenTarget> {
  const before = process.env['SEATLINE_FAULT'];
  if (fault === undefined) delete process.env['SEATLINE_FAULT'];
  else process.env['SEATLINE_FAULT'] = fault;
  try {
    return await startTarget(seatline, { connections: DEFAULT_CONNECTIONS, stateDir: resolveStateDir(), bundled: {}, holdTtlMs: 300_000, lockTtlMs: 3_000, ...(queue ? { queue } : {}) });
  } finally {
    if (before === undefined) delete process.env['SEATLINE_FAULT'];
    else process.env['SEATLINE_FAULT'] = before;
  }
}

function run(scenario: AnyScenario, flags: Record<string, unknown>, vus: number, more: { targetUrl?: string; profile?: LoadedProfile; requireChecks?: string[] } = {}) {
  return runAndWriteReport({
    scenario,
    scenarioFlags: flags,
    executor: executorFromFlags({}, { vus, iterations: scenario.defaultIterations?.(flags) }),
    connections: DEFAULT_CONNECTIONS,
    outDir,
    requestTimeoutMs: 10_000,
    settleTimeoutMs: 20_000,
    profile: more.profile ?? seatline,
    ...(more.targetUrl === undefined ? {} : { targetUrl: more.targetUrl }),
    ...(more.requireChecks === undefined ? {} : { requireChecks: more.requireChecks }),
  });
}

beforeAll(async () => {
  seatline = await loadProfile(path.resolve('examples/seatline/seatline.profile.ts'));
});

describe('the seatline service through its profile', () => {
  it('contention passes every check, and the report names the profile', async () => {
    const { report, paths } = await run(contention, {}, 80);
    expect(report.checks.map((c) => [c.id, c.verdict])).toEqual([
      ['double-booking', 'pass'],
      ['hold-overlap', 'pass'],
      ['history-vs-mysql', 'pass'],
      ['orphan-locks', 'pass'],
      ['kafka-events', 'pass'],
      ['sell-out', 'pass'],
    ]);
    expect(report.profile).toBe('seatline');
    expect(report.load.ops['hold']).toEqual({ ok: 1, fail: 79, info: 0 });
    expect(report.results['conflicts']).toBe(79);
    // No guard table in this design: the check says one payment per confirmed seat, no guard rows.
    expect(report.checks[0]!.summary).toBe('1 confirmed reservation(s) for 1 seat(s), each with one payment');
    expect(readFileSync(paths.markdown, 'utf8')).toMatch(/\| target profile \| `seatline` \|/);
  }, 120_000);

  it('flash-sale sells every seat once, retrying other seats after a lost race', async () => {
    const { report } = await run(flashSale, { users: 600, seats: 60 }, 60);
    expect(report.verdict).toBe('pass');
    expect(report.results).toMatchObject({ seatsSold: 60, paysOk: 60 });
    expect(Number(report.results['conflicts'])).toBeGreaterThan(0);
  }, 180_000);

  it('wallet-race keeps every point balance equal to its history table and its client history', async () => {
    const { report } = await run(walletRace, { users: 4, ops: 5 }, 40);
    expect(report.checks.map((c) => [c.id, c.verdict])).toEqual([
      ['wallet-ledger', 'pass'],
      ['wallet-conservation', 'pass'],
      ['wallet-idempotency', 'pass'],
      ['hold-overlap', 'pass'],
    ]);
    expect(Number(report.results['chargesApplied'])).toBeGreaterThan(0);
    expect(Number(report.results['overdraftsRefused'])).toBeGreaterThan(0);
  }, 180_000);

  it('hold-expiry: unpaid holds expire on time, their seats are held again, no paid hold expires', async () => {
    const { report } = await run(holdExpiry, {}, holdExpiry.defaultVus);
    expect(report.checks.filter((c) => c.verdict !== 'pass').map((c) => `${c.id}: ${c.summary}`)).toEqual([]);
    expect(report.options['holdTtlMs']).toBe(3_000);
    expect(report.checks.find((c) => c.id === 'expiry-on-time')?.counts['reheld']).toBeGreaterThan(0);
  }, 180_000);

  it('queue-ttl: FIFO admission, capacity, reclaimed passes and the pass gate hold, judged without a queue log', async () => {
    const { report } = await run(queueTtl, QUEUE_FLAGS, 20);
    expect(report.checks.filter((c) => c.verdict !== 'pass').map((c) => `${c.id}: ${c.summary}`)).toEqual([]);
    expect(report.checks.find((c) => c.id === 'queue-fifo')?.summary).toMatch(/the service keeps no queue log: judged by the client alone/);
    expect(report.results).toMatchObject({ entered: 400, admitted: 400, probesAccepted: 0 });
    expect(Number(report.results['abandoned'])).toBeGreaterThan(0);
  }, 180_000);

  describe('with a running instance', () => {
    let safe: DrivenTarget;
    beforeAll(async () => {
      safe = await startWithFault(undefined);
    }, 90_000);
    afterAll(() => safe?.running?.stop());

    it('a check whose inputs the profile lacks is skipped with the reason; --require-check makes it fail', async () => {
      const noKafka: LoadedProfile = { ...seatline, profile: { ...seatline.profile, stores: { ...seatline.profile.stores, kafka: undefined } } };
      const skipped = (await run(contention, {}, 20, { profile: noKafka, targetUrl: safe.baseUrl })).report;
      expect(skipped.checks.find((c) => c.id === 'kafka-events')).toMatchObject({ verdict: 'skipped', summary: 'skipped: profile "seatline" gives no stores.kafka (the service publishes no events, or says not where)' });
      expect(skipped.verdict).toBe('pass');
      const required = (await run(contention, {}, 20, { profile: noKafka, targetUrl: safe.baseUrl, requireChecks: ['kafka-events'] })).report;
      expect(required.checks.find((c) => c.id === 'kafka-events')).toMatchObject({ verdict: 'fail' });
      expect(required.checks.find((c) => c.id === 'kafka-events')!.summary).toMatch(/^required by --require-check but skipped: /);
      expect(required.verdict).toBe('fail');
    }, 120_000);
  });

  describe('broken builds (SEATLINE_FAULT, test only) are caught', () => {
    it('no-seat-lock: concurrent holds of one seat all succeed, and hold-overlap fails naming the overlapping bookings', async () => {
      const broken = await startWithFault('no-seat-lock');
      try {
        // The race is real, not staged: a few tries may be needed to hit it on a quiet machine.
        let failed;
        for (let attempt = 0; attempt < 3 && !failed; attempt++) {
          const { report } = await run(contention, {}, 80, { targetUrl: broken.baseUrl });
          failed = report.checks.find((c) => c.id === 'hold-overlap' && c.verdict === 'fail');
        }
        expect(failed).toBeDefined();
        expect(failed!.evidence[0]).toMatchObject({ anomaly: expect.stringMatching(/overlap-in-mysql|held-while-owned/) });
        expect(String(failed!.evidence[0]!['reservations'])).toMatch(/^[0-9a-f-]{36},[0-9a-f-]{36}$/);
      } finally {
        await broken.running?.stop();
      }
    }, 240_000);

    it('queue-over-admit: a waiting room that admits beyond its capacity fails queue-capacity with the Redis samples that counted too many', async () => {
      const broken = await startWithFault('queue-over-admit', { capacity: 20, passTtlMs: 600, advanceMs: 100 });
      try {
        const { report } = await run(queueTtl, QUEUE_FLAGS, 20, { targetUrl: broken.baseUrl });
        const capacity = report.checks.find((c) => c.id === 'queue-capacity')!;
        expect(capacity.verdict).toBe('fail');
        expect(capacity.evidence[0]).toMatchObject({ source: 'sample', capacity: 20, active: expect.any(Number) });
        expect(Number(capacity.evidence[0]!['active'])).toBeGreaterThan(20);
      } finally {
        await broken.running?.stop();
      }
    }, 240_000);

    it('lost-update-points: concurrent charges lose updates, and the wallet checks fail with the broken balances', async () => {
      const broken = await startWithFault('lost-update-points');
      try {
        const { report } = await run(walletRace, { users: 2, ops: 5, mix: 'charge:1' }, 40, { targetUrl: broken.baseUrl });
        const ledger = report.checks.find((c) => c.id === 'wallet-ledger')!;
        const conservation = report.checks.find((c) => c.id === 'wallet-conservation')!;
        expect([ledger.verdict, conservation.verdict]).toContain('fail');
        expect(report.verdict).toBe('fail');
        expect(conservation.verdict).toBe('fail');
        expect(conservation.evidence[0]).toMatchObject({ userId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      } finally {
        await broken.running?.stop();
      }
    }, 240_000);
  });
});
