// seat-query on the real stores, small: with the Redis read cache on, every read is within the
// staleness bound and the writers' integrity checks pass; with the test-only cache fault (no
// invalidation, 60 s answers; env TARGET_CACHE_FAULT, which the CLI never sets) the
// seat-staleness check fails with the offending reads as evidence.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONNECTIONS } from '../../src/config/connections.ts';
import { executorFromFlags } from '../../src/options/executor-flags.ts';
import { runScenario } from '../../src/run/run-scenario.ts';
import seatQuery from '../../scenarios/seat-query.ts';


const run = (flags: Record<string, unknown>, cache: string) =>
  runScenario({
    scenario: seatQuery,
    scenarioFlags: flags,
    executor: executorFromFlags({ vus: 20, durationMs: 4_000 }, { vus: seatQuery.defaultVus }),
    connections: DEFAULT_CONNECTIONS,
    requestTimeoutMs: 10_000,
    cache,
  });

describe('seat-query', () => {
  afterEach(() => {
    delete process.env['TARGET_CACHE_FAULT'];
  });

  it('with the cache on: reads within the TTL bound, writers never double-book', async () => {
    const { report } = await run({ hotSchedules: 2, seats: 300 }, 'on');
    expect(report.checks.map((c) => [c.id, c.verdict])).toEqual([
      ['seat-staleness', 'pass'],
      ['double-booking', 'pass'],
      ['hold-overlap', 'pass'],
      ['history-vs-mysql', 'pass'],
      ['orphan-locks', 'pass'],
      ['kafka-events', 'pass'],
    ]);
    const staleness = report.checks[0]!;
    expect(staleness.counts['reads']).toBeGreaterThan(100);
    expect(staleness.counts['confirmedSeats']).toBeGreaterThan(0);
    expect(staleness.counts['worstStalenessMs']).toBeLessThanOrEqual(1_250);
    expect(Number(report.results['seatReads'])).toBeGreaterThan(100);
    expect(Number(report.results['paysOk'])).toBeGreaterThan(0);
    expect(report.options).toMatchObject({ cache: 'on', hotSchedules: 2, seats: 300, writeShare: 5 });
    // The target's cache counters say reads were served from Redis.
    expect(report.observed?.target['read_cache_requests_total{result="hit"}'] ?? 0).toBeGreaterThan(0);
  }, 180_000);

  it('a cache that never invalidates fails seat-staleness with the stale reads as evidence', async () => {
    process.env['TARGET_CACHE_FAULT'] = 'stale';
    const { report } = await run({ hotSchedules: 1, seats: 200, writeShare: 10 }, 'on');
    const staleness = report.checks.find((c) => c.id === 'seat-staleness')!;
    expect(staleness.verdict).toBe('fail');
    expect(staleness.summary).toMatch(/seat reads showed a seat as available more than 1250 ms \(TTL 1000 \+ 250\) after its sale was confirmed; worst \d/);
    expect(staleness.counts['violations']).toBeGreaterThan(0);
    expect(staleness.evidence[0]).toMatchObject({ seatNo: expect.stringMatching(/^S\d+$/), confirmedBy: expect.any(String) });
    expect(Number(staleness.evidence[0]!['stalenessMs'])).toBeGreaterThanOrEqual(1_250);
    // The writers' own checks are unaffected by a lying cache.
    expect(report.checks.find((c) => c.id === 'double-booking')?.verdict).toBe('pass');
  }, 180_000);
});
