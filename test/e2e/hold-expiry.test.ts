// hold-expiry end to end on the real stores: the real sweep passes every check (abandoned holds
// expire on time and their seats are held again, paid ones never expire, late payments are
// refused); each deliberately broken expiry of the bundled target (TARGET_EXPIRY_FAULT, test only)
// is caught by its check with evidence.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONNECTIONS } from '../../src/config/connections.ts';
import { executorFromFlags } from '../../src/options/executor-flags.ts';
import { runScenario } from '../../src/run/run-scenario.ts';
import holdExpiry from '../../scenarios/hold-expiry.ts';

afterEach(() => {
  delete process.env['TARGET_EXPIRY_FAULT'];
});

const CHECK_IDS = ['expiry-on-time', 'paid-never-expired', 'no-pay-after-expiry', 'double-booking', 'hold-overlap', 'history-vs-mysql', 'orphan-locks', 'kafka-events'];

function runHoldExpiry(fault?: string, flags: Record<string, unknown> = {}) {
  if (fault) process.env['TARGET_EXPIRY_FAULT'] = fault;
  const scenarioFlags = { seats: 30, ...flags };
  return runScenario({
    scenario: holdExpiry,
    scenarioFlags,
    executor: executorFromFlags({ vus: 60 }, { vus: holdExpiry.defaultVus, iterations: holdExpiry.defaultIterations?.(scenarioFlags) }),
    connections: DEFAULT_CONNECTIONS,
    requestTimeoutMs: 10_000,
  });
}

const byId = (checks: readonly { id: string }[]) => Object.fromEntries(checks.map((c) => [c.id, c])) as Record<string, any>;

describe('hold-expiry against the real sweep', () => {
  it('passes every check: abandoned holds expire within hold time + sweep + slack and are held again; late payments are refused', async () => {
    const { report } = await runHoldExpiry();
    expect(report.checks.map((c) => [c.id, c.verdict])).toEqual(CHECK_IDS.map((id) => [id, 'pass']));
    expect(report.options).toMatchObject({ seats: 30, users: 60, holdTtlMs: 3000, expirySweepMs: 1000, slackMs: 1000 });
    const onTime = byId(report.checks)['expiry-on-time'];
    expect(onTime.counts['expired']).toBeGreaterThan(0);
    expect(onTime.counts['reheld']).toBe(onTime.counts['expired']);
    expect(onTime.counts['expiryDelayMaxMs']).toBeLessThanOrEqual(2000);
    expect(onTime.summary).toMatch(/^\d+ hold\(s\) expired, [\d.]+ ms p95 after their time \(bound 2000 ms\); \d+ freed seat\(s\) held again$/);
    // Every seat was sold in the end: abandoned ones to their late users.
    expect(report.results).toMatchObject({ seatsSold: 30, paysOk: 30 });
  }, 120_000);
});

describe('hold-expiry against deliberately broken expiry (TARGET_EXPIRY_FAULT, test only)', () => {
  it('late: expiry-on-time fails, naming holds expired past the bound', async () => {
    const { report } = await runHoldExpiry('late');
    const onTime = byId(report.checks)['expiry-on-time'];
    expect(onTime.verdict).toBe('fail');
    expect(onTime.evidence.map((e: Record<string, unknown>) => e['anomaly'])).toContain('expired-late');
    expect(onTime.summary).toMatch(/hold\(s\) expired later than hold time \+ sweep interval \+ slack/);
  }, 120_000);

  it('expire-paid: paid-never-expired fails with the paid reservations the sweep took back', async () => {
    const { report } = await runHoldExpiry('expire-paid');
    const paid = byId(report.checks)['paid-never-expired'];
    expect(paid.verdict).toBe('fail');
    expect(paid.evidence[0]).toMatchObject({ anomaly: 'paid-expired', detail: expect.stringMatching(/^has a payment row, yet EXPIRED/) });
    expect(paid.summary).toMatch(/^\d+ paid reservation\(s\) EXPIRED by the sweep: a sale taken back$/);
  }, 120_000);

  it('pay-after-expiry: no-pay-after-expiry fails with the payments accepted after their hold ran out', async () => {
    // Every first holder abandons, half of them come back too late: plenty of late payments.
    const { report } = await runHoldExpiry('pay-after-expiry', { abandon: 1 });
    const late = byId(report.checks)['no-pay-after-expiry'];
    expect(late.verdict).toBe('fail');
    expect(late.evidence.map((e: Record<string, unknown>) => e['anomaly'])).toContain('paid-after-expiry');
    expect(late.summary).toMatch(/payment\(s\) accepted after the hold's time was up/);
  }, 120_000);
});
