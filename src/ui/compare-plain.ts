/**
 * Plain text output of `ticketbench compare` for CI and non-TTY terminals: every formatter
 * returns a string (tested as text); `attachComparePlainPrinter` is the only part that writes.
 * Each run's own events go through the plain printer of `ticketbench run` (src/ui/plain.ts),
 * with lines prefixed by the run they belong to.
 */
import Table from 'cli-table3';
import { EventEmitter } from 'node:events';
import { compareCells, expectationSentence, regressions, rowNoun } from '../report/compare-table.ts';
import type { CompareEmitter } from '../compare/types.ts';
import type { ComparePaths, CompareRunInfo, CompareTable, StrategyRun } from '../model/compare.ts';
import { formatCount, formatMs, formatRunTally, formatThresholdTally, formatTps } from '../report/format.ts';
import { outcomeWord } from '../model/exit-code.ts';
import { subscribe } from '../run/subscribe.ts';
import type { RunEventMap } from '../run/types.ts';
import { attachPlainPrinter } from './plain.ts';

/** Marks the best value of a column in terminal tables. */
export const BEST_MARK = '*';

/** `2/4 redis-lock#2` or, with repeats, `2/4 redis-lock#2 round 1`: which run a line is about. */
export function formatRunTag(info: CompareRunInfo): string {
  return `${info.index}/${info.total} ${info.label}${info.total > info.strategies ? ` round ${info.round}` : ''}`;
}

/**
 * The line announcing a run, e.g. `== redis-lock (strategy 1 of 2) · run 1/4 · round 1 of 2`.
 */
export function formatRunStart(info: CompareRunInfo): string {
  const rounds = info.total / info.strategies;
  return `== ${info.label} (strategy ${info.strategyIndex} of ${info.strategies}) · run ${info.index}/${info.total}` + (rounds > 1 ? ` · round ${info.round} of ${rounds}` : '');
}

function unsafeNote(run: StrategyRun): string {
  if (run.safe) return '';
  return run.report.verdict === 'fail' ? ' (unsafe strategy: expected)' : ' (unsafe strategy: no race shown)';
}

/**
 * One finished run as one line, e.g. `[1/2 redis-lock] PASS 5/5 checks passed · 123.4 TPS ·
 * p50 1.23 · p95 4.56 · p99 7.89 ms · ok 2 · conflict 78 · error 0 · oversold 0 · double-booked 0`;
 * an unsafe strategy's verdict is followed by `(unsafe strategy: expected)` when its checks
 * failed, or `(unsafe strategy: no race shown)`.
 */
export function formatRunLine(info: CompareRunInfo, run: StrategyRun): string {
  const r = run.report;
  const l = r.load;
  const db = r.checks.find((c) => c.id === 'double-booking');
  const parts = [
    `[${formatRunTag(info)}] ${outcomeWord(r)} ${formatRunTally(r)}${unsafeNote(run)}`,
    `${formatTps(l.tps)} TPS`,
    `p50 ${formatMs(l.latency.p50Ms)} · p95 ${formatMs(l.latency.p95Ms)} · p99 ${formatMs(l.latency.p99Ms)} ms`,
    `ok ${formatCount(l.status.ok)} · conflict ${formatCount(l.status.conflict)} · error ${formatCount(l.status.error)}`,
  ];
  if (typeof r.results['targetRetries'] === 'number') parts.push(`retries ${formatCount(r.results['targetRetries'])}`);
  if (db) parts.push(`oversold ${formatCount(db.counts['oversold'] ?? 0)} · double-booked ${formatCount(db.counts['doubleBookedSeats'] ?? 0)}`);
  return parts.join(' · ');
}

/**
 * The comparison table drawn with cli-table3 (no colours), the best value per column marked
 * with `*`, then a legend line. Multi-line, no trailing newline.
 */
export function formatCompareTable(table: CompareTable): string {
  const cells = compareCells(table, (text) => `${text}${BEST_MARK}`);
  const t = new Table({ head: [...cells.head], style: { head: [], border: [], compact: true }, colAligns: [...cells.align] });
  for (const row of cells.rows) t.push([...row]);
  const legend = [`${BEST_MARK} best in column`];
  if (table.repeat > 1) legend.push(`median of ${table.repeat} runs, [min–max] when they differed`);
  if (table.baseline && table.rows.length > 1) legend.push(`deltas vs ${table.baseline} (% for TPS and latency, difference for counts)`);
  legend.push('checks = passed/total');
  return `${t.toString()}\n${legend.join(' · ')}`;
}

/**
 * What the checks showed, one line each (see expectationSentence), then the outcome:
 * `FAIL: … declared safe …` when a safe strategy failed a check, else `PASS: …`. No trailing newline.
 */
export function formatCompareFindings(table: CompareTable): string {
  const lines = table.rows.map(expectationSentence).filter((s): s is string => s !== undefined);
  const failed = regressions(table);
  lines.push(
    failed.length > 0
      ? `FAIL: ${failed.join(', ')} ${failed.length === 1 ? 'is' : 'are'} declared safe but did not pass every check`
      : `PASS: every ${rowNoun(table)} declared safe passed every check`,
  );
  return lines.join('\n');
}

/**
 * The thresholds of every run on one line, e.g. `thresholds: redis-lock 2/2 thresholds passed ·
 * none 1/2 thresholds passed (failed: http_req_duration:p(95)<50)`; `''` when no run had any.
 */
export function formatCompareThresholds(runs: readonly StrategyRun[]): string {
  if (runs.every((r) => r.report.thresholds.length === 0)) return '';
  const parts = runs.map((r) => {
    const failed = r.report.thresholds.filter((t) => !t.passed).map((t) => t.expression);
    const round = runs.some((o) => o.round > 1) ? ` round ${r.round}` : '';
    return `${r.label}${round} ${formatThresholdTally(r.report.thresholds)}${failed.length > 0 ? ` (failed: ${failed.join(', ')})` : ''}`;
  });
  return `thresholds: ${parts.join(' · ')}`;
}

/** Where the comparison's files are, one per line: report, json, then each chart. No trailing newline. */
export function formatComparePaths(paths: ComparePaths): string {
  return [`report  ${paths.markdown}`, `json    ${paths.json}`, ...paths.charts.map((c) => `chart   ${c}`)].join('\n');
}

/**
 * Subscribes to a comparison and writes plain text through `write` (whole lines ending in `\n`):
 * the plan, a header per run, the run's phases, notices, progress and checks (as `ticketbench run
 * --ci` prints them, prefixed with the run's tag), its one-line result, and at the end the table,
 * what the checks showed and the file paths. `opts` go to the run printer (progress interval,
 * clock). Returns a function that unsubscribes everything.
 */
export function attachComparePlainPrinter(
  emitter: CompareEmitter,
  write: (s: string) => void,
  opts: { progressIntervalMs?: number; now?: () => number } = {},
): () => void {
  let detachRun: (() => void) | undefined;
  const detachCompare = subscribe(emitter, {
    start: (plan) => {
      write(`compare ${plan.scenario}: ${plan.labels.join(', ')}${plan.repeat > 1 ? `, ${plan.repeat} runs each, interleaved` : ''} (${plan.total} runs)\n`);
    },
    'run-start': (info, runEmitter) => {
      detachRun?.();
      write(`\n${formatRunStart(info)}\n`);
      // The run printer's own end-of-run summary is left out: the comparison prints one line per
      // run and the table at the end, and each run's full report is on disk.
      const forward = new EventEmitter<RunEventMap>();
      const tag = `[${formatRunTag(info)}] `;
      const detachPrinter = attachPlainPrinter(forward, (s) => write(s.replace(/^(?=.)/gm, tag)), opts);
      const detachForward = subscribe(runEmitter, {
        phase: (...args) => forward.emit('phase', ...args),
        notice: (...args) => forward.emit('notice', ...args),
        progress: (...args) => forward.emit('progress', ...args),
        check: (...args) => forward.emit('check', ...args),
        done: () => {},
      });
      detachRun = () => {
        detachForward();
        detachPrinter();
        detachRun = undefined;
      };
    },
    'run-done': (info, run) => {
      detachRun?.();
      write(`${formatRunLine(info, run)}\n`);
    },
    notice: (message) => write(`  ${message}\n`),
    done: (result, paths) => {
      const thresholds = formatCompareThresholds(result.runs);
      write(`\n${formatCompareTable(result.table)}\n\n${formatCompareFindings(result.table)}\n${thresholds ? `${thresholds}\n` : ''}\n${formatComparePaths(paths)}\n`);
    },
  });
  return () => {
    detachRun?.();
    detachCompare();
  };
}
