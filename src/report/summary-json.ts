/**
 * `--summary-json PATH`: one small, stable, machine-readable file a CI job reads after `run` or
 * `compare` (k6's `--summary-export` / `handleSummary` answer the same need): the outcome with
 * its exit code and name, every check and threshold, the key load figures and where the full
 * reports are. The full record stays in the report's own JSON; this is the part a gate needs.
 * Times are ISO 8601 (UTC), latencies ms, rates per second, ratios 0..1.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Verdict } from '../checks/types.ts';
import type { CompareResult, ComparePaths } from '../model/compare.ts';
import { exitCodeName } from '../errors.ts';
import type { NemesisReport, RunReport, ThresholdResult } from '../model/run-report.ts';

/** One check as the summary gives it (evidence rows stay in the full report). */
export interface SummaryCheck {
  /** Stable id, e.g. `double-booking`. */
  readonly id: string;
  readonly title: string;
  readonly verdict: Verdict;
  /** One line saying what was found. */
  readonly summary: string;
  /** Named counts, e.g. `{ oversold: 0, doubleBookedSeats: 0 }`. */
  readonly counts: Readonly<Record<string, number>>;
}

/** One threshold's outcome: expression, measured value (`actual`, in `unit`; null = no samples), limit, passed. */
export type SummaryThreshold = ThresholdResult;

/** The load figures a gate or a dashboard reads. */
export interface SummaryLoad {
  /** Requests completed in the load phase. */
  readonly requests: number;
  /** Length of the load phase, ms. */
  readonly durationMs: number;
  /** Requests per second over the load phase. */
  readonly tps: number;
  /** Send → response latency of every request, ms. */
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  /** ok = 2xx, conflict = 409 (a lost race), error = anything else incl. timeouts; byStatus per code. */
  readonly status: { readonly ok: number; readonly conflict: number; readonly error: number; readonly byStatus: Readonly<Record<string, number>> };
  readonly iterationsCompleted: number;
  readonly iterationsFailed: number;
  /** Arrival-rate executors: iterations not started because every VU was busy (k6 `dropped_iterations`). */
  readonly droppedIterations: number;
}

/** One run: `run` gives one, `compare` one per strategy run. */
export interface SummaryRun {
  readonly scenario: string;
  /** Seat-hold strategy of the bundled target, or `external` with --target-url. */
  readonly strategy: string;
  /** Wallet strategy of the bundled target, or `external` with --target-url (absent in reports from before wallets). */
  readonly walletStrategy?: string;
  /** compare only: the strategy's label (`redis-lock#2` for a repeated name), its round, and whether it is declared safe. */
  readonly label?: string;
  readonly round?: number;
  readonly safe?: boolean;
  /** The checks' composed verdict (correctness): fail beats unknown beats pass. */
  readonly checksVerdict: Verdict;
  readonly checks: readonly SummaryCheck[];
  /** Thresholds (speed), judged apart from the checks. */
  readonly thresholds: readonly SummaryThreshold[];
  readonly load: SummaryLoad;
  /** Set when the load was stopped early (abortOnFail threshold, Ctrl-C). */
  readonly aborted?: { readonly reason: string };
  /**
   * With `--nemesis`: the faults, schedule (ms) and seed, and each fault as it happened (start
   * and end ms since the load started, what was done and seen, operations that ended `info`
   * meanwhile, ms from heal to the first success or null).
   */
  readonly nemesis?: NemesisReport;
  /** The run's own report files. */
  readonly reports: { readonly markdown: string; readonly json: string };
  readonly startedAt: string;
  readonly endedAt: string;
}

/** What every summary has. */
interface SummaryBase {
  /** Format version of this file. */
  readonly format: 1;
  readonly command: 'run' | 'compare';
  /** `pass` when the exit code is 0, `error` when the command stopped on an error before a report, else `fail`. */
  readonly verdict: 'pass' | 'fail' | 'error';
  /** The process exit code (README, "Exit codes") and its name, e.g. 3 and `THRESHOLDS_FAILED`. */
  readonly exitCode: number;
  readonly exitCodeName: string;
  readonly scenario: string;
  readonly startedAt: string;
  readonly endedAt: string;
}

/** `ticketbench run --summary-json`: the outcome plus the run's fields at the top level. */
export interface RunSummaryJson extends SummaryBase, SummaryRun {
  readonly command: 'run';
}

/** `ticketbench compare --summary-json`: the outcome, every run, and the comparison's report files. */
export interface CompareSummaryJson extends SummaryBase {
  readonly command: 'compare';
  /** Labels in the order given. */
  readonly strategies: readonly string[];
  /** True when Ctrl-C stopped the comparison early. */
  readonly interrupted: boolean;
  readonly runs: readonly SummaryRun[];
  readonly reports: { readonly markdown: string; readonly json: string; readonly charts: readonly string[] };
}

/** Either command when it stopped on a TicketbenchError (bad options, infrastructure) before any report. */
export interface ErrorSummaryJson extends SummaryBase {
  readonly verdict: 'error';
  /** The error's stable code (e.g. `INFRA_UNAVAILABLE`) and its one-line message. */
  readonly error: { readonly code: string; readonly message: string };
}

/** The file `--summary-json` writes. */
export type SummaryJson = RunSummaryJson | CompareSummaryJson | ErrorSummaryJson;

function summaryRun(report: RunReport, paths: { readonly json: string; readonly markdown: string }): SummaryRun {
  const l = report.load;
  return {
    scenario: report.scenario,
    strategy: String(report.options['strategy'] ?? 'unknown'),
    ...(report.options['walletStrategy'] !== undefined ? { walletStrategy: String(report.options['walletStrategy']) } : {}),
    checksVerdict: report.verdict,
    checks: report.checks.map((c) => ({ id: c.id, title: c.title, verdict: c.verdict, summary: c.summary, counts: c.counts })),
    thresholds: report.thresholds,
    load: {
      requests: l.requests,
      durationMs: l.durationMs,
      tps: l.tps,
      p50Ms: l.latency.p50Ms,
      p95Ms: l.latency.p95Ms,
      p99Ms: l.latency.p99Ms,
      status: l.status,
      iterationsCompleted: l.iterations.completed,
      iterationsFailed: l.iterations.failed,
      droppedIterations: l.droppedIterations,
    },
    ...(report.aborted ? { aborted: report.aborted } : {}),
    ...(report.nemesis ? { nemesis: report.nemesis } : {}),
    reports: { markdown: paths.markdown, json: paths.json },
    startedAt: report.startedAt,
    endedAt: report.endedAt,
  };
}

function outcome(exitCode: number): Pick<SummaryBase, 'verdict' | 'exitCode' | 'exitCodeName'> {
  return { verdict: exitCode === 0 ? 'pass' : 'fail', exitCode, exitCodeName: exitCodeName(exitCode) };
}

/** The summary of one `run`, given its report, the files writeReport wrote and the exit code (runExitCode). */
export function runSummaryJson(report: RunReport, paths: { readonly json: string; readonly markdown: string }, exitCode: number): RunSummaryJson {
  return { format: 1, command: 'run', ...outcome(exitCode), ...summaryRun(report, paths) };
}

/** The summary of a `compare`, given its result, its files and the exit code (compareExitCode). */
export function compareSummaryJson(result: CompareResult, paths: ComparePaths, exitCode: number): CompareSummaryJson {
  return {
    format: 1,
    command: 'compare',
    ...outcome(exitCode),
    scenario: result.scenario,
    startedAt: result.startedAt,
    endedAt: result.endedAt,
    strategies: result.labels,
    interrupted: result.interrupted,
    runs: result.runs.map((r) => ({ ...summaryRun(r.report, r.paths ?? { json: '', markdown: '' }), label: r.label, round: r.round, safe: r.safe })),
    reports: { markdown: paths.markdown, json: paths.json, charts: paths.charts },
  };
}

/** The summary of a command that stopped on an error (exit code from the error) before writing a report. */
export function errorSummaryJson(command: 'run' | 'compare', scenario: string, startedAt: string, error: { readonly code: string; readonly message: string; readonly exitCode: number }): ErrorSummaryJson {
  return {
    format: 1,
    command,
    verdict: 'error',
    exitCode: error.exitCode,
    exitCodeName: exitCodeName(error.exitCode),
    scenario,
    startedAt,
    endedAt: new Date().toISOString(),
    error: { code: error.code, message: error.message },
  };
}

/** Writes `summary` as pretty JSON to `file` (folders created; an existing file is replaced: CI reruns write the same path). */
export async function writeSummaryJson(file: string, summary: SummaryJson): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(summary, null, 2)}\n`);
}
