/**
 * Renders a RunReport as a markdown performance report meant to be published as is (GitHub
 * flavoured tables). Pure: the same report always gives the same text.
 */
import type { CheckResult, EvidenceRow } from '../checks/types.ts';
import { isArrivalRate } from '../engine/executors/index.ts';
import type { LatencySummary } from '../engine/types.ts';
import { MYSQL_STATUS_COUNTERS, THREADS_CONNECTED_MAX } from '../observe/mysql-status.ts';
import { SALE_OPERATION, salesOf } from '../observe/observe-run.ts';
import { outcomeWord } from '../model/exit-code.ts';
import type { RunReport } from '../model/run-report.ts';
import { RUN_CHARTS, type RunChartKind } from './run-charts.ts';
import {
  formatCount,
  formatDuration,
  formatExecutor,
  formatGiB,
  formatMs,
  formatNumber,
  formatResult,
  formatRunTally,
  formatThresholdLimit,
  formatThresholdStop,
  formatThresholdValue,
  formatTps,
  formatVerdict,
  sparkline,
} from './format.ts';

/** Seconds per row of the requests-per-second table. */
const TPS_ROW_SECONDS = 10;

/**
 * Makes `value` safe inside a markdown table cell: `|` would end the cell and a newline the row.
 * Accepts any evidence or option value; `null` is shown as `null` because it is often the finding.
 */
export function escapeCell(value: string | number | boolean | null | undefined): string {
  if (value === undefined) return '';
  return String(value)
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, '<br>');
}

/** Chart image files of a run report by kind, as file names relative to the markdown file. */
export type RunChartLinks = Readonly<Record<RunChartKind, string>>;

/** A relative link target: spaces and parentheses would end a markdown link early. */
export function linkTarget(file: string): string {
  return file.replace(/ /g, '%20').replace(/\(/g, '%28').replace(/\)/g, '%29');
}

type Align = 'left' | 'right';

/** A GFM table; cells go in as given, so callers escape raw text (escapeCell) or pass code spans. */
export function table(head: readonly string[], rows: readonly (readonly string[])[], align?: readonly Align[]): string {
  const sep = head.map((_, i) => (align?.[i] === 'right' ? '---:' : '---'));
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(sep), ...rows.map(line)].join('\n');
}

/**
 * Inline code safe in a table cell, e.g. a connection string. Backslashes are literal inside code
 * spans, so only `|` (which GFM lets `\|` escape even there) and newlines are touched.
 */
function code(value: string): string {
  return `\`${value.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')}\``;
}

function latencyRow(name: string, l: LatencySummary): string[] {
  return [
    name,
    formatCount(l.count),
    formatMs(l.minMs),
    formatMs(l.meanMs),
    formatMs(l.p50Ms),
    formatMs(l.p90Ms),
    formatMs(l.p95Ms),
    formatMs(l.p99Ms),
    formatMs(l.maxMs),
  ];
}

function header(report: RunReport): string {
  const lines = [`# ticketbench: ${report.scenario} — ${outcomeWord(report)}`, ''];
  if (report.description) lines.push(`> ${report.description.replace(/\r?\n/g, ' ')}`, '');
  lines.push(
    `**Verdict: ${outcomeWord(report)}** (${formatRunTally(report)}) · ` +
      `${formatTps(report.load.tps)} TPS · p95 ${formatMs(report.load.latency.p95Ms)} ms · ` +
      `${formatCount(report.load.requests)} requests in ${formatDuration(report.load.durationMs)}`,
    '',
    `Run from ${report.startedAt} to ${report.endedAt}.`,
  );
  if (report.aborted) lines.push('', `**Stopped early:** ${escapeCell(report.aborted.reason)}; the checks judged what happened until then.`);
  return lines.join('\n');
}

function settings(report: RunReport): string {
  const rows: string[][] = [['scenario', code(report.scenario)]];
  if (report.profile !== undefined) rows.push(['target profile', code(report.profile)]);
  const skipped = report.checks.filter((c) => c.verdict === 'skipped').map((c) => c.id);
  if (skipped.length > 0) rows.push(['checks skipped (inputs missing from the profile)', escapeCell(skipped.join(', '))]);
  for (const [key, value] of Object.entries(report.options)) rows.push([`option ${code(key)}`, code(String(value))]);
  rows.push(
    ['executor', escapeCell(formatExecutor(report.load.executor))],
    ['target', code(report.connections.target)],
    ['MySQL', code(report.connections.mysql)],
    ['Redis', code(report.connections.redis)],
    ['Kafka', code(report.connections.kafka)],
    ['servers started for this run', report.infraStarted.length > 0 ? escapeCell(report.infraStarted.join(', ')) : 'none'],
  );
  const fixture = Object.entries(report.fixture);
  if (fixture.length > 0) {
    rows.push(['fixture', fixture.map(([k, v]) => `${escapeCell(k)}=${escapeCell(v)}`).join(', ')]);
  }
  return ['## Settings', '', table(['setting', 'value'], rows)].join('\n');
}

function machine(report: RunReport): string {
  const m = report.machine;
  const rows = [
    ['host', `${escapeCell(m.hostname)} (${escapeCell(m.os)})`],
    ['CPU', `${escapeCell(m.cpuModel)}, ${formatCount(m.cores)} cores`],
    ['memory', formatGiB(m.memoryGiB)],
    ['Node.js', escapeCell(m.node)],
    ['ticketbench', escapeCell(m.ticketbench)],
    ['MySQL', escapeCell(m.mysql)],
    ['Redis', escapeCell(m.redis)],
    ['Kafka', escapeCell(m.kafka)],
  ];
  const lines = ['## Machine', '', table(['item', 'value'], rows)];
  if (report.targetSharesMachine) {
    lines.push(
      '',
      `The load generator and the target shared this machine's ${formatCount(m.cores)} cores, ` +
        'so absolute figures are lower than they would be with the two on separate hosts.',
    );
  }
  return lines.join('\n');
}

function throughput(report: RunReport): string {
  const l = report.load;
  const open = isArrivalRate(l.executor);
  const head = ['requests', 'duration', 'TPS', 'iterations completed', 'iterations failed'];
  const row = [formatCount(l.requests), formatDuration(l.durationMs), formatTps(l.tps), formatCount(l.iterations.completed), formatCount(l.iterations.failed)];
  // Closed models cannot drop an iteration, so the column would always read 0 there.
  if (open) {
    head.push('iterations dropped');
    row.push(formatCount(l.droppedIterations));
  }
  const lines = ['## Throughput', '', table(head, [row], head.map(() => 'right'))];
  if (open) {
    lines.push(
      '',
      'Dropped iterations were due on the schedule while every VU was busy (k6 `dropped_iterations`); ' +
        'they were not queued, so the target never saw them. Any drop means the offered rate was not reached.',
    );
  }
  return lines.join('\n');
}

function latency(report: RunReport): string {
  const rows = [latencyRow('**all**', report.load.latency)];
  for (const [name, l] of Object.entries(report.load.latencyByName)) rows.push(latencyRow(escapeCell(name), l));
  const lines = [
    '## Latency (ms)',
    '',
    table(
      ['request', 'count', 'min', 'mean', 'p50', 'p90', 'p95', 'p99', 'max'],
      rows,
      ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
  ];
  const corrected = report.load.latencyCorrected;
  if (corrected) {
    const byName = report.load.latencyCorrectedByName ?? {};
    const sideBySide = [correctedRow('**all**', report.load.latency, corrected)];
    for (const [name, l] of Object.entries(report.load.latencyByName)) {
      const c = byName[name];
      if (c) sideBySide.push(correctedRow(escapeCell(name), l, c));
    }
    const head = ['request'];
    for (const p of ['p50', 'p90', 'p95', 'p99', 'max']) head.push(p, `${p} corrected`);
    lines.push(
      '',
      'Corrected for coordinated omission (as wrk2 measures): each request timed from when it was meant to start — ' +
        "its iteration's scheduled start, or the previous request's completion — rather than from when it was sent. " +
        'A gap between the two is time a request waited before it was sent: a late start, a busy load generator, or work before it in its iteration.',
      '',
      table(head, sideBySide, head.map((_, i) => (i === 0 ? 'left' : 'right'))),
    );
  }
  return lines.join('\n');
}

/** Measured and corrected figures of one request name, alternating per percentile. */
function correctedRow(name: string, measured: LatencySummary, corrected: LatencySummary): string[] {
  const row = [name];
  for (const key of ['p50Ms', 'p90Ms', 'p95Ms', 'p99Ms', 'maxMs'] as const) row.push(formatMs(measured[key]), formatMs(corrected[key]));
  return row;
}

function status(report: RunReport): string {
  const s = report.load.status;
  const lines = [
    '## HTTP status',
    '',
    table(
      ['ok (2xx)', 'conflict (409)', 'error'],
      [[formatCount(s.ok), formatCount(s.conflict), formatCount(s.error)]],
      ['right', 'right', 'right'],
    ),
    '',
    'A conflict is a lost race and is expected under contention; an error is any other non-2xx answer, a timeout or a connection error.',
  ];
  const byStatus = Object.entries(s.byStatus);
  if (byStatus.length > 0) {
    lines.push('', table(['status', 'count'], byStatus.map(([k, n]) => [escapeCell(k), formatCount(n)]), ['left', 'right']));
  }
  return lines.join('\n');
}

/** Per target instance, when the run drove several: what each answered, and when it stopped answering and came back. */
function instances(report: RunReport): string {
  const list = report.load.instances;
  if (!list || list.length === 0) return '';
  const at = (ms: number | undefined) => (ms === undefined ? '—' : formatDuration(ms));
  return [
    '## Target instances',
    '',
    table(
      ['instance', 'answered', 'unanswered', 'first unanswered', 'last unanswered', 'answering again'],
      list.map((i) => [code(i.url), formatCount(i.answered), formatCount(i.unanswered), at(i.firstErrorMs), at(i.lastErrorMs), i.lastErrorMs === undefined ? '—' : at(i.backAtMs)]),
      ['left', 'right', 'right', 'right', 'right', 'right'],
    ),
    '',
    'Each VU starts on instance (VU − 1) mod N and moves to the next one when its instance does not answer at all; times are since the load started. Setup and the server counters use the first instance.',
  ].join('\n');
}

/** The faults injected during the load, as a timeline (Jepsen's nemesis history). */
function nemesis(report: RunReport): string {
  const n = report.nemesis;
  if (!n) return '';
  const s = n.schedule;
  const lines = [
    '## Nemesis',
    '',
    `Faults ${n.faults.map(code).join(', ')}: the first ${formatDuration(s.afterMs)} into the load, each for ${formatDuration(s.faultMs)}, then ${formatDuration(s.healMs)} to recover; seed ${n.seed} (\`--nemesis-seed ${n.seed}\` replays the same choices).`,
    '',
  ];
  if (n.timeline.length === 0) return [...lines, 'The load ended before the first fault was due.'].join('\n');
  lines.push(
    table(
      ['fault', 'target', 'start', 'end', 'ops info', 'first ok after heal', 'what happened'],
      n.timeline.map((f) => [code(f.fault), escapeCell(f.target), formatDuration(f.startMs), formatDuration(f.endMs), formatCount(f.opsInfo), f.firstOkAfterHealMs === null ? 'none' : formatDuration(f.firstOkAfterHealMs), escapeCell(f.detail)]),
      ['left', 'left', 'right', 'right', 'right', 'right', 'left'],
    ),
  );
  return lines.join('\n');
}

function operations(report: RunReport): string {
  const ops = Object.entries(report.load.ops);
  const lines = ['## Operations', ''];
  if (ops.length === 0) return [...lines, 'No operations were recorded.'].join('\n');
  lines.push(
    table(
      ['operation', 'ok', 'fail', 'info'],
      ops.map(([name, o]) => [escapeCell(name), formatCount(o.ok), formatCount(o.fail), formatCount(o.info)]),
      ['left', 'right', 'right', 'right'],
    ),
    '',
    '`ok`: the operation happened. `fail`: it definitely did not happen. `info`: indeterminate — ' +
      'the request timed out or the connection failed, so it may or may not have taken effect; ' +
      'the checks treat it as possibly applied.',
  );
  return lines.join('\n');
}

function results(report: RunReport): string {
  const entries = Object.entries(report.results);
  if (entries.length === 0) return '';
  return [
    '## Scenario results',
    '',
    table(['result', 'value'], entries.map(([name, value]) => [escapeCell(name), escapeCell(formatResult(value))]), ['left', 'right']),
  ].join('\n');
}

/** MySQL counters in the order they are shown; others the report has follow alphabetically. */
const MYSQL_COUNTER_ORDER = [...MYSQL_STATUS_COUNTERS, THREADS_CONNECTED_MAX];

/**
 * "Server-side counters": MySQL status deltas, the target's counter deltas and the ratios per
 * request and per sale, with the caveat that MySQL status is server-wide, and any notes on what
 * could not be observed. Empty when the report has no observation.
 */
export function serverCounters(report: RunReport): string {
  const observed = report.observed;
  if (!observed) return '';
  const lines = [
    '## Server-side counters',
    '',
    "Differences between readings taken before and after the run: MySQL's `SHOW GLOBAL STATUS` from the start to the end of the load, " +
      "the target's `/metrics` counters from the start of the load until after the checks (so the outbox relay and the consumer have handled the run's sales).",
  ];
  const mysql = Object.entries(observed.mysql).sort(([a], [b]) => rank(MYSQL_COUNTER_ORDER, a) - rank(MYSQL_COUNTER_ORDER, b) || a.localeCompare(b));
  if (mysql.length > 0) {
    lines.push(
      '',
      '### MySQL',
      '',
      table(['status counter', 'Δ during the load'], mysql.map(([name, n]) => [code(name), formatResult(n)]), ['left', 'right']),
      '',
      'MySQL status is global: every client of the server counts — the target\'s background work (outbox relay polls, the hold-expiry sweep), ' +
        'other databases on the server and any other program — not only the requests of this run. ticketbench\'s own status reads are taken out of ' +
        '`Queries` and `Questions`. `Threads_connected_max` is the largest `Threads_connected` sampled once a second, not a difference; `Innodb_row_lock_time` is in ms.',
    );
  }
  const target = Object.entries(observed.target);
  if (target.length > 0) {
    lines.push(
      '',
      '### Target counters',
      '',
      table(['series', 'Δ'], target.map(([key, n]) => [code(key), formatResult(n)]), ['left', 'right']),
      '',
      'Counters of the target\'s `/metrics` that changed (histograms by their `_count` and `_sum`; seconds in `_seconds` series), keyed `name{label="value",…}`.',
    );
  }
  const ratios = Object.entries(observed.perReservation);
  if (ratios.length > 0) {
    lines.push(
      '',
      '### Per request and per sale',
      '',
      table(['ratio', 'value'], ratios.map(([name, n]) => [code(name), formatNumber(n, 2)]), ['left', 'right']),
      '',
      `Per request: divided by the ${formatCount(report.load.requests)} requests sent. ` +
        `Per sale: divided by the ${formatCount(salesOf(report.load))} acknowledged payments (\`${SALE_OPERATION}\` operations that were \`ok\`).`,
    );
  }
  if (observed.notes.length > 0) lines.push('', ...observed.notes.map((note) => `- Not observed: ${escapeCell(note)}`));
  return lines.join('\n');
}

/** Position of `name` in `order`, or past its end when absent. */
function rank(order: readonly string[], name: string): number {
  const i = order.indexOf(name);
  return i === -1 ? order.length : i;
}

function tpsSeries(report: RunReport): string {
  const series = report.load.tpsSeries;
  const lines = ['## Requests per second', ''];
  if (series.length === 0) return [...lines, 'No per-second samples were recorded.'].join('\n');
  const peak = Math.max(...series);
  lines.push(
    `\`${sparkline(series)}\` (peak ${formatCount(peak)}/s over ${formatCount(series.length)} s)`,
    '',
  );
  const head = ['second'];
  for (let i = 0; i < Math.min(TPS_ROW_SECONDS, series.length); i++) head.push(`+${i}`);
  const rows: string[][] = [];
  for (let start = 0; start < series.length; start += TPS_ROW_SECONDS) {
    const chunk = series.slice(start, start + TPS_ROW_SECONDS).map(formatCount);
    while (chunk.length < head.length - 1) chunk.push('');
    rows.push([String(start), ...chunk]);
  }
  lines.push(table(head, rows, head.map(() => 'right')));
  return lines.join('\n');
}

/** Column names of evidence rows, in order of first appearance (rows may differ in shape). */
function evidenceColumns(rows: readonly EvidenceRow[]): string[] {
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  return columns;
}

function checkDetail(check: CheckResult): string {
  const lines = [`### ${formatVerdict(check.verdict)}: ${check.title.replace(/\r?\n/g, ' ')} (\`${check.id}\`)`, '', check.summary];
  const counts = Object.entries(check.counts);
  if (counts.length > 0) {
    lines.push(
      '',
      table(
        counts.map(([k]) => escapeCell(k)),
        [counts.map(([, n]) => formatCount(n))],
        counts.map(() => 'right'),
      ),
    );
  }
  if (check.evidence.length > 0) {
    const columns = evidenceColumns(check.evidence);
    lines.push(
      '',
      `Evidence (${formatCount(check.evidence.length)} of ${formatCount(Math.max(check.evidenceTotal, check.evidence.length))} offending rows):`,
      '',
      table(
        columns.map(escapeCell),
        check.evidence.map((row) => columns.map((c) => escapeCell(row[c]))),
      ),
    );
  }
  const hidden = check.evidenceTotal - check.evidence.length;
  if (hidden > 0) lines.push('', `${formatCount(hidden)} more not shown.`);
  return lines.join('\n');
}

function checks(report: RunReport): string {
  const lines = ['## Checks', ''];
  if (report.checks.length === 0) return [...lines, 'No checks ran.'].join('\n');
  lines.push(
    table(
      ['check', 'verdict', 'summary'],
      report.checks.map((c) => [
        `${escapeCell(c.title)} (${code(c.id)})`,
        c.verdict === 'pass' ? 'PASS' : `**${formatVerdict(c.verdict)}**`,
        escapeCell(c.summary),
      ]),
    ),
  );
  for (const c of report.checks) lines.push('', checkDetail(c));
  return lines.join('\n');
}

function chartsSection(links: RunChartLinks | undefined): string {
  if (!links) return '';
  const lines = ['## Charts'];
  for (const { kind, alt } of RUN_CHARTS) lines.push('', `![${alt}](${linkTarget(links[kind])})`);
  return lines.join('\n');
}

function thresholds(report: RunReport): string {
  if (report.thresholds.length === 0) return '';
  const rows = report.thresholds.map((t) => [
    code(t.expression),
    escapeCell(formatThresholdValue(t.actual, t.unit)),
    escapeCell(formatThresholdLimit(t)),
    (t.passed ? 'PASS' : '**FAIL**') + formatThresholdStop(t),
    t.source,
  ]);
  return [
    '## Thresholds',
    '',
    table(['threshold', 'measured', 'limit', 'result', 'source'], rows, ['left', 'right', 'left', 'left', 'left']),
    '',
    'Thresholds judge speed (k6 syntax) and are reported apart from the checks, which judge correctness. ' +
      '`errors` is the share of requests answered with an error: any non-2xx but 409 (a lost race), a timeout or a connection error. ' +
      'A threshold with no samples fails.',
  ].join('\n');
}

/**
 * Renders the whole report as markdown: title with scenario and verdict, settings, machine (with
 * a caveat when load generator and target shared it), throughput (with dropped iterations in open
 * models), latency per request name (measured and coordinated-omission corrected side by side in
 * open models), HTTP status, operations, server-side counters when observed, requests per second, the charts when `charts` names
 * their files (latency per second, requests per second, latency distribution) and every check
 * with its counts and evidence.
 * The thresholds (expression, measured value, limit, result, source) come last.
 * Ends with a newline.
 */
export function renderMarkdown(report: RunReport, charts?: RunChartLinks): string {
  return (
    [
      header(report),
      settings(report),
      machine(report),
      throughput(report),
      latency(report),
      status(report),
      instances(report),
      nemesis(report),
      operations(report),
      results(report),
      serverCounters(report),
      tpsSeries(report),
      chartsSection(charts),
      checks(report),
      thresholds(report),
    ]
      .filter((section) => section !== '')
      .join('\n\n') + '\n'
  );
}
