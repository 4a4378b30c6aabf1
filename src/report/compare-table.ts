/**
 * The comparison table as pure functions of hand-made or real RunReports: per strategy the median
 * and spread (min–max) of each figure over its runs, the best value per column, the delta against
 * the baseline, and what the checks showed relative to the strategy's declared safety. Renderers
 * (plain terminal, markdown) only turn `compareCells` into text, so every decision is tested here.
 */
import type { Verdict } from '../checks/types.ts';
import { formatCount, formatMs, formatTps } from './format.ts';
import type { RunReport } from '../model/run-report.ts';
import type { ColumnId, ColumnSpec, CompareRow, CompareTable, Expectation, LatencyProfile, Stat, StrategyRun, VaryKey } from '../model/compare.ts';

/** Shown for a figure no run had, e.g. retries of a scenario that does not count them. */
export const MISSING = '—';

/** The numeric columns, in display order. */
export const COMPARE_COLUMNS: readonly ColumnSpec[] = [
  { id: 'tps', header: 'TPS', better: 'higher', delta: 'percent', kind: 'tps' },
  { id: 'p50', header: 'p50 ms', better: 'lower', delta: 'percent', kind: 'ms' },
  { id: 'p95', header: 'p95 ms', better: 'lower', delta: 'percent', kind: 'ms' },
  { id: 'p99', header: 'p99 ms', better: 'lower', delta: 'percent', kind: 'ms' },
  // ok and conflict counts follow from seats and VUs, so neither direction is "better".
  { id: 'ok', header: 'ok', better: undefined, delta: 'absolute', kind: 'count' },
  { id: 'conflict', header: 'conflict', better: undefined, delta: 'absolute', kind: 'count' },
  { id: 'error', header: 'error', better: 'lower', delta: 'absolute', kind: 'count' },
  { id: 'retries', header: 'retries', better: 'lower', delta: 'absolute', kind: 'count' },
  { id: 'oversold', header: 'oversold', better: 'lower', delta: 'absolute', kind: 'count' },
  { id: 'doubleBooked', header: 'double-booked', better: 'lower', delta: 'absolute', kind: 'count' },
];

/**
 * Columns shown only when some run observed MySQL's counters: statements (`Questions`) and
 * `Com_select` per HTTP request over the load phase, from `SHOW GLOBAL STATUS` (server-wide: other
 * clients of the server count too), and the statements the bundled target itself sent
 * (`db_statements_total` from its /metrics) per request.
 */
export const DB_COLUMNS: readonly ColumnSpec[] = [
  { id: 'dbQueries', header: 'DB q/req', better: 'lower', delta: 'percent', kind: 'ratio' },
  { id: 'dbSelects', header: 'selects/req', better: 'lower', delta: 'percent', kind: 'ratio' },
  // The bundled target's own count (db_statements_total): unaffected by other clients of the server.
  { id: 'targetQueries', header: 'target stmts/req', better: 'lower', delta: 'percent', kind: 'ratio' },
];

/** The check whose counts give the oversold and double-booked seats. */
const DOUBLE_BOOKING_CHECK = 'double-booking';

/**
 * Unique labels for the strategies as given: a name seen before gets `#2`, `#3`…, e.g.
 * `['redis-lock', 'redis-lock']` → `['redis-lock', 'redis-lock#2']`.
 */
export function strategyLabels(strategies: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return strategies.map((name) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name}#${n}`;
  });
}

/** The median of finite values (mean of the two middle ones for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median, min, max and count of the defined finite values; `undefined` when there are none. */
export function summarizeValues(values: readonly (number | undefined)[]): Stat | undefined {
  const present = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (present.length === 0) return undefined;
  return { median: median(present), min: Math.min(...present), max: Math.max(...present), n: present.length };
}

/**
 * One column's figure from one report: TPS, overall latency percentiles (ms), status counts,
 * `results.targetRetries` when the scenario reports it, and the `double-booking` check's
 * `oversold` / `doubleBookedSeats` counts; `undefined` when the report does not have it.
 */
export function columnValue(report: RunReport, column: ColumnId): number | undefined {
  const l = report.load;
  const doubleBooking = report.checks.find((c) => c.id === DOUBLE_BOOKING_CHECK);
  switch (column) {
    case 'tps':
      return l.tps;
    case 'p50':
      return l.latency.p50Ms;
    case 'p95':
      return l.latency.p95Ms;
    case 'p99':
      return l.latency.p99Ms;
    case 'ok':
      return l.status.ok;
    case 'conflict':
      return l.status.conflict;
    case 'error':
      return l.status.error;
    case 'retries': {
      const retries = report.results['targetRetries'];
      return typeof retries === 'number' ? retries : undefined;
    }
    case 'oversold':
      return doubleBooking?.counts['oversold'];
    case 'doubleBooked':
      return doubleBooking?.counts['doubleBookedSeats'];
    case 'dbQueries':
    case 'dbSelects': {
      const counter = report.observed?.mysql?.[column === 'dbQueries' ? 'Questions' : 'Com_select'];
      return counter !== undefined && l.requests > 0 ? counter / l.requests : undefined;
    }
    case 'targetQueries': {
      const series = Object.entries(report.observed?.target ?? {}).filter(([key]) => key.startsWith('db_statements_total{'));
      return series.length > 0 && l.requests > 0 ? series.reduce((n, [, v]) => n + v, 0) / l.requests : undefined;
    }
  }
}

/** What a set of runs' checks showed, given whether the strategy is declared safe. */
function expectationOf(safe: boolean, runs: readonly StrategyRun[]): Pick<CompareRow, 'expectation' | 'runsFailed' | 'runsPassed' | 'notPassed' | 'checks'> {
  const notPassed = new Map<string, { verdict: Exclude<Verdict, 'pass'>; runs: number }>();
  let runsFailed = 0;
  let runsPassed = 0;
  let passed = 0;
  let total = 0;
  for (const run of runs) {
    const checks = run.report.checks;
    total += checks.length;
    passed += checks.filter((c) => c.verdict === 'pass').length;
    if (checks.some((c) => c.verdict === 'fail')) runsFailed++;
    if (checks.every((c) => c.verdict === 'pass')) runsPassed++;
    for (const c of checks) {
      if (c.verdict === 'pass') continue;
      const before = notPassed.get(c.id);
      // fail beats unknown, as composeVerdicts has it.
      const verdict = before?.verdict === 'fail' || c.verdict === 'fail' ? 'fail' : 'unknown';
      notPassed.set(c.id, { verdict, runs: (before?.runs ?? 0) + 1 });
    }
  }
  const expectation: Expectation = safe
    ? runsPassed === runs.length
      ? 'as-expected'
      : 'safe-failed'
    : runsFailed > 0
      ? 'race-caught'
      : 'race-not-shown';
  return {
    expectation,
    runsFailed,
    runsPassed,
    notPassed: [...notPassed].map(([id, v]) => ({ id, ...v })),
    checks: { passed, total },
  };
}

function latencyProfile(runs: readonly StrategyRun[]): LatencyProfile {
  const of = (pick: (r: RunReport) => number): number => median(runs.map((r) => pick(r.report)));
  return {
    p50Ms: of((r) => r.load.latency.p50Ms),
    p90Ms: of((r) => r.load.latency.p90Ms),
    p95Ms: of((r) => r.load.latency.p95Ms),
    p99Ms: of((r) => r.load.latency.p99Ms),
    maxMs: of((r) => r.load.latency.maxMs),
  };
}

/** Columns in which each row holds the best median; none when fewer than two rows differ. */
function bestByRow(rows: readonly { values: CompareRow['values'] }[], columns: readonly ColumnSpec[]): ColumnId[][] {
  const best: ColumnId[][] = rows.map(() => []);
  for (const column of columns) {
    if (!column.better) continue;
    const medians = rows.map((r) => r.values[column.id]?.median);
    const present = medians.filter((v): v is number => v !== undefined && Number.isFinite(v));
    // Marking every row when all agree (e.g. 0 oversold everywhere) would single out nothing.
    if (present.length < 2 || present.every((v) => v === present[0])) continue;
    const target = column.better === 'higher' ? Math.max(...present) : Math.min(...present);
    medians.forEach((v, i) => {
      if (v === target) best[i]!.push(column.id);
    });
  }
  return best;
}

/**
 * The delta of `value` against `base` for a column: percent change for rates and latencies
 * (`undefined` when the base is 0 and the value is not), difference for counts.
 */
export function columnDelta(column: ColumnSpec, value: number | undefined, base: number | undefined): number | undefined {
  if (value === undefined || base === undefined || !Number.isFinite(value) || !Number.isFinite(base)) return undefined;
  if (column.delta === 'absolute') return value - base;
  if (base === 0) return value === 0 ? 0 : undefined;
  return ((value - base) / Math.abs(base)) * 100;
}

/** What buildCompareTable needs besides the runs. */
export interface CompareTableInput {
  readonly scenario: string;
  /** Every label in display order (see strategyLabels); labels without runs are left out. */
  readonly labels: readonly string[];
  /** Runs per strategy asked for. */
  readonly repeat: number;
  /** Label the deltas are taken against (default: the first label). */
  readonly baseline?: string;
  /** The target setting the labels are values of (`--vary` key). */
  readonly varied?: VaryKey;
}

/**
 * Aggregates runs into the comparison table: one row per label (in `labels` order) with each
 * column's median and spread over that label's runs, summed check verdicts, what the checks
 * showed against the declared safety, the best-marked columns and deltas against the baseline.
 * Pure: runs may be hand-built RunReports.
 */
export function buildCompareTable(runs: readonly StrategyRun[], input: CompareTableInput): CompareTable {
  const baseline = input.baseline ?? input.labels[0];
  const grouped = input.labels
    .map((label) => ({ label, runs: runs.filter((r) => r.label === label) }))
    .filter((g) => g.runs.length > 0);
  // MySQL's counters are shown only when observed, so tables of runs without them keep their shape.
  const columns = runs.some((r) => columnValue(r.report, 'dbQueries') !== undefined) ? [...COMPARE_COLUMNS, ...DB_COLUMNS] : COMPARE_COLUMNS;
  const partial = grouped.map(({ label, runs: own }) => {
    const values = Object.fromEntries(
      columns.map((c) => [c.id, summarizeValues(own.map((r) => columnValue(r.report, c.id)))]),
    ) as Record<ColumnId, Stat | undefined>;
    const first = own[0]!;
    return {
      label,
      strategy: first.strategy,
      safe: first.safe,
      runs: own.length,
      values,
      ...expectationOf(first.safe, own),
      latency: latencyProfile(own),
      isBaseline: label === baseline,
    };
  });
  const baseRow = partial.find((r) => r.isBaseline);
  const best = bestByRow(partial, columns);
  const rows: CompareRow[] = partial.map((row, i) => {
    const delta: Partial<Record<ColumnId, number>> = {};
    if (baseRow && !row.isBaseline) {
      for (const c of columns) {
        const d = columnDelta(c, row.values[c.id]?.median, baseRow.values[c.id]?.median);
        if (d !== undefined) delta[c.id] = d;
      }
    }
    return { ...row, best: best[i]!, delta };
  });
  return { scenario: input.scenario, baseline: baseRow?.label, repeat: input.repeat, ...(input.varied ? { varied: input.varied } : {}), columns, rows };
}

/** Labels of strategies declared safe whose checks did not all pass: these make the exit code 1. */
export function regressions(table: CompareTable): string[] {
  return table.rows.filter((r) => r.expectation === 'safe-failed').map((r) => r.label);
}

function formatFigure(column: ColumnSpec, value: number): string {
  switch (column.kind) {
    case 'tps':
      return formatTps(value);
    case 'ms':
      return formatMs(value);
    case 'count':
      // A median of an even number of runs can be x.5.
      return Number.isInteger(value) ? formatCount(value) : value.toFixed(1);
    case 'ratio':
      return value.toFixed(2);
  }
}

/**
 * A delta as text: `+12%`, `-4.5%` (one decimal under 10%), `±0%` for percent columns;
 * `+3`, `-2`, `±0` for counts. Empty for `undefined`.
 */
export function formatDelta(column: ColumnSpec, delta: number | undefined): string {
  if (delta === undefined || !Number.isFinite(delta)) return '';
  if (column.delta === 'percent') {
    const abs = Math.abs(delta);
    const text = abs < 10 ? abs.toFixed(1) : abs.toFixed(0);
    if (Number(text) === 0) return '±0%';
    return `${delta > 0 ? '+' : '-'}${text}%`;
  }
  const rounded = Math.round(delta * 10) / 10;
  if (rounded === 0) return '±0';
  return `${rounded > 0 ? '+' : '-'}${formatFigure(column, Math.abs(rounded))}`;
}

/** Text cells of the table, ready for a renderer; `head` and every row have the same length. */
export interface CompareCells {
  readonly head: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Alignment per column. */
  readonly align: readonly ('left' | 'right')[];
}

/**
 * What a row of the table is, for sentences: `strategy` when strategies are compared, else
 * `<key> setting` (e.g. `cache setting` for `--vary cache=off,on`).
 */
export function rowNoun(table: Pick<CompareTable, 'varied'>): string {
  return table.varied === undefined || table.varied === 'strategy' || table.varied === 'wallet-strategy' ? 'strategy' : `${table.varied} setting`;
}

/**
 * The table as text cells: strategy (with `(baseline)`), safe?, each column's median — passed
 * through `mark` when it is the best in its column — followed by `[min–max]` when runs differed
 * and by the delta against the baseline (left out for an unchanged count), then the check tally
 * `passed/total`. `mark` is how a
 * renderer highlights, e.g. `(t) => t + '*'` in a terminal or `(t) => '**' + t + '**'` in markdown.
 */
export function compareCells(table: CompareTable, mark: (text: string) => string): CompareCells {
  // Strategies of either kind keep the `strategy` header; another varied setting names itself.
  const head = [rowNoun(table) === 'strategy' ? 'strategy' : table.varied!, 'safe?', ...table.columns.map((c) => c.header), 'checks'];
  const align: ('left' | 'right')[] = ['left', 'left', ...table.columns.map(() => 'right' as const), 'right'];
  const rows = table.rows.map((row) => [
    row.isBaseline && table.rows.length > 1 ? `${row.label} (baseline)` : row.label,
    row.safe ? 'yes' : 'no',
    ...table.columns.map((column) => {
      const stat = row.values[column.id];
      if (!stat) return MISSING;
      const value = formatFigure(column, stat.median);
      const parts = [row.best.includes(column.id) ? mark(value) : value];
      if (stat.n > 1 && stat.min !== stat.max) parts.push(`[${formatFigure(column, stat.min)}–${formatFigure(column, stat.max)}]`);
      const delta = formatDelta(column, row.delta[column.id]);
      // An unchanged count (`±0`) in every cell would bury the deltas that matter.
      if (delta && delta !== '±0') parts.push(delta);
      return parts.join(' ');
    }),
    `${row.checks.passed}/${row.checks.total}`,
  ]);
  return { head, rows, align };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/**
 * One or two plain sentences about a strategy whose checks say something beyond "safe and
 * passed": an unsafe strategy that was caught (`none double-booked 3 seats: the checks caught the
 * race…`), an unsafe one that showed no race (`none did not show a race in this run…`), or a
 * safe one that failed (a regression). `undefined` for a safe strategy whose checks all passed.
 */
export function expectationSentence(row: CompareRow): string | undefined {
  const runs = row.runs === 1 ? 'this run' : `these ${row.runs} runs`;
  const ids = (filter: (v: CompareRow['notPassed'][number]) => boolean): string =>
    row.notPassed.filter(filter).map((n) => n.id).join(', ');
  switch (row.expectation) {
    case 'as-expected':
      return undefined;
    case 'safe-failed': {
      const which = row.notPassed.map((n) => `${n.id} (${n.verdict}${row.runs > 1 ? ` in ${n.runs} of ${row.runs} runs` : ''})`).join(', ');
      return `${row.label} is declared safe, yet not every check passed in ${runs}: ${which}. This is a regression to investigate.`;
    }
    case 'race-caught': {
      const doubleBooked = row.values.doubleBooked?.max ?? 0;
      const oversold = row.values.oversold?.max ?? 0;
      const harm: string[] = [];
      if (doubleBooked > 0) harm.push(`double-booked ${plural(doubleBooked, 'seat')}`);
      // `oversold` counts confirmed sales beyond the seats, not seats: one seat sold 45 times is 44.
      if (oversold > 0) harm.push(`sold ${plural(oversold, 'ticket')} beyond capacity`);
      const failed = ids((n) => n.verdict === 'fail');
      const what =
        row.runs === 1
          ? harm.length > 0
            ? `${row.label} ${harm.join(' and ')}`
            : `${row.label} failed ${failed}`
          : `${row.label} failed its checks in ${row.runsFailed} of ${row.runs} runs` + (harm.length > 0 ? `, at worst it ${harm.join(' and ')}` : '');
      const detail = row.runs === 1 && harm.length === 0 ? '' : ` (failed: ${failed})`;
      return `${what}: the checks caught the race${detail}. It is unsafe on purpose, so failing its checks is the expected outcome.`;
    }
    case 'race-not-shown': {
      const undecided = ids(() => true);
      const checks = undecided ? `no check failed (could not decide: ${undecided})` : 'every check passed';
      return `${row.label} did not show a race in ${runs}: ${checks}. It is unsafe on purpose, so this is luck of timing, not safety; more VUs, fewer seats or --repeat make the race likelier.`;
    }
  }
}
