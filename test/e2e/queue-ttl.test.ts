// queue-ttl end to end on the real Redis, MySQL and Kafka: the real advancement passes every queue
// check; each deliberately broken advancement of the bundled target (TARGET_QUEUE_FAULT, test
// only: over-admit, skip-expiry, lifo, any-pass) is caught by the matching check with evidence; and a
// violation seeded in the real Redis log (a second admission of one user) fails queue-admission.
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { openStores } from '../../src/checks/stores.ts';
import { bundledTargetProfile } from '../../src/profile/default-profile.ts';
import { queueAdmissionChecker } from '../../src/checks/queue-admission.ts';
import { DEFAULT_CONNECTIONS } from '../../src/config/connections.ts';
import { executorFromFlags } from '../../src/options/executor-flags.ts';
import { runScenario } from '../../src/run/run-scenario.ts';
import queueTtl from '../../scenarios/queue-ttl.ts';

afterEach(() => {
  delete process.env['TARGET_QUEUE_FAULT'];
});

const CHECK_IDS = ['queue-fifo', 'queue-capacity', 'queue-redistribution', 'queue-admission', 'double-booking', 'hold-overlap', 'history-vs-mysql', 'orphan-locks', 'kafka-events'];
// Small and quick: 400 users, 20 passes of 600 ms, advancing every 100 ms.
const SMALL = { users: 400, capacity: 20, passTtl: 600, advanceInterval: 100 };

function runQueue(fault?: string, flags: Record<string, unknown> = {}, vus = 40) {
  if (fault) process.env['TARGET_QUEUE_FAULT'] = fault;
  return runScenario({
    scenario: queueTtl,
    scenarioFlags: { ...SMALL, ...flags },
    executor: executorFromFlags({ vus }, { vus: queueTtl.defaultVus }),
    connections: DEFAULT_CONNECTIONS,
    requestTimeoutMs: 10_000,
  });
}

const byId = (checks: readonly { id: string }[]) => Object.fromEntries(checks.map((c) => [c.id, c])) as Record<string, any>;

describe('queue-ttl against the real advancement', () => {
  it('passes every check, reports the settings, wait percentiles, reclaim delays and the admission rate; then fails a seeded second admission', async () => {
    const { report, history, scope } = await runQueue();
    expect(report.checks.map((c) => [c.id, c.verdict])).toEqual(CHECK_IDS.map((id) => [id, 'pass']));
    expect(report.options).toMatchObject({ users: 400, capacity: 20, passTtlMs: 600, advanceMs: 100, abandon: 0.3 });
    // The gate is always probed, whatever --probes says (here 5% of ~280 users, at least 10).
    const admission = report.checks.find((c) => c.id === 'queue-admission')!;
    expect(admission.counts['probesNoPass']).toBeGreaterThanOrEqual(10);
    expect(admission.counts['probesOtherPass']).toBe(admission.counts['probesNoPass']);
    expect(report.fixture).toMatchObject({ capacity: 20, passTtlMs: 600, advanceIntervalMs: 100 });
    const checks = byId(report.checks);
    expect(checks['queue-fifo'].counts).toMatchObject({ admitted: 400, inversions: 0, clientInversions: 0, waitP95Ms: expect.any(Number) });
    expect(checks['queue-capacity'].counts['maxActiveSampled']).toBeLessThanOrEqual(20);
    expect(checks['queue-capacity'].counts['samples']).toBeGreaterThan(10);
    const redistribution = checks['queue-redistribution'].counts;
    expect(redistribution['abandoned']).toBeGreaterThan(0);
    expect(redistribution['reclaimMaxMs']).toBeLessThanOrEqual(redistribution['boundMs']);
    expect(report.results).toMatchObject({ entered: 400, probesAccepted: 0, waitP50Ms: expect.any(Number), admissionRatePerS: expect.any(Number), configuredRateCeilingPerS: 200 });
    expect(Number(report.results['probesRefused'])).toBeGreaterThanOrEqual(0);

    // Seed a violation in the real log: user X admitted a second time.
    const redis = new Redis(DEFAULT_CONNECTIONS.redisUrl);
    const stores = openStores(DEFAULT_CONNECTIONS, bundledTargetProfile().profile);
    const q = scope.queue!;
    const user = q.userIds[0]!;
    const line = `a,${user},${Date.now()},1,${Date.now() + 600}`;
    try {
      await redis.rpush(q.keys.log!, line);
      // A fresh scope object: the snapshot is cached per scope.
      const seededScope = { ...scope };
      const seeded = queueAdmissionChecker.check(history, await queueAdmissionChecker.collect(stores, seededScope, history), seededScope);
      expect(seeded.verdict).toBe('fail');
      expect(seeded.evidence[0]).toMatchObject({ anomaly: 'admitted-twice', user, detail: `the target's log admits user ${user} 2 times` });
    } finally {
      await redis.lrem(q.keys.log!, 1, line);
      await redis.quit();
      await stores.close();
    }
  }, 180_000);
});

describe('queue-ttl against deliberately broken advancements (TARGET_QUEUE_FAULT, test only)', () => {
  it('over-admit: queue-capacity fails with the samples and advancements above capacity', async () => {
    const { report } = await runQueue('over-admit');
    const capacity = byId(report.checks)['queue-capacity'];
    expect(capacity.verdict).toBe('fail');
    expect(capacity.counts['maxActiveSampled']).toBeGreaterThan(20);
    expect(capacity.evidence.map((e: any) => e.source)).toContain('advancement');
    expect(capacity.evidence.find((e: any) => e.source === 'sample')).toMatchObject({ capacity: 20, detail: expect.stringMatching(/^Redis sample \(op #\d+\) counted \d+ passes, capacity 20$/) });
    expect(report.verdict).toBe('fail');
  }, 180_000);

  it('lifo: queue-fifo fails with inversions in the log and seen by the client', async () => {
    const { report } = await runQueue('lifo');
    const fifo = byId(report.checks)['queue-fifo'];
    expect(fifo.verdict).toBe('fail');
    expect(fifo.counts['inversions']).toBeGreaterThan(0);
    expect(fifo.counts['clientInversions']).toBeGreaterThan(0);
    expect(fifo.evidence[0]).toMatchObject({ anomaly: 'inversion', detail: expect.stringMatching(/^user \d+ \(arrival #\d+\) was admitted after user \d+ \(arrival #\d+\)$/) });
    expect(fifo.evidence.some((e: any) => e.anomaly === 'client-inversion')).toBe(true);
  }, 180_000);

  it('skip-expiry: queue-redistribution fails: abandoned passes never reclaimed, stale passes in the samples', async () => {
    // Expired passes are never removed, so the line stalls once abandoned passes fill it: users give up after 3 s.
    const { report } = await runQueue('skip-expiry', { users: 120, maxWait: 3_000 });
    const redistribution = byId(report.checks)['queue-redistribution'];
    expect(redistribution.verdict).toBe('fail');
    expect(redistribution.counts['reclaimed']).toBe(0);
    expect(redistribution.counts['notReclaimed']).toBeGreaterThan(0);
    expect(redistribution.counts['staleSamples']).toBeGreaterThan(0);
    const anomalies = redistribution.evidence.map((e: any) => e.anomaly);
    expect(anomalies).toContain('stale-pass-sampled');
    expect(anomalies).toContain('never-reclaimed');
    expect(redistribution.evidence.find((e: any) => e.anomaly === 'stale-pass-sampled').detail).toMatch(/still counted \d+ ms after its expiry/);
    expect(report.results['gaveUp']).toBeGreaterThan(0);
    // The end state is inconsistent too: expired passes still count.
    expect(byId(report.checks)['queue-admission'].evidence.some((e: any) => e.anomaly === 'stale-pass-at-end')).toBe(true);
  }, 180_000);

  it('any-pass: queue-admission fails with --probes 0 too, because a minimum of probes always runs', async () => {
    const { report } = await runQueue('any-pass', { probes: 0 });
    const admission = byId(report.checks)['queue-admission'];
    expect(admission.verdict).toBe('fail');
    expect(admission.counts['probesOtherPass']).toBeGreaterThanOrEqual(10);
    expect(admission.evidence[0]).toMatchObject({ anomaly: 'hold-without-pass', detail: expect.stringMatching(/with another user's pass was accepted/) });
    expect(admission.summary).toMatch(/hold\(s\) with no pass or another user's pass accepted \(of \d+ probe\(s\) run\)$/);
  }, 180_000);
});
