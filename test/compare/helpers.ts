/**
 * Hand-built runs for the comparison tests: a sample RunReport (test/fixtures/run-report.ts) with
 * the figures the table reads replaced, and a `double-booking` check carrying the oversold and
 * double-booked counts.
 */
import type { CheckResult, Verdict } from '../../src/checks/types.ts';
import { buildCompareTable } from '../../src/report/compare-table.ts';
import type { CompareResult, StrategyRun } from '../../src/model/compare.ts';
import { sampleRunReport } from '../fixtures/run-report.ts';

/** The figures of one hand-built run; latencies in ms. */
export interface RunFigures {
  readonly tps: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly ok?: number;
  readonly conflict?: number;
  readonly error?: number;
  readonly retries?: number;
  readonly oversold?: number;
  readonly doubleBooked?: number;
  /** Verdicts of the other checks (default two passes). */
  readonly others?: readonly Verdict[];
}

/** A `double-booking` check that fails when any seat was double-booked or oversold. */
export function doubleBookingCheck(doubleBooked: number, oversold: number): CheckResult {
  const failed = doubleBooked > 0 || oversold > 0;
  return {
    id: 'double-booking',
    title: 'No double booking or overselling in MySQL',
    verdict: failed ? 'fail' : 'pass',
    summary: failed ? `${doubleBooked} double-booked seat(s), ${oversold} oversold` : 'ok',
    counts: { seats: 1, confirmed: 1 + oversold, guardRows: 1, doubleBookedSeats: doubleBooked, oversold },
    evidence: [],
    evidenceTotal: 0,
  };
}

/** One run of `label` (strategy = label without `#n`) with the given figures. */
export function runOf(label: string, f: RunFigures, opts: { safe?: boolean; round?: number } = {}): StrategyRun {
  const base = sampleRunReport();
  const others = (f.others ?? ['pass', 'pass']).map(
    (verdict, i): CheckResult => ({ id: i === 0 ? 'sell-out' : `other-${i}`, title: `check ${i}`, verdict, summary: verdict, counts: {}, evidence: [], evidenceTotal: 0 }),
  );
  const checks = [doubleBookingCheck(f.doubleBooked ?? 0, f.oversold ?? 0), ...others];
  const report = sampleRunReport({
    load: {
      ...base.load,
      tps: f.tps,
      latency: { ...base.load.latency, p50Ms: f.p50, p90Ms: (f.p50 + f.p95) / 2, p95Ms: f.p95, p99Ms: f.p99, maxMs: f.p99 * 2 },
      status: { ok: f.ok ?? 2, conflict: f.conflict ?? 78, error: f.error ?? 0, byStatus: {} },
    },
    results: f.retries === undefined ? {} : { targetRetries: f.retries },
    checks,
    verdict: checks.some((c) => c.verdict === 'fail') ? 'fail' : checks.some((c) => c.verdict === 'unknown') ? 'unknown' : 'pass',
  });
  return { label, strategy: label.replace(/#\d+$/, ''), round: opts.round ?? 1, safe: opts.safe ?? true, report };
}

/**
 * A finished `contention` comparison of `runs` (one round each, labels in run order) with its
 * table built by buildCompareTable, started and ended at `times`.
 */
export function compareResultOf(
  runs: readonly StrategyRun[],
  times: { readonly startedAt: string; readonly endedAt: string } = { startedAt: '2025-03-01T14:05:02.871Z', endedAt: '2025-03-01T14:05:30.000Z' },
): CompareResult {
  const labels = runs.map((r) => r.label);
  return {
    format: 1,
    kind: 'compare',
    scenario: 'contention',
    labels,
    repeat: 1,
    ...times,
    interrupted: false,
    table: buildCompareTable(runs, { scenario: 'contention', labels, repeat: 1 }),
    runs,
  };
}
