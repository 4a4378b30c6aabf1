/**
 * Before/after comparison of two saved runs (`ticketbench report --compare BEFORE AFTER`): one
 * row per figure with its absolute and % delta, read in the direction that is better for it
 * (higher TPS; lower latency and errors), regressions beyond a tolerance, checks and thresholds
 * that passed before and not after, and warnings when the two runs may not be comparable.
 * Pure: RunReports in, a RunComparison (and its table cells and markdown) out.
 */
import { ExitCode } from '../errors.ts';
import type { RunReport } from '../model/run-report.ts';
import { escapeCell, table } from './markdown.ts';
import { formatCount, formatExecutor, formatMs, formatNumber, formatTps } from './format.ts';

/** The rows of a before/after comparison, in display order. */
export type RunComparisonRowId = 'tps' | 'p50' | 'p95' | 'p99' | 'errors' | 'errorRate' | 'conflicts' | 'requests' | 'checks' | 'thresholds';

/** How a row's values read: TPS, ms, a count, a ratio (0..1, shown in %), or passed/total. */
export type RunComparisonUnit = 'tps' | 'ms' | 'count' | 'ratio' | 'tally';

/** One figure before and after. */
export interface RunComparisonRow {
  readonly id: RunComparisonRowId;
  /** e.g. `p95 ms`. */
  readonly label: string;
  readonly unit: RunComparisonUnit;
  /** Which way is better; undefined when neither is (conflicts and requests depend on the run's design). */
  readonly better: 'higher' | 'lower' | undefined;
  /** The value; for `tally` rows the number passed. */
  readonly before: number;
  readonly after: number;
  /** `tally` rows: how many there were. */
  readonly beforeTotal?: number;
  readonly afterTotal?: number;
  /** after − before. */
  readonly delta: number;
  /** delta / |before| × 100; 0 when both are 0; null when only before is 0 or for `tally` rows. */
  readonly deltaPct: number | null;
  /** Whether the change goes the better way, the worse way, or neither (equal, or no direction). */
  readonly change: 'better' | 'worse' | 'same' | 'neutral';
  readonly regression: boolean;
  /** Why it is a regression, one sentence. */
  readonly reason?: string;
}

/** Which run a side of the comparison is. */
export interface RunRef {
  /** How the user named the file (its base name). */
  readonly name: string;
  readonly scenario: string;
  readonly startedAt: string;
  readonly strategy?: string;
}

/** The before/after comparison, also written as JSON. */
export interface RunComparison {
  readonly format: 1;
  readonly kind: 'run-comparison';
  /** A figure worse by more than this many % is a regression. */
  readonly tolerancePct: number;
  readonly before: RunRef;
  readonly after: RunRef;
  readonly rows: readonly RunComparisonRow[];
  /** One sentence per regression (a row worse beyond tolerance, or a check or threshold that stopped passing). */
  readonly regressions: readonly string[];
  /** Differences in scenario, options, strategy or machine that may make the runs not comparable. */
  readonly warnings: readonly string[];
}

/**
 * The exit code of a before/after comparison: CHECKS_FAILED when a check stopped passing
 * (correctness), else THRESHOLDS_FAILED when a figure or threshold got worse beyond the tolerance
 * (speed), else OK — the same order of severity as a run's exit code.
 */
export function runComparisonExitCode(c: RunComparison): ExitCode {
  const regressed = c.rows.filter((r) => r.regression);
  if (regressed.some((r) => r.id === 'checks')) return ExitCode.CHECKS_FAILED;
  return regressed.length > 0 ? ExitCode.THRESHOLDS_FAILED : ExitCode.OK;
}

/** Default `--tolerance`, %. */
export const DEFAULT_TOLERANCE_PCT = 10;

function errorRate(r: RunReport): number {
  return r.load.requests > 0 ? r.load.status.error / r.load.requests : 0;
}

function pctDelta(before: number, after: number): number | null {
  if (before === 0) return after === 0 ? 0 : null;
  return ((after - before) / Math.abs(before)) * 100;
}

function changeOf(better: RunComparisonRow['better'], before: number, after: number): RunComparisonRow['change'] {
  if (better === undefined) return 'neutral';
  if (after === before) return 'same';
  return (after > before) === (better === 'higher') ? 'better' : 'worse';
}

interface MetricSpec {
  readonly id: RunComparisonRowId;
  readonly label: string;
  readonly unit: RunComparisonUnit;
  readonly better: RunComparisonRow['better'];
  readonly value: (r: RunReport) => number;
}

const METRICS: readonly MetricSpec[] = [
  { id: 'tps', label: 'TPS', unit: 'tps', better: 'higher', value: (r) => r.load.tps },
  { id: 'p50', label: 'p50 ms', unit: 'ms', better: 'lower', value: (r) => r.load.latency.p50Ms },
  { id: 'p95', label: 'p95 ms', unit: 'ms', better: 'lower', value: (r) => r.load.latency.p95Ms },
  { id: 'p99', label: 'p99 ms', unit: 'ms', better: 'lower', value: (r) => r.load.latency.p99Ms },
  { id: 'errors', label: 'errors', unit: 'count', better: 'lower', value: (r) => r.load.status.error },
  { id: 'errorRate', label: 'error rate', unit: 'ratio', better: 'lower', value: errorRate },
  { id: 'conflicts', label: 'conflicts (409)', unit: 'count', better: undefined, value: (r) => r.load.status.conflict },
  { id: 'requests', label: 'requests', unit: 'count', better: undefined, value: (r) => r.load.requests },
];

function metricRow(spec: MetricSpec, before: RunReport, after: RunReport, tolerancePct: number): RunComparisonRow {
  const b = spec.value(before);
  const a = spec.value(after);
  const deltaPct = pctDelta(b, a);
  const change = changeOf(spec.better, b, a);
  // From zero, any worsening is beyond every tolerance (e.g. errors appearing).
  const worsePct = change !== 'worse' ? 0 : deltaPct === null ? Infinity : Math.abs(deltaPct);
  const regression = worsePct > tolerancePct;
  return {
    id: spec.id,
    label: spec.label,
    unit: spec.unit,
    better: spec.better,
    before: b,
    after: a,
    delta: a - b,
    deltaPct,
    change,
    regression,
    ...(regression
      ? {
          reason:
            deltaPct === null
              ? `${spec.label} went from 0 to ${formatValue(spec.unit, a)}`
              : `${spec.label} is ${formatNumber(Math.abs(deltaPct), 1)}% ${spec.better === 'higher' ? 'lower' : 'higher'} (${formatValue(spec.unit, b)} → ${formatValue(spec.unit, a)}), beyond the ${formatNumber(tolerancePct, 1)}% tolerance`,
        }
      : {}),
  };
}

/** Names of the items that passed before and do not pass after (matched by `key`). */
function stoppedPassing<T>(before: readonly T[], after: readonly T[], key: (t: T) => string, passed: (t: T) => boolean): string[] {
  const passedBefore = new Set(before.filter(passed).map(key));
  return after.filter((t) => passedBefore.has(key(t)) && !passed(t)).map(key);
}

function tallyRow<T>(
  id: 'checks' | 'thresholds',
  before: readonly T[],
  after: readonly T[],
  key: (t: T) => string,
  passed: (t: T) => boolean,
): RunComparisonRow {
  const b = before.filter(passed).length;
  const a = after.filter(passed).length;
  const stopped = stoppedPassing(before, after, key, passed);
  const noun = id === 'checks' ? 'check' : 'threshold';
  return {
    id,
    label: `${noun}s passed`,
    unit: 'tally',
    better: 'higher',
    before: b,
    after: a,
    beforeTotal: before.length,
    afterTotal: after.length,
    delta: a - b,
    deltaPct: null,
    change: b === a && before.length === after.length ? 'same' : a / Math.max(1, after.length) >= b / Math.max(1, before.length) ? 'better' : 'worse',
    regression: stopped.length > 0,
    ...(stopped.length > 0 ? { reason: `${noun}${stopped.length === 1 ? '' : 's'} ${stopped.join(', ')} passed before and ${stopped.length === 1 ? 'does' : 'do'} not pass after` } : {}),
  };
}

function describeValue(value: unknown): string {
  return value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value);
}

/** `key a → b` for each key whose value differs, in first-seen order. */
function differences(before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>, skip: readonly string[] = []): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !skip.includes(k));
  return keys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).map((k) => `${k} ${describeValue(before[k])} → ${describeValue(after[k])}`);
}

/**
 * Sentences for what differs between the runs beyond the change being measured: scenario,
 * strategy, options (including the executor's settings) and machine (host, CPU, memory, Node and
 * server versions, whether the target shared it). Empty when they match.
 */
export function comparabilityWarnings(before: RunReport, after: RunReport): string[] {
  const warnings: string[] = [];
  if (before.scenario !== after.scenario) warnings.push(`scenario differs: ${before.scenario} → ${after.scenario}`);
  const strategyBefore = before.options['strategy'];
  const strategyAfter = after.options['strategy'];
  if (strategyBefore !== strategyAfter) warnings.push(`strategy differs: ${describeValue(strategyBefore)} → ${describeValue(strategyAfter)}`);
  const options = differences(before.options, after.options, ['strategy']);
  if (formatExecutor(before.load.executor) !== formatExecutor(after.load.executor)) {
    options.push(`executor ${formatExecutor(before.load.executor)} → ${formatExecutor(after.load.executor)}`);
  }
  if (options.length > 0) warnings.push(`options differ: ${options.join(', ')}`);
  // The ticketbench version is left out: a before/after pair often spans a ticketbench upgrade on purpose.
  const { ticketbench: _b, ...machineBefore } = before.machine;
  const { ticketbench: _a, ...machineAfter } = after.machine;
  const machine = differences(
    { ...machineBefore, targetSharesMachine: before.targetSharesMachine },
    { ...machineAfter, targetSharesMachine: after.targetSharesMachine },
  );
  if (machine.length > 0) warnings.push(`machine differs: ${machine.join(', ')}`);
  return warnings;
}

/**
 * Compares two runs. A row is a regression when it moved the worse way by more than
 * `tolerancePct` % (from 0, any worsening is); checks and thresholds regress when one that passed
 * before (matched by id / expression) does not pass after, whatever the tolerance. Conflicts and
 * requests are shown but never judged. Latencies are send → response (`load.latency`).
 * @param names how the two files are referred to, e.g. their base names
 */
export function compareRuns(before: RunReport, after: RunReport, tolerancePct: number = DEFAULT_TOLERANCE_PCT, names = { before: 'before', after: 'after' }): RunComparison {
  const rows = [
    ...METRICS.map((spec) => metricRow(spec, before, after, tolerancePct)),
    tallyRow('checks', before.checks, after.checks, (c) => c.id, (c) => c.verdict === 'pass'),
    tallyRow('thresholds', before.thresholds, after.thresholds, (t) => t.expression, (t) => t.passed),
  ];
  const ref = (r: RunReport, name: string): RunRef => ({
    name,
    scenario: r.scenario,
    startedAt: r.startedAt,
    ...(r.options['strategy'] !== undefined ? { strategy: String(r.options['strategy']) } : {}),
  });
  return {
    format: 1,
    kind: 'run-comparison',
    tolerancePct,
    before: ref(before, names.before),
    after: ref(after, names.after),
    rows,
    regressions: rows.flatMap((r) => (r.reason ? [r.reason] : [])),
    warnings: comparabilityWarnings(before, after),
  };
}

/** A row's value as the tables print it, e.g. `52.31`, `1.23%`, `4/4`. */
export function formatValue(unit: RunComparisonUnit, value: number, total?: number): string {
  switch (unit) {
    case 'tps':
      return formatTps(value);
    case 'ms':
      return formatMs(value);
    case 'count':
      return formatCount(value);
    case 'ratio':
      return `${formatNumber(value * 100, 2)}%`;
    case 'tally':
      return `${formatCount(value)}/${formatCount(total ?? 0)}`;
  }
}

function signed(text: string, n: number): string {
  return n > 0 ? `+${text}` : text;
}

function formatDelta(row: RunComparisonRow): string {
  switch (row.unit) {
    case 'ratio':
      // A difference of two rates is in percentage points, not %.
      return `${signed(formatNumber(row.delta * 100, 2), row.delta)} pp`;
    case 'tally':
      return signed(formatCount(row.delta), row.delta);
    default:
      return signed(formatValue(row.unit, row.delta), row.delta);
  }
}

function formatDeltaPct(row: RunComparisonRow): string {
  if (row.unit === 'tally') return '';
  if (row.deltaPct === null) return 'new';
  return `${signed(formatNumber(row.deltaPct, 1), row.deltaPct)}%`;
}

/** Header, rows and alignment of the before/after table, as text cells shared by the terminal and markdown. */
export function runComparisonCells(c: RunComparison): { head: string[]; rows: string[][]; align: ('left' | 'right')[] } {
  return {
    head: ['metric', 'before', 'after', 'Δ', 'Δ %', 'verdict'],
    rows: c.rows.map((r) => [
      r.label,
      formatValue(r.unit, r.before, r.beforeTotal),
      formatValue(r.unit, r.after, r.afterTotal),
      formatDelta(r),
      formatDeltaPct(r),
      r.regression ? 'REGRESSION' : r.change === 'neutral' ? '' : r.change,
    ]),
    align: ['left', 'right', 'right', 'right', 'right', 'left'],
  };
}

/** The outcome in one line: `REGRESSION: …` with each reason, or `no regression beyond 10% …`. */
export function runComparisonVerdict(c: RunComparison): string {
  return c.regressions.length > 0
    ? `REGRESSION: ${c.regressions.join('; ')}`
    : `no regression: no figure worse by more than ${formatNumber(c.tolerancePct, 1)}% and no check or threshold stopped passing`;
}

/**
 * The comparison as markdown: title, outcome, warnings, the table and a legend. Ends with a
 * newline.
 */
export function renderRunComparisonMarkdown(c: RunComparison): string {
  const cells = runComparisonCells(c);
  const side = (r: RunRef): string => `\`${r.name}\` (${escapeCell(r.scenario)}${r.strategy ? `, ${escapeCell(r.strategy)}` : ''}, run started ${r.startedAt})`;
  const lines = [
    `# ticketbench: ${escapeCell(c.after.name)} vs ${escapeCell(c.before.name)}`,
    '',
    `Before: ${side(c.before)}  `,
    `After: ${side(c.after)}`,
    '',
    `**${escapeCell(runComparisonVerdict(c))}**`,
  ];
  if (c.warnings.length > 0) {
    lines.push('', 'The two runs may not be comparable:', '', ...c.warnings.map((w) => `- ${escapeCell(w)}`));
  }
  lines.push(
    '',
    table(cells.head.map(escapeCell), cells.rows.map((row) => row.map(escapeCell)), cells.align),
    '',
    `Δ is after − before; Δ % is relative to before (\`new\` when before was 0). Higher TPS is better; lower latency, errors and error rate are better; ` +
      `conflicts and requests are not judged. A regression is a figure worse by more than ${formatNumber(c.tolerancePct, 1)}% (\`--tolerance\`), ` +
      'or a check or threshold that passed before and does not pass after. Latencies are send → response, every request.',
  );
  return `${lines.join('\n')}\n`;
}

/** The comparison as pretty JSON with a trailing newline. */
export function renderRunComparisonJson(c: RunComparison): string {
  return `${JSON.stringify(c, null, 2)}\n`;
}
