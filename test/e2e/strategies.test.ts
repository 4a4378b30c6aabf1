// The same contention run (60 VUs, 1 seat) against each seat-hold strategy of the bundled target.
// `none` really races — a double booking caught by the checker from MySQL, not a seeded row —
// and every safe strategy passes every check.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONNECTIONS } from '../../src/config/connections.ts';
import { executorFromFlags } from '../../src/options/executor-flags.ts';
import { runScenario } from '../../src/run/run-scenario.ts';
import contention from '../../scenarios/contention.ts';


function runContention(strategy: string) {
  return runScenario({
    scenario: contention,
    scenarioFlags: {},
    executor: executorFromFlags({ vus: 60 }, { vus: contention.defaultVus }),
    connections: DEFAULT_CONNECTIONS,
    requestTimeoutMs: 10_000,
    strategy,
  });
}

describe('contention against each strategy', () => {
  it('none double-books the seat and the double-booking checker says so with evidence', async () => {
    const { report } = await runContention('none');
    const doubleBooking = report.checks.find((c) => c.id === 'double-booking')!;
    expect(report.options['strategy']).toBe('none');
    expect(report.load.ops['hold']!.ok).toBeGreaterThan(1);
    expect(doubleBooking.verdict).toBe('fail');
    expect(doubleBooking.counts['doubleBookedSeats']).toBe(1);
    expect(doubleBooking.counts['confirmed']).toBeGreaterThan(1);
    expect(doubleBooking.counts['oversold']).toBe(doubleBooking.counts['confirmed']! - 1);
    const scheduleId = report.fixture['scheduleId'];
    expect(doubleBooking.evidence[0]).toMatchObject({ anomaly: 'double-booking', seat: `${scheduleId}/S1` });
    expect(String(doubleBooking.evidence[0]!['reservations']).split(',').length).toBe(doubleBooking.counts['confirmed']);
    expect(report.checks.find((c) => c.id === 'sell-out')?.verdict).toBe('fail');
    // The client saw every one of those sales succeed: the history agrees with MySQL.
    expect(report.checks.find((c) => c.id === 'history-vs-mysql')?.verdict).toBe('pass');
    expect(report.verdict).toBe('fail');
  }, 120_000);

  it.each(['pessimistic', 'optimistic', 'redis-lock', 'redis-stock'])('%s sells the seat exactly once and passes every check', async (strategy) => {
    const { report } = await runContention(strategy);
    expect(report.options['strategy']).toBe(strategy);
    expect(report.checks.map((c) => [c.id, c.verdict])).toEqual([
      ['double-booking', 'pass'],
      ['hold-overlap', 'pass'],
      ['history-vs-mysql', 'pass'],
      ['orphan-locks', 'pass'],
      ['kafka-events', 'pass'],
      ['sell-out', 'pass'],
    ]);
    expect(report.load.ops['hold']).toEqual({ ok: 1, fail: 59, info: 0 });
    expect(report.load.ops['pay']).toEqual({ ok: 1, fail: 0, info: 0 });
  }, 120_000);
});
