/**
 * The record of one `ticketbench compare`: the runs it made, the table aggregated from them and
 * where it was written. Latencies in milliseconds, rates in requests per second (TPS), counts as
 * plain numbers. Built by src/compare and src/report/compare-table.ts, rendered by src/report,
 * shown by src/ui.
 */
import type { RunReport, RunReportPaths, Verdict } from './run-report.ts';

/** The kinds of bundled-target strategy a scenario can race (see `Scenario.strategyKind`). */
export type StrategyKind = 'hold' | 'wallet';

/** A target setting a comparison varies (`compare --vary KEY=…`). */
export type VaryKey = 'strategy' | 'wallet-strategy' | 'cache';

/** The `RunReport.options` key that holds each varied setting's value. */
export const VARY_OPTION_KEYS: Readonly<Record<VaryKey, 'strategy' | 'walletStrategy' | 'cache'>> = {
  strategy: 'strategy',
  'wallet-strategy': 'walletStrategy',
  cache: 'cache',
};

/** One run of one strategy in a comparison. */
export interface StrategyRun {
  /** Unique label of the strategy in this comparison: the name, `#2`… for a repeated name, e.g. `redis-lock#2`. */
  readonly label: string;
  /** The bundled target's strategy name, e.g. `redis-lock` (a wallet strategy for wallet scenarios). */
  readonly strategy: string;
  /** 1-based round of `--repeat` this run belongs to. */
  readonly round: number;
  /** Whether the target's registry of that kind declares the strategy safe (`isSafeStrategy`, `isSafeWalletStrategy`). */
  readonly safe: boolean;
  readonly report: RunReport;
  /** Where runScenario wrote this run's own report. */
  readonly paths?: RunReportPaths;
}

/** The numeric columns of the comparison table, in display order. */
export type ColumnId = 'tps' | 'p50' | 'p95' | 'p99' | 'ok' | 'conflict' | 'error' | 'retries' | 'oversold' | 'doubleBooked' | 'dbQueries' | 'dbSelects' | 'targetQueries';

/** How a column reads: its header, which direction is better, and how its delta is expressed. */
export interface ColumnSpec {
  readonly id: ColumnId;
  /** Header text, e.g. `p95 ms`. */
  readonly header: string;
  /** Which value is best (marked); `undefined` = no best (e.g. ok counts depend on seats). */
  readonly better: 'higher' | 'lower' | undefined;
  /** `percent` for rates and latencies, `absolute` (difference) for counts. */
  readonly delta: 'percent' | 'absolute';
  /** Decimals shown for a count; rates and latencies use the shared formatters. */
  readonly kind: 'tps' | 'ms' | 'count' | 'ratio';
}

/** The median and spread of one column over a strategy's runs. */
export interface Stat {
  /** Median (mean of the two middle values for an even number of runs). */
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** How many runs had a value. */
  readonly n: number;
}

/** Latency percentiles (ms) of a strategy, each the median over its runs; what the chart draws. */
export interface LatencyProfile {
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** What a strategy's checks showed, relative to what its safety declares. */
export type Expectation =
  /** Safe and every check passed in every run. */
  | 'as-expected'
  /** Safe but some check was not `pass` in some run: a regression (exit 1). */
  | 'safe-failed'
  /** Unsafe and the checks failed in at least one run: the checks caught the race. */
  | 'race-caught'
  /** Unsafe yet no check failed in any run: the race did not show. */
  | 'race-not-shown';

/** One row of the comparison: one strategy label aggregated over its runs. */
export interface CompareRow {
  readonly label: string;
  readonly strategy: string;
  readonly safe: boolean;
  /** Runs aggregated into this row. */
  readonly runs: number;
  /** Per column; `undefined` when no run had the figure (e.g. no `targetRetries`). */
  readonly values: Readonly<Record<ColumnId, Stat | undefined>>;
  /** Check verdicts summed over the runs. */
  readonly checks: { readonly passed: number; readonly total: number };
  /** Ids of checks that were not `pass` in some run, with their worst verdict. */
  readonly notPassed: readonly { readonly id: string; readonly verdict: Exclude<Verdict, 'pass'>; readonly runs: number }[];
  /** Runs in which some check failed, and runs in which every check passed. */
  readonly runsFailed: number;
  readonly runsPassed: number;
  readonly expectation: Expectation;
  /** Columns in which this row holds the best value. */
  readonly best: readonly ColumnId[];
  /** Delta against the baseline per column: percent or absolute difference (see ColumnSpec.delta). */
  readonly delta: Readonly<Partial<Record<ColumnId, number>>>;
  readonly isBaseline: boolean;
  readonly latency: LatencyProfile;
}

/** The aggregated comparison. */
export interface CompareTable {
  readonly scenario: string;
  /** Label every delta is taken against; `undefined` when its runs are missing (interrupted). */
  readonly baseline: string | undefined;
  /** Runs per strategy asked for (`--repeat`). */
  readonly repeat: number;
  /** The target setting the rows vary (`--vary` key); `strategy` when absent. */
  readonly varied?: VaryKey;
  readonly columns: readonly ColumnSpec[];
  readonly rows: readonly CompareRow[];
}

/** One planned run, as the views see it. */
export interface CompareRunInfo {
  readonly label: string;
  readonly strategy: string;
  readonly round: number;
  /** 1-based position among all runs, and their number (strategies × repeat). */
  readonly index: number;
  readonly total: number;
  /** 1-based position of the strategy and the number of strategies. */
  readonly strategyIndex: number;
  readonly strategies: number;
}

/** Where a comparison's report files went. */
export interface ComparePaths {
  readonly markdown: string;
  readonly json: string;
  /** One latency chart per strategy label, then the combined chart. */
  readonly charts: readonly string[];
}

/** The full record of a comparison, written as JSON. */
export interface CompareResult {
  readonly format: 1;
  readonly kind: 'compare';
  readonly scenario: string;
  /** Which strategy the runs varied: seat-hold (`hold`, also when absent) or `wallet`. */
  readonly strategyKind?: StrategyKind;
  /** The target setting the runs varied (`--vary` key; `--strategies` is `strategy` or `wallet-strategy`). */
  readonly varied?: VaryKey;
  /** Labels in the order given. */
  readonly labels: readonly string[];
  readonly repeat: number;
  readonly startedAt: string;
  readonly endedAt: string;
  /** True when Ctrl-C stopped the comparison before every run was made. */
  readonly interrupted: boolean;
  readonly table: CompareTable;
  /** Every run in the order made (interleaved: A B C A B C …). */
  readonly runs: readonly StrategyRun[];
}
