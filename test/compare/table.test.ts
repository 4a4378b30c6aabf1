import { describe, expect, it } from 'vitest';
import { planComparison } from '../../src/compare/run-compare.ts';
import { buildCompareTable, compareCells, COMPARE_COLUMNS, expectationSentence, formatDelta, median, regressions, strategyLabels, summarizeValues } from '../../src/report/compare-table.ts';
import type { ColumnSpec } from '../../src/model/compare.ts';
import { TicketbenchError } from '../../src/errors.ts';
import { renderCompareMarkdown } from '../../src/report/compare-markdown.ts';
import { formatCompareFindings, formatCompareTable } from '../../src/ui/compare-plain.ts';
import { runOf } from './helpers.ts';

const column = (id: string): ColumnSpec => COMPARE_COLUMNS.find((c) => c.id === id)!;

describe('labels, median and spread', () => {
  it('labels a repeated strategy name #2, #3', () => {
    expect(strategyLabels(['redis-lock', 'none', 'redis-lock', 'redis-lock'])).toEqual(['redis-lock', 'none', 'redis-lock#2', 'redis-lock#3']);
  });

  it('takes the median of odd and even counts and the min–max spread', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(summarizeValues([5, undefined, 1, 3])).toEqual({ median: 3, min: 1, max: 5, n: 3 });
    expect(summarizeValues([undefined])).toBeUndefined();
  });
});

describe('buildCompareTable', () => {
  const runs = [
    runOf('redis-lock', { tps: 100, p50: 2, p95: 10, p99: 20, retries: 0 }),
    runOf('pessimistic', { tps: 80, p50: 3, p95: 8, p99: 30, error: 2, retries: 5 }),
    runOf('none', { tps: 150, p50: 1, p95: 4, p99: 9, ok: 8, oversold: 3, doubleBooked: 3, others: ['fail', 'pass'] }, { safe: false }),
  ];
  const table = buildCompareTable(runs, { scenario: 'contention', labels: ['redis-lock', 'pessimistic', 'none'], repeat: 1 });
  const row = (label: string) => table.rows.find((r) => r.label === label)!;

  it('marks the best value per column (ties alike): highest TPS, lowest latencies, errors, retries, oversold', () => {
    expect(row('none').best).toEqual(['tps', 'p50', 'p95', 'p99', 'error']);
    expect(row('redis-lock').best).toEqual(['error', 'retries', 'oversold', 'doubleBooked']);
    expect(row('pessimistic').best).toEqual(['oversold', 'doubleBooked']);
  });

  it('does not mark a column in which every strategy has the same value', () => {
    const same = buildCompareTable(
      [runOf('a', { tps: 100, p50: 1, p95: 2, p99: 3 }), runOf('b', { tps: 100, p50: 1, p95: 2, p99: 3 })],
      { scenario: 's', labels: ['a', 'b'], repeat: 1 },
    );
    expect(same.rows.map((r) => r.best)).toEqual([[], []]);
  });

  it('gives deltas against the baseline: % for rates and latencies, differences for counts', () => {
    expect(table.baseline).toBe('redis-lock');
    expect(row('redis-lock').delta).toEqual({});
    expect(row('pessimistic').delta.tps).toBeCloseTo(-20);
    expect(row('pessimistic').delta.p95).toBeCloseTo(-20);
    expect(row('pessimistic').delta.p99).toBeCloseTo(50);
    expect(row('pessimistic').delta.error).toBe(2);
    expect(row('none').delta.oversold).toBe(3);
    const other = buildCompareTable(runs, { scenario: 'contention', labels: ['redis-lock', 'pessimistic', 'none'], repeat: 1, baseline: 'none' });
    expect(other.rows.find((r) => r.label === 'redis-lock')!.delta.tps).toBeCloseTo(-33.33, 1);
  });

  it('formats deltas with signs', () => {
    expect(formatDelta(column('tps'), 12.34)).toBe('+12%');
    expect(formatDelta(column('p95'), -4.56)).toBe('-4.6%');
    expect(formatDelta(column('p95'), 0.01)).toBe('±0%');
    expect(formatDelta(column('oversold'), 3)).toBe('+3');
    expect(formatDelta(column('error'), -2)).toBe('-2');
    expect(formatDelta(column('error'), 0)).toBe('±0');
    expect(formatDelta(column('error'), undefined)).toBe('');
  });

  it('shows — for retries no run reported, and reads oversold / double-booked from the double-booking check', () => {
    const t = buildCompareTable([runOf('a', { tps: 1, p50: 1, p95: 1, p99: 1 })], { scenario: 's', labels: ['a'], repeat: 1 });
    expect(t.rows[0]!.values.retries).toBeUndefined();
    const cells = compareCells(t, (x) => x);
    expect(cells.head).toEqual(['strategy', 'safe?', 'TPS', 'p50 ms', 'p95 ms', 'p99 ms', 'ok', 'conflict', 'error', 'retries', 'oversold', 'double-booked', 'checks']);
    expect(cells.rows[0]![cells.head.indexOf('retries')]).toBe('—');
    expect(row('none').values.doubleBooked?.median).toBe(3);
  });

  it('renders cells with the best marked, deltas, baseline and check tallies', () => {
    const cells = compareCells(table, (x) => `<${x}>`);
    expect(cells.rows[0]).toEqual(['redis-lock (baseline)', 'yes', '100.0', '2.00', '10.0', '20.0', '2', '78', '<0>', '<0>', '<0>', '<0>', '3/3']);
    expect(cells.rows[1]).toEqual(['pessimistic', 'yes', '80.0 -20%', '3.00 +50%', '8.00 -20%', '30.0 +50%', '2', '78', '2 +2', '5 +5', '<0>', '<0>', '3/3']);
    expect(cells.rows[2]![0]).toBe('none');
    expect(cells.rows[2]![1]).toBe('no');
    expect(cells.rows[2]![2]).toBe('<150.0> +50%');
    expect(cells.rows[2]![12]).toBe('1/3');
  });

  it('takes the median and spread of repeated runs', () => {
    const repeated = [
      runOf('a', { tps: 100, p50: 1, p95: 10, p99: 20 }, { round: 1 }),
      runOf('b', { tps: 50, p50: 2, p95: 12, p99: 22 }, { round: 1 }),
      runOf('a', { tps: 130, p50: 1, p95: 14, p99: 20 }, { round: 2 }),
      runOf('b', { tps: 50, p50: 2, p95: 12, p99: 22 }, { round: 2 }),
      runOf('a', { tps: 110, p50: 1, p95: 12, p99: 20 }, { round: 3 }),
      runOf('b', { tps: 50, p50: 2, p95: 12, p99: 22 }, { round: 3 }),
    ];
    const t = buildCompareTable(repeated, { scenario: 's', labels: ['a', 'b'], repeat: 3 });
    const a = t.rows[0]!;
    expect(a.runs).toBe(3);
    expect(a.values.tps).toEqual({ median: 110, min: 100, max: 130, n: 3 });
    expect(a.latency.p95Ms).toBe(12);
    expect(a.checks).toEqual({ passed: 9, total: 9 });
    const cells = compareCells(t, (x) => `${x}*`);
    expect(cells.rows[0]![2]).toBe('110.0* [100.0–130.0]');
    // Identical runs show no spread.
    expect(cells.rows[1]![2]).toBe('50.0 -55%');
    expect(formatCompareTable(t)).toContain('median of 3 runs, [min–max] when they differed');
  });
});

describe('what the checks showed', () => {
  it('says plainly that an unsafe strategy caught failing is expected', () => {
    const t = buildCompareTable(
      [runOf('none', { tps: 1, p50: 1, p95: 1, p99: 1, doubleBooked: 3, oversold: 2, others: ['fail', 'pass'] }, { safe: false })],
      { scenario: 'contention', labels: ['none'], repeat: 1 },
    );
    const row = t.rows[0]!;
    expect(row.expectation).toBe('race-caught');
    expect(expectationSentence(row)).toBe(
      'none double-booked 3 seats and sold 2 tickets beyond capacity: the checks caught the race (failed: double-booking, sell-out). It is unsafe on purpose, so failing its checks is the expected outcome.',
    );
    expect(regressions(t)).toEqual([]);
    expect(formatCompareFindings(t)).toMatch(/PASS: every strategy declared safe passed every check$/);
  });

  it('counts caught runs over repeats', () => {
    const t = buildCompareTable(
      [
        runOf('none', { tps: 1, p50: 1, p95: 1, p99: 1, doubleBooked: 1 }, { safe: false, round: 1 }),
        runOf('none', { tps: 1, p50: 1, p95: 1, p99: 1 }, { safe: false, round: 2 }),
        runOf('none', { tps: 1, p50: 1, p95: 1, p99: 1, doubleBooked: 4 }, { safe: false, round: 3 }),
      ],
      { scenario: 'contention', labels: ['none'], repeat: 3 },
    );
    expect(expectationSentence(t.rows[0]!)).toBe(
      'none failed its checks in 2 of 3 runs, at worst it double-booked 4 seats: the checks caught the race (failed: double-booking). It is unsafe on purpose, so failing its checks is the expected outcome.',
    );
  });

  it('says so when an unsafe strategy passes every check, without failing the comparison', () => {
    const t = buildCompareTable([runOf('none', { tps: 1, p50: 1, p95: 1, p99: 1 }, { safe: false })], { scenario: 'contention', labels: ['none'], repeat: 1 });
    expect(t.rows[0]!.expectation).toBe('race-not-shown');
    expect(expectationSentence(t.rows[0]!)).toMatch(/^none did not show a race in this run: every check passed\. It is unsafe on purpose/);
    expect(regressions(t)).toEqual([]);
    const markdown = renderCompareMarkdown({ format: 1, kind: 'compare', scenario: 'contention', labels: ['none'], repeat: 1, startedAt: 'a', endedAt: 'b', interrupted: false, table: t, runs: [] });
    expect(markdown).toContain('- none did not show a race in this run');
  });

  it('makes a safe strategy with a failed or unknown check a regression', () => {
    const t = buildCompareTable(
      [runOf('redis-lock', { tps: 1, p50: 1, p95: 1, p99: 1, others: ['pass', 'unknown'] })],
      { scenario: 'contention', labels: ['redis-lock'], repeat: 1 },
    );
    expect(t.rows[0]!.expectation).toBe('safe-failed');
    expect(regressions(t)).toEqual(['redis-lock']);
    expect(expectationSentence(t.rows[0]!)).toBe('redis-lock is declared safe, yet not every check passed in this run: other-1 (unknown). This is a regression to investigate.');
    expect(formatCompareFindings(t)).toMatch(/FAIL: redis-lock is declared safe but did not pass every check$/);
  });

  it('says nothing extra for a safe strategy that passed', () => {
    const t = buildCompareTable([runOf('redis-lock', { tps: 1, p50: 1, p95: 1, p99: 1 })], { scenario: 'contention', labels: ['redis-lock'], repeat: 1 });
    expect(expectationSentence(t.rows[0]!)).toBeUndefined();
  });
});

describe('planComparison', () => {
  it('interleaves rounds and labels repeated names', () => {
    const plan = planComparison(['redis-lock', 'redis-lock'], 2, 'redis-lock#2');
    expect(plan.baseline).toBe('redis-lock#2');
    expect(plan.runs.map((r) => `${r.label}/${r.round}/${r.index}`)).toEqual(['redis-lock/1/1', 'redis-lock#2/1/2', 'redis-lock/2/3', 'redis-lock#2/2/4']);
  });

  it.each([
    [[], 1, undefined, /at least one strategy/],
    [['redis-lock', ''], 1, undefined, /has an empty name/],
    [['bogus'], 1, undefined, /Unknown strategy "bogus" in --strategies; the bundled target has: .*redis-lock/],
    [['redis-lock'], 0, undefined, /--repeat must be an integer from 1/],
    [['redis-lock'], 1.5, undefined, /--repeat must be an integer from 1/],
    [['redis-lock'], 1, 'none', /--baseline "none" is not one of the compared strategies: redis-lock/],
  ] as const)('rejects %j repeat %j baseline %j', (strategies, repeat, baseline, pattern) => {
    const attempt = () => planComparison(strategies, repeat, baseline);
    expect(attempt).toThrow(TicketbenchError);
    expect(attempt).toThrow(pattern);
  });
});
