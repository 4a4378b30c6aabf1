/**
 * Plain text output for CI and non-TTY terminals (`--ci`): no colours, no cursor movement, one
 * line per event. Every formatter returns a string and never prints (as autocannon's
 * printResult), so the output is tested as text; `attachPlainPrinter` is the only part that writes.
 */
import Table from 'cli-table3';
import type { CheckResult, EvidenceRow } from '../checks/types.ts';
import type { ProgressSnapshot } from '../engine/types.ts';
import { SEAT_LOCK_BUSY_KEY } from '../observe/observe-run.ts';
import { subscribe, type RunListeners } from '../run/subscribe.ts';
import { outcomeWord } from '../model/exit-code.ts';
import type { RunEmitter, RunPhase } from '../run/types.ts';
import type { RunReport, ThresholdResult } from '../model/run-report.ts';
import {
  formatCount,
  formatDuration,
  formatExecutor,
  formatMs,
  formatMsUnit,
  formatNumber,
  formatPercent,
  formatResult,
  formatRunTally,
  formatThresholdLimit,
  formatThresholdStop,
  formatThresholdValue,
  formatTps,
  formatVerdict,
  progressFraction,
} from '../report/format.ts';

/** Default minimum time between two plain progress lines, ms. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 2000;

/** How many evidence rows the terminal shows per check; the markdown report has them all. */
const TERMINAL_EVIDENCE_ROWS = 5;

/** A table without colour codes (CI logs show escape sequences as garbage), one line per row. */
function plainTable(head: string[], colAligns?: ('left' | 'right')[]): Table.Table {
  return new Table({ head, style: { head: [], border: [], compact: true }, ...(colAligns ? { colAligns } : {}) });
}

/**
 * One line announcing a phase, e.g. `[load] 80 VUs, shared-iterations, 80 iterations`.
 * `detail` is the runner's own description and is printed as is.
 */
export function formatPhase(phase: RunPhase, detail: string): string {
  return detail ? `[${phase}] ${detail}` : `[${phase}]`;
}

/**
 * One line of load progress, e.g.
 * `[load] 1.20 s · 40/80 iterations (50%) · 1,234 requests · 456.7 TPS · p95 12.3 ms · ok 1 · conflict 39 · error 0`.
 * Shows `elapsed/duration` instead of iterations for duration-based executors, and `N dropped`
 * once an arrival-rate executor has dropped an iteration.
 */
export function formatProgressLine(p: ProgressSnapshot): string {
  const parts = [`[load] ${formatDuration(p.elapsedMs)}`];
  const fraction = progressFraction(p);
  if (p.iterationsTotal !== undefined) {
    parts.push(`${formatCount(p.iterationsCompleted)}/${formatCount(p.iterationsTotal)} iterations (${formatPercent(fraction ?? 0)})`);
  } else {
    if (p.durationMs !== undefined) parts[0] += `/${formatDuration(p.durationMs)} (${formatPercent(fraction ?? 0)})`;
    parts.push(`${formatCount(p.iterationsCompleted)} iterations`);
  }
  // Only arrival-rate executors drop iterations; a 0 would be noise on every closed-model line.
  if (p.droppedIterations > 0) parts.push(`${formatCount(p.droppedIterations)} dropped`);
  parts.push(
    `${formatCount(p.activeVus)} VUs`,
    `${formatCount(p.requests)} requests`,
    `${formatTps(p.tps)} TPS`,
    `p95 ${formatMsUnit(p.latency.p95Ms)}`,
    `ok ${formatCount(p.status.ok)}`,
    `conflict ${formatCount(p.status.conflict)}`,
    `error ${formatCount(p.status.error)}`,
  );
  return parts.join(' · ');
}

/**
 * The load summary of a finished run: a throughput line, a latency table (ms, overall and per
 * request name), HTTP status counts and the per-operation ok/fail/info table. For an open-model
 * run also the dropped iterations and measured vs coordinated-omission-corrected percentiles side
 * by side, and the server-side counters line when the run was observed. Multi-line, no trailing
 * newline.
 */
export function formatSummary(report: RunReport): string {
  const l = report.load;
  const lines = [
    // The bundled target is the default: only another profile is worth a word.
    `${report.scenario}${report.profile !== undefined && report.profile !== 'bundled' ? ` (profile ${report.profile})` : ''}: ${formatExecutor(l.executor)}`,
    `${formatCount(l.requests)} requests in ${formatDuration(l.durationMs)} · ${formatTps(l.tps)} TPS · ` +
      `${formatCount(l.iterations.completed)} iterations completed, ${formatCount(l.iterations.failed)} failed` +
      (l.latencyCorrected ? `, ${formatCount(l.droppedIterations)} dropped` : ''),
  ];
  if (report.targetSharesMachine) {
    lines.push(`target shared this machine's ${formatCount(report.machine.cores)} cores with the load generator`);
  }

  const latency = plainTable(
    ['latency (ms)', 'count', 'min', 'mean', 'p50', 'p90', 'p95', 'p99', 'max'],
    ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
  for (const [name, s] of [['all', l.latency] as const, ...Object.entries(l.latencyByName)]) {
    latency.push([
      name,
      formatCount(s.count),
      formatMs(s.minMs),
      formatMs(s.meanMs),
      formatMs(s.p50Ms),
      formatMs(s.p90Ms),
      formatMs(s.p95Ms),
      formatMs(s.p99Ms),
      formatMs(s.maxMs),
    ]);
  }
  lines.push(latency.toString());
  if (l.latencyCorrected) {
    // p90 is left out here so that the table fits an 80-column terminal; the markdown report has it.
    const corrected = plainTable(['latency (ms)', 'p50', 'corr', 'p95', 'corr', 'p99', 'corr', 'max', 'corr'], ['left', ...Array<'right'>(8).fill('right')]);
    const byName = l.latencyCorrectedByName ?? {};
    for (const [name, measured, c] of [['all', l.latency, l.latencyCorrected] as const, ...Object.entries(l.latencyByName).map(([n, m]) => [n, m, byName[n]] as const)]) {
      if (!c) continue;
      corrected.push([name, ...(['p50Ms', 'p95Ms', 'p99Ms', 'maxMs'] as const).flatMap((k) => [formatMs(measured[k]), formatMs(c[k])])]);
    }
    lines.push(corrected.toString(), 'corr = from the intended start (scheduled start or previous completion), as wrk2 corrects for coordinated omission');
  }

  const byStatus = Object.entries(l.status.byStatus)
    .map(([code, n]) => `${code}: ${formatCount(n)}`)
    .join(', ');
  lines.push(
    `status: ok ${formatCount(l.status.ok)} · conflict ${formatCount(l.status.conflict)} · error ${formatCount(l.status.error)}` +
      (byStatus ? ` (${byStatus})` : ''),
  );

  const opsEntries = Object.entries(l.ops);
  if (opsEntries.length > 0) {
    const ops = plainTable(['operation', 'ok', 'fail', 'info'], ['left', 'right', 'right', 'right']);
    for (const [name, o] of opsEntries) ops.push([name, formatCount(o.ok), formatCount(o.fail), formatCount(o.info)]);
    lines.push(ops.toString(), 'info = indeterminate (timeout or connection error): may or may not have taken effect');
  }
  const results = Object.entries(report.results);
  if (results.length > 0) lines.push(`results: ${results.map(([name, value]) => `${name} ${formatResult(value)}`).join(' · ')}`);
  const server = formatObservedLine(report);
  if (server) lines.push(server);
  return lines.join('\n');
}

/**
 * One line of server-side counters, e.g.
 * `server: 1,234 MySQL queries (617.00 per sale, 15.23 per request) · 3 row lock waits · 79 seat lock busy · 1 event published`.
 * Undefined when the run was not observed; `server: not observed` when nothing could be read
 * (the notes, printed as the run went, say why).
 */
export function formatObservedLine(report: RunReport): string | undefined {
  const observed = report.observed;
  if (!observed) return undefined;
  const { mysql, target, perReservation: ratios } = observed;
  const parts: string[] = [];
  const queries = mysql['Queries'];
  if (queries !== undefined) {
    const per = [
      ratios['mysqlQueriesPerSale'] !== undefined ? `${formatNumber(ratios['mysqlQueriesPerSale'], 2)} per sale` : undefined,
      ratios['mysqlQueriesPerRequest'] !== undefined ? `${formatNumber(ratios['mysqlQueriesPerRequest'], 2)} per request` : undefined,
    ].filter((p) => p !== undefined);
    parts.push(`${formatCount(queries)} MySQL queries` + (per.length > 0 ? ` (${per.join(', ')})` : ''));
  }
  const rowLockWaits = mysql['Innodb_row_lock_waits'];
  if (rowLockWaits !== undefined) parts.push(`${formatCount(rowLockWaits)} row lock waits`);
  if (Object.keys(target).length > 0) {
    parts.push(`${formatCount(target[SEAT_LOCK_BUSY_KEY] ?? 0)} seat lock busy`);
    const published = target['outbox_published_total'] ?? 0;
    parts.push(`${formatCount(published)} ${published === 1 ? 'event' : 'events'} published`);
  }
  return `server: ${parts.length > 0 ? parts.join(' · ') : 'not observed'}`;
}

function evidenceTable(rows: readonly EvidenceRow[]): string {
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  const table = plainTable(columns);
  for (const row of rows) table.push(columns.map((c) => (row[c] === undefined ? '' : String(row[c]))));
  return table.toString();
}

/**
 * A table of check verdicts (check, verdict, summary); under it, for each failing or unknown
 * check, its counts and first evidence rows, with `N more not shown` when there were more.
 * Multi-line, no trailing newline.
 */
export function formatChecks(checks: readonly CheckResult[]): string {
  if (checks.length === 0) return 'no checks ran';
  const table = plainTable(['check', 'verdict', 'summary']);
  for (const c of checks) table.push([c.title, formatVerdict(c.verdict), c.summary]);
  const lines = [table.toString()];
  for (const c of checks) {
    if (c.verdict === 'pass') continue;
    const counts = Object.entries(c.counts)
      .map(([k, n]) => `${k} ${formatCount(n)}`)
      .join(', ');
    lines.push('', `${formatVerdict(c.verdict)} ${c.id}: ${c.summary}` + (counts ? ` (${counts})` : ''));
    const shown = c.evidence.slice(0, TERMINAL_EVIDENCE_ROWS);
    if (shown.length > 0) lines.push(evidenceTable(shown));
    const hidden = Math.max(c.evidenceTotal, c.evidence.length) - shown.length;
    if (hidden > 0) lines.push(`${formatCount(hidden)} more not shown`);
  }
  return lines.join('\n');
}

/**
 * A table of thresholds (threshold, measured, limit, result), printed after the checks; a
 * threshold that stopped the load says when. `''` when the run had none. No trailing newline.
 */
export function formatThresholds(thresholds: readonly ThresholdResult[]): string {
  if (thresholds.length === 0) return '';
  const table = plainTable(['threshold', 'measured', 'limit', 'result']);
  for (const t of thresholds) {
    const result = (t.passed ? 'PASS' : 'FAIL') + formatThresholdStop(t);
    table.push([t.expression, formatThresholdValue(t.actual, t.unit), formatThresholdLimit(t), result]);
  }
  return table.toString();
}

/** One line as a check arrives, e.g. `[check] FAIL kafka-events: 2 confirmed bookings never published`. */
export function formatCheckLine(check: CheckResult): string {
  return `[check] ${formatVerdict(check.verdict)} ${check.id}: ${check.summary}`;
}

/**
 * The last line of a run, e.g. `PASS: 4/4 checks passed · report reports/20250301-140502-contention.md`,
 * `FAIL: 5/5 checks passed · 1/2 thresholds passed · report …` when a threshold failed, or
 * `ABORTED: … · stopped early: <reason> · report …`. `paths` are the files writeReport returned.
 */
export function formatFinalLine(report: RunReport, paths: { readonly json: string; readonly markdown: string }): string {
  const aborted = report.aborted ? ` · stopped early: ${report.aborted.reason}` : '';
  return `${outcomeWord(report)}: ${formatRunTally(report)}${aborted} · report ${paths.markdown}`;
}

/**
 * Subscribes to a run's events and writes plain text through `write` (each call is one or more
 * whole lines ending in `\n`): phases, notices, a progress line at most every
 * `opts.progressIntervalMs` (default 2000 ms; the latest skipped snapshot is flushed when the
 * next phase starts so the final load state is always shown), each check as it arrives, and on
 * `done` the summary, the checks, the thresholds (if any) and the final line. `opts.now` (ms clock) is for tests.
 * Returns a function that unsubscribes every listener.
 */
export function attachPlainPrinter(
  emitter: RunEmitter,
  write: (s: string) => void,
  opts: { progressIntervalMs?: number; now?: () => number } = {},
): () => void {
  const interval = opts.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
  const now = opts.now ?? Date.now;
  let lastProgressAt: number | undefined;
  let pending: ProgressSnapshot | undefined;

  const flushPending = (): void => {
    if (pending) write(`${formatProgressLine(pending)}\n`);
    pending = undefined;
  };

  const listeners: RunListeners = {
    phase: (phase, detail) => {
      flushPending();
      write(`${formatPhase(phase, detail)}\n`);
    },
    notice: (message) => write(`  ${message}\n`),
    progress: (snapshot) => {
      const t = now();
      if (lastProgressAt === undefined || t - lastProgressAt >= interval) {
        lastProgressAt = t;
        pending = undefined;
        write(`${formatProgressLine(snapshot)}\n`);
      } else {
        pending = snapshot;
      }
    },
    check: (result) => write(`${formatCheckLine(result)}\n`),
    done: (report, paths) => {
      flushPending();
      const thresholds = formatThresholds(report.thresholds);
      write(`\n${formatSummary(report)}\n\n${formatChecks(report.checks)}\n\n${thresholds ? `${thresholds}\n\n` : ''}${formatFinalLine(report, paths)}\n`);
    },
  };

  return subscribe(emitter, listeners);
}
