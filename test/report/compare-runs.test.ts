// The before/after comparison of two runs: direction-aware deltas, regressions beyond the
// tolerance, checks and thresholds that stop passing, comparability warnings, and reading a
// saved run report back through its schema.
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/checks/types.ts';
import { TicketbenchError } from '../../src/errors.ts';
import { comparabilityWarnings, compareRuns, renderRunComparisonMarkdown, runComparisonCells, type RunComparisonRow } from '../../src/report/compare-runs.ts';
import { renderJson } from '../../src/report/json.ts';
import { parseRunReport } from '../../src/report/run-schema.ts';
import type { RunReport, ThresholdResult } from '../../src/model/run-report.ts';
import { passingChecks, sampleOpenModelReport, sampleRunReport } from '../fixtures/run-report.ts';

type LoadPatch = { tps?: number; p50?: number; p95?: number; p99?: number; errors?: number; requests?: number };

function run(patch: LoadPatch = {}, overrides: Partial<RunReport> = {}): RunReport {
  const base = sampleRunReport({ checks: passingChecks(), verdict: 'pass', ...overrides });
  const l = base.load;
  return {
    ...base,
    load: {
      ...l,
      tps: patch.tps ?? l.tps,
      requests: patch.requests ?? l.requests,
      latency: { ...l.latency, p50Ms: patch.p50 ?? l.latency.p50Ms, p95Ms: patch.p95 ?? l.latency.p95Ms, p99Ms: patch.p99 ?? l.latency.p99Ms },
      status: { ...l.status, error: patch.errors ?? l.status.error },
    },
  };
}

function row(rows: readonly RunComparisonRow[], id: RunComparisonRow['id']): RunComparisonRow {
  const found = rows.find((r) => r.id === id);
  if (!found) throw new Error(`no row ${id}`);
  return found;
}

function threshold(expression: string, passed: boolean): ThresholdResult {
  // Only the fields compareRuns reads matter here; the record is being extended elsewhere.
  return { expression, source: 'cli', actual: 1, passed, abortOnFail: false } as ThresholdResult;
}

describe('compareRuns', () => {
  it('has one row per figure in order, with absolute and % deltas', () => {
    const c = compareRuns(run({ tps: 100, p50: 10, p95: 40, p99: 80, errors: 2, requests: 200 }), run({ tps: 120, p50: 9, p95: 40, p99: 100, errors: 1, requests: 240 }));
    expect(c.rows.map((r) => r.id)).toEqual(['tps', 'p50', 'p95', 'p99', 'errors', 'errorRate', 'conflicts', 'requests', 'checks', 'thresholds']);
    expect(row(c.rows, 'tps')).toMatchObject({ before: 100, after: 120, delta: 20, deltaPct: 20, change: 'better', regression: false });
    expect(row(c.rows, 'p50')).toMatchObject({ delta: -1, deltaPct: -10, change: 'better' });
    expect(row(c.rows, 'p95')).toMatchObject({ delta: 0, deltaPct: 0, change: 'same' });
    expect(row(c.rows, 'p99')).toMatchObject({ delta: 20, deltaPct: 25, change: 'worse', regression: true });
    expect(row(c.rows, 'errorRate').before).toBeCloseTo(0.01);
    expect(row(c.rows, 'errorRate').after).toBeCloseTo(1 / 240);
    expect(row(c.rows, 'requests')).toMatchObject({ change: 'neutral', regression: false });
    expect(c.regressions).toEqual(['p99 ms is 25.0% higher (80.0 → 100.0), beyond the 10.0% tolerance']);
    expect(c.kind).toBe('run-comparison');
    expect(c.tolerancePct).toBe(10);
  });

  it('flags p95 30% worse, not 5% worse, and honours the tolerance', () => {
    expect(compareRuns(run({ p95: 50 }), run({ p95: 65 })).regressions).toHaveLength(1);
    expect(compareRuns(run({ p95: 50 }), run({ p95: 52.5 })).regressions).toEqual([]);
    expect(compareRuns(run({ p95: 50 }), run({ p95: 65 }), 35).regressions).toEqual([]);
    expect(compareRuns(run({ p95: 50 }), run({ p95: 52.5 }), 2).regressions).toHaveLength(1);
  });

  it('reads TPS the other way: lower is worse', () => {
    const c = compareRuns(run({ tps: 100 }), run({ tps: 80 }));
    expect(row(c.rows, 'tps')).toMatchObject({ deltaPct: -20, change: 'worse', regression: true });
    expect(c.regressions[0]).toBe('TPS is 20.0% lower (100.0 → 80.0), beyond the 10.0% tolerance');
    expect(compareRuns(run({ tps: 80 }), run({ tps: 100 })).regressions).toEqual([]);
  });

  it('errors appearing from zero are a regression whatever the tolerance; conflicts and requests never are', () => {
    const c = compareRuns(run({ errors: 0 }), run({ errors: 3 }), 1000);
    expect(row(c.rows, 'errors')).toMatchObject({ deltaPct: null, regression: true, reason: 'errors went from 0 to 3' });
    expect(row(c.rows, 'errorRate').regression).toBe(true);
    const base = run();
    const moreConflicts = { ...base, load: { ...base.load, status: { ...base.load.status, conflict: 500 } } };
    expect(compareRuns(base, moreConflicts, 0).regressions).toEqual([]);
  });

  it('a check that passed before and fails (or is unknown) after is a regression; one that failed before is not', () => {
    const failing = (verdict: CheckResult['verdict'], i: number): CheckResult[] => passingChecks().map((c, j) => (j === i ? { ...c, verdict } : c));
    const c = compareRuns(run(), run({}, { checks: failing('fail', 3) }));
    expect(row(c.rows, 'checks')).toMatchObject({ before: 4, beforeTotal: 4, after: 3, afterTotal: 4, delta: -1, regression: true });
    expect(c.regressions).toEqual(['check kafka-events passed before and does not pass after']);
    expect(compareRuns(run(), run({}, { checks: failing('unknown', 0) })).regressions).toEqual(['check mysql-integrity passed before and does not pass after']);
    expect(compareRuns(run({}, { checks: failing('fail', 3) }), run({}, { checks: failing('fail', 3) })).regressions).toEqual([]);
  });

  it('thresholds: passed/total, a regression when one that passed stops passing; empty lists are fine', () => {
    const c = compareRuns(
      run({}, { thresholds: [threshold('p(95)<50', true), threshold('errors:rate<0.01', false)] }),
      run({}, { thresholds: [threshold('p(95)<50', false), threshold('errors:rate<0.01', false)] }),
    );
    expect(row(c.rows, 'thresholds')).toMatchObject({ before: 1, beforeTotal: 2, after: 0, afterTotal: 2, regression: true });
    expect(c.regressions).toEqual(['threshold p(95)<50 passed before and does not pass after']);
    expect(row(compareRuns(run(), run()).rows, 'thresholds')).toMatchObject({ before: 0, beforeTotal: 0, after: 0, afterTotal: 0, regression: false });
  });

  it('names the runs as given and keeps their strategy', () => {
    const c = compareRuns(run({}, { options: { vus: 80, strategy: 'redis-lock' } }), run({}, { options: { vus: 80, strategy: 'redis-lock' } }), 10, { before: 'monday', after: 'tuesday' });
    expect(c.before).toEqual({ name: 'monday', scenario: 'contention', startedAt: '2025-03-01T14:05:02.871Z', strategy: 'redis-lock' });
    expect(c.after.name).toBe('tuesday');
    expect(c.warnings).toEqual([]);
  });
});

describe('comparabilityWarnings', () => {
  it('says what differs in scenario, strategy, options, executor and machine', () => {
    const before = run({}, { options: { vus: 80, seats: 1, strategy: 'redis-lock' } });
    const open = sampleOpenModelReport();
    const after: RunReport = {
      ...run({}, { scenario: 'flash-sale', options: { vus: 80, seats: 2, strategy: 'none', users: 10 } }),
      load: { ...before.load, executor: open.load.executor },
      machine: { ...before.machine, cores: 8, node: 'v22.1.0', ticketbench: '9.9.9' },
      targetSharesMachine: false,
    };
    expect(comparabilityWarnings(before, after)).toEqual([
      'scenario differs: contention → flash-sale',
      'strategy differs: redis-lock → none',
      'options differ: seats 1 → 2, users — → 10, executor shared-iterations, 80 VUs, 80 iterations (max 1m 00s) → constant-arrival-rate, 50/s for 2.00 s (VUs 10 pre-allocated, max 20)',
      'machine differs: cores 2 → 8, node v20.20.2 → v22.1.0, targetSharesMachine true → false',
    ]);
    expect(comparabilityWarnings(before, before)).toEqual([]);
  });
});

describe('the comparison as text', () => {
  it('cells: signed deltas, % with "new" from zero, pp for the error rate, passed/total for tallies', () => {
    const c = compareRuns(run({ tps: 100, p95: 50, errors: 0 }), run({ tps: 90, p95: 65, errors: 4 }));
    const cells = runComparisonCells(c);
    expect(cells.head).toEqual(['metric', 'before', 'after', 'Δ', 'Δ %', 'verdict']);
    const byLabel = Object.fromEntries(cells.rows.map((r) => [r[0], r.slice(1)]));
    expect(byLabel['TPS']).toEqual(['100.0', '90.0', '-10.0', '-10.0%', 'worse']);
    expect(byLabel['p95 ms']).toEqual(['50.0', '65.0', '+15.0', '+30.0%', 'REGRESSION']);
    expect(byLabel['errors']).toEqual(['0', '4', '+4', 'new', 'REGRESSION']);
    expect(byLabel['error rate']).toEqual(['0.00%', '4.94%', '+4.94 pp', 'new', 'REGRESSION']);
    expect(byLabel['checks passed']).toEqual(['4/4', '4/4', '0', '', 'same']);
    expect(byLabel['conflicts (409)']![4]).toBe('');
  });

  it('markdown: outcome, warnings and the table', () => {
    const md = renderRunComparisonMarkdown(
      compareRuns(run({ p95: 50 }), run({ p95: 65 }, { scenario: 'flash-sale' }), 10, { before: 'a', after: 'b' }),
    );
    expect(md.startsWith('# ticketbench: b vs a\n')).toBe(true);
    expect(md).toContain('**REGRESSION: p95 ms is 30.0% higher (50.0 → 65.0), beyond the 10.0% tolerance**');
    expect(md).toContain('- scenario differs: contention → flash-sale');
    expect(md).toContain('| metric | before | after | Δ | Δ % | verdict |\n| --- | ---: | ---: | ---: | ---: | --- |');
    expect(md).toContain('| p95 ms | 50.0 | 65.0 | +15.0 | +30.0% | REGRESSION |');
    expect(md.endsWith('\n')).toBe(true);
  });
});

describe('parseRunReport', () => {
  it('round-trips a run report written by renderJson', () => {
    const report = sampleRunReport();
    expect(parseRunReport(renderJson(report), 'r.json')).toEqual(report);
    expect(parseRunReport(renderJson(sampleOpenModelReport()), 'r.json')).toEqual(sampleOpenModelReport());
  });

  it('keeps threshold fields it does not model, and accepts a report without the latency series', () => {
    const t = { expression: 'p(95)<50', source: 'cli', actual: 12, passed: true, abortOnFail: false, operator: '<', limit: 50, unit: 'ms' };
    const { latencySeries: _s, latencyDistribution: _d, ...load } = sampleRunReport().load;
    const parsed = parseRunReport(JSON.stringify({ ...sampleRunReport(), load, thresholds: [t] }), 'r.json');
    expect(parsed.thresholds).toEqual([t]);
    expect(parsed.load.latencySeries).toBeUndefined();
  });

  it.each([
    ['{', /^r\.json is not JSON \(/],
    ['[1, 2]', /^r\.json is not a ticketbench run report: it holds no JSON object\.$/],
    ['{"name": "left-pad"}', /^r\.json is not a ticketbench run report \(it has no format, scenario and load fields\)\.$/],
    ['{"format": 1, "kind": "compare", "scenario": "contention"}', /^r\.json is a compare report \(written by `ticketbench compare`\), not a run report/],
    ['{"format": 1, "kind": "run-comparison"}', /^r\.json is a before\/after comparison/],
    ['{"format": 3, "scenario": "contention", "load": {}}', /^r\.json is a run report of format 3; this ticketbench reads format 1\.$/],
  ])('%s → INVALID_OPTION', (text, pattern) => {
    let error: unknown;
    try {
      parseRunReport(text, 'r.json');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TicketbenchError);
    expect((error as TicketbenchError).code).toBe('INVALID_OPTION');
    expect((error as TicketbenchError).exitCode).toBe(2);
    expect((error as TicketbenchError).oneLine()).toMatch(pattern);
  });

  it('names the first field that does not fit, and how many more there are', () => {
    const report = sampleRunReport();
    const broken = { ...report, checks: [{ ...report.checks[0], verdict: 'maybe' }], load: { ...report.load, tps: 'fast' }, startedAt: 'yesterday' };
    const message = (() => {
      try {
        parseRunReport(JSON.stringify(broken), 'r.json');
        return '';
      } catch (err) {
        return (err as TicketbenchError).oneLine();
      }
    })();
    expect(message).toMatch(/^r\.json is not a valid ticketbench run report: load\.tps: .*expected number.* \(and 2 more problems\)\.$/);
  });
});
