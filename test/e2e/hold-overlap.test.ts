// hold-overlap end to end on the real stores: a bundled target whose seat lock is given back
// before the hold is written (TARGET_HOLD_FAULT=early-release, test only) lets two users hold one
// seat; the guard still refuses the second payment, so no seat is double-booked and only
// hold-overlap (and, where every seat must sell, sell-out) says what broke. The real lock passes,
// also in a flash sale with fewer users than seats, where sell-out does not apply.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONNECTIONS } from '../../src/config/connections.ts';
import { executorFromFlags } from '../../src/options/executor-flags.ts';
import { runScenario } from '../../src/run/run-scenario.ts';
import contention from '../../scenarios/contention.ts';
import flashSale from '../../scenarios/flash-sale.ts';

afterEach(() => {
  delete process.env['TARGET_HOLD_FAULT'];
});

const verdicts = (checks: readonly { id: string; verdict: string }[]) => Object.fromEntries(checks.map((c) => [c.id, c.verdict]));

function runFlashSale(users: number, seats: number, fault?: string) {
  if (fault) process.env['TARGET_HOLD_FAULT'] = fault;
  const flags = { users, seats, pick: 'hot' };
  return runScenario({
    scenario: flashSale,
    scenarioFlags: flags,
    executor: executorFromFlags({ vus: 100 }, { vus: flashSale.defaultVus, iterations: flashSale.defaultIterations?.(flags) }),
    connections: DEFAULT_CONNECTIONS,
    requestTimeoutMs: 10_000,
  });
}

describe('hold-overlap against a lock released before the write (TARGET_HOLD_FAULT=early-release)', () => {
  it('contention: two acknowledged holds on the one seat fail hold-overlap with the seat, both reservations and users; no seat is double-booked', async () => {
    process.env['TARGET_HOLD_FAULT'] = 'early-release';
    const { report } = await runScenario({
      scenario: contention,
      scenarioFlags: {},
      executor: executorFromFlags({ vus: 60 }, { vus: contention.defaultVus }),
      connections: DEFAULT_CONNECTIONS,
      requestTimeoutMs: 10_000,
    });
    expect(report.load.ops['hold']!.ok).toBeGreaterThan(1);
    expect(verdicts(report.checks)).toMatchObject({ 'double-booking': 'pass', 'hold-overlap': 'fail', 'history-vs-mysql': 'pass', 'sell-out': 'fail' });
    const overlap = report.checks.find((c) => c.id === 'hold-overlap')!;
    expect(overlap.summary).toMatch(/^\d+ overlapping hold\(s\): \d+ pair\(s\) of reservations holding one seat at the same time in MySQL/);
    expect(overlap.evidence[0]).toMatchObject({ anomaly: 'overlap-in-mysql', seat: `${report.fixture['scheduleId']}/S1` });
    expect(String(overlap.evidence[0]!['reservations']).split(',')).toHaveLength(2);
    expect(String(overlap.evidence[0]!['users']).split(',')).toHaveLength(2);
    expect(Number(overlap.evidence[0]!['overlapMs'])).toBeGreaterThan(0);
  }, 180_000);

  it('flash sale with fewer users than seats: sell-out does not apply, hold-overlap alone catches it', async () => {
    const { report } = await runFlashSale(200, 400, 'early-release');
    expect(report.checks.map((c) => c.id)).not.toContain('sell-out');
    expect(verdicts(report.checks)).toMatchObject({ 'double-booking': 'pass', 'hold-overlap': 'fail' });
  }, 180_000);
});

describe('hold-overlap against the real lock', () => {
  it('passes a flash sale with fewer users than seats, as every other check does', async () => {
    const { report } = await runFlashSale(200, 400);
    expect(report.checks.map((c) => [c.id, c.verdict])).toEqual([
      ['double-booking', 'pass'],
      ['hold-overlap', 'pass'],
      ['history-vs-mysql', 'pass'],
      ['orphan-locks', 'pass'],
      ['kafka-events', 'pass'],
    ]);
    expect(report.load.ops['hold']!.ok).toBeGreaterThan(100);
  }, 180_000);
});
