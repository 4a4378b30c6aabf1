/**
 * Renders a comparison (CompareResult) as a markdown report meant to be published as is: the
 * table with the best values in bold and deltas against the baseline, a plain sentence for each
 * strategy whose checks say more than "passed", latency charts (SVG files next to the report),
 * the common settings, the machine and every run. Pure: the same input gives the same text.
 */
import path from 'node:path';
import { compareCells, expectationSentence, regressions, rowNoun } from './compare-table.ts';
import { VARY_OPTION_KEYS, type CompareResult } from '../model/compare.ts';
import { escapeCell, linkTarget, table } from './markdown.ts';
import { formatCheckTally, formatCount, formatExecutor, formatGiB, formatMs, formatThresholdLimit, formatThresholdValue, formatTps, formatVerdict } from './format.ts';

/** Chart files to reference, by file name relative to the markdown file. */
export interface CompareChartLinks {
  /** Per strategy label. */
  readonly byLabel: Readonly<Record<string, string>>;
  readonly combined?: string;
}

function header(result: CompareResult): string {
  const t = result.table;
  const first = result.runs[0]?.report;
  const failed = regressions(t);
  const lines = [`# ticketbench compare: ${result.scenario} — ${t.rows.map((r) => r.label).join(', ')}`, ''];
  if (first?.description) lines.push(`> ${first.description.replace(/\r?\n/g, ' ')}`, '');
  lines.push(
    failed.length === 0
      ? `**Every ${rowNoun(t)} declared safe passed every check.**`
      : `**FAIL: ${failed.join(', ')} ${failed.length === 1 ? 'is' : 'are'} declared safe but did not pass every check.**`,
    '',
    `Each strategy ran ${result.repeat === 1 ? 'once' : `${result.repeat} times`}, one after another` +
      (result.repeat > 1 ? ' and interleaved (A B C A B C …) so that drift affects all alike' : '') +
      ', each time on fresh data against a freshly started bundled target, with identical settings. ' +
      `${result.runs.length} run(s) from ${result.startedAt} to ${result.endedAt}.`,
  );
  if (result.interrupted) lines.push('', '**Interrupted:** not every planned run was made; the figures cover the runs that were.');
  return lines.join('\n');
}

function comparison(result: CompareResult): string {
  const t = result.table;
  const cells = compareCells(t, (text) => `**${text}**`);
  const legend = [
    '**Bold**: best in its column (highest TPS; lowest latency, errors, retries, oversold and double-booked seats).',
    t.repeat > 1 ? ` Each figure is the median over a strategy's runs; \`[min–max]\` is the spread when runs differed.` : '',
    t.baseline && t.rows.length > 1 ? ` The delta after a figure is against the baseline \`${escapeCell(t.baseline)}\`: in % for TPS and latencies, a difference for counts.` : '',
    ' Retries are the target\'s own (`results.targetRetries`, — when the scenario does not report them); oversold and double-booked seats come from the `double-booking` check; checks are passed/total' +
      (t.repeat > 1 ? ' summed over the runs.' : '.'),
  ].join('');
  return [
    '## Comparison',
    '',
    table(cells.head.map(escapeCell), cells.rows.map((row) => row.map(escapeCell)), cells.align),
    '',
    legend,
  ].join('\n');
}

function findings(result: CompareResult): string {
  const sentences = result.table.rows.map(expectationSentence).filter((s): s is string => s !== undefined);
  const lines = ['## What the checks showed', ''];
  if (sentences.length === 0) return [...lines, 'Every strategy passed every check.'].join('\n');
  for (const s of sentences) lines.push(`- ${escapeCell(s)}`);
  const unsafe = result.table.rows.filter((r) => !r.safe).map((r) => `\`${r.label}\``);
  if (unsafe.length > 0) {
    lines.push('', `Unsafe strategies (${unsafe.join(', ')}) exist to show that the checks catch a race; their failed checks do not fail the comparison.`);
  }
  return lines.join('\n');
}

/** Every run's thresholds (speed), apart from the checks; `''` when no run had any. */
function thresholds(result: CompareResult): string {
  if (result.runs.every((r) => r.report.thresholds.length === 0)) return '';
  const rows = result.runs.flatMap((r) =>
    r.report.thresholds.map((t) => [
      escapeCell(r.label) + (result.repeat > 1 ? ` (round ${r.round})` : ''),
      `\`${escapeCell(t.expression)}\``,
      escapeCell(formatThresholdValue(t.actual, t.unit)),
      escapeCell(formatThresholdLimit(t)),
      t.passed ? 'PASS' : '**FAIL**',
    ]),
  );
  return [
    '## Thresholds',
    '',
    table(['strategy', 'threshold', 'measured', 'limit', 'result'], rows, ['left', 'left', 'right', 'left', 'left']),
    '',
    'Applied to each run, unsafe strategies included; a failed threshold makes the comparison exit 3 unless a strategy declared safe failed a check (exit 1).',
  ].join('\n');
}

function charts(result: CompareResult, links: CompareChartLinks): string {
  const lines = ['## Latency', ''];
  for (const row of result.table.rows) {
    const file = links.byLabel[row.label];
    if (file) lines.push(`![${escapeCell(row.label)} latency percentiles](${linkTarget(file)})`, '');
  }
  if (links.combined) lines.push(`![latency percentiles of every strategy](${linkTarget(links.combined)})`, '');
  const l = result.table.rows;
  lines.push(
    table(
      ['strategy', 'p50', 'p90', 'p95', 'p99', 'max'],
      l.map((r) => [escapeCell(r.label), formatMs(r.latency.p50Ms), formatMs(r.latency.p90Ms), formatMs(r.latency.p95Ms), formatMs(r.latency.p99Ms), formatMs(r.latency.maxMs)]),
      ['left', 'right', 'right', 'right', 'right', 'right'],
    ),
    '',
    'Milliseconds, every request of the run' + (result.repeat > 1 ? '; each figure the median over the runs.' : '.'),
  );
  return lines.join('\n');
}

function settings(result: CompareResult): string {
  const first = result.runs[0]?.report;
  if (!first) return '';
  const rows: string[][] = [
    ['scenario', `\`${escapeCell(result.scenario)}\``],
    ['executor', escapeCell(formatExecutor(first.load.executor))],
  ];
  const varied = result.varied ? VARY_OPTION_KEYS[result.varied] : result.strategyKind === 'wallet' ? 'walletStrategy' : 'strategy';
  for (const [key, value] of Object.entries(first.options)) {
    // The strategy differs per run by design; it is the table's first column.
    if (key !== varied) rows.push([`option \`${escapeCell(key)}\``, `\`${escapeCell(String(value))}\``]);
  }
  rows.push(
    [result.varied === 'cache' ? 'cache' : result.strategyKind === 'wallet' ? 'wallet strategies' : 'strategies', result.labels.map((l) => `\`${escapeCell(l)}\``).join(', ')],
    ['runs per strategy', formatCount(result.repeat)],
    ['baseline', result.table.baseline ? `\`${escapeCell(result.table.baseline)}\`` : 'none'],
    ['MySQL', `\`${escapeCell(first.connections.mysql)}\``],
    ['Redis', `\`${escapeCell(first.connections.redis)}\``],
    ['Kafka', `\`${escapeCell(first.connections.kafka)}\``],
  );
  return ['## Settings', '', table(['setting', 'value'], rows)].join('\n');
}

function machine(result: CompareResult): string {
  const first = result.runs[0]?.report;
  if (!first) return '';
  const m = first.machine;
  const lines = [
    '## Machine',
    '',
    table(
      ['item', 'value'],
      [
        ['host', `${escapeCell(m.hostname)} (${escapeCell(m.os)})`],
        ['CPU', `${escapeCell(m.cpuModel)}, ${formatCount(m.cores)} cores`],
        ['memory', formatGiB(m.memoryGiB)],
        ['Node.js', escapeCell(m.node)],
        ['MySQL', escapeCell(m.mysql)],
        ['Redis', escapeCell(m.redis)],
        ['Kafka', escapeCell(m.kafka)],
      ],
    ),
    '',
  ];
  lines.push(
    result.runs.every((r) => r.report.targetSharesMachine)
      ? `The load generator and the target shared this machine's ${formatCount(m.cores)} cores (as did MySQL, Redis and Kafka), ` +
          'so absolute figures are lower than on separate hosts; the comparison between strategies is what this report is for.'
      : `The machine has ${formatCount(m.cores)} cores.`,
  );
  return lines.join('\n');
}

function runs(result: CompareResult): string {
  return [
    '## Runs',
    '',
    table(
      ['#', 'strategy', 'round', 'verdict', 'checks', 'TPS', 'p95 ms', 'report'],
      result.runs.map((r, i) => [
        String(i + 1),
        escapeCell(r.label),
        String(r.round),
        formatVerdict(r.report.verdict),
        escapeCell(formatCheckTally(r.report.checks.map((c) => c.verdict))),
        formatTps(r.report.load.tps),
        formatMs(r.report.load.latency.p95Ms),
        r.paths ? `[${escapeCell(path.basename(r.paths.markdown))}](${linkTarget(path.basename(r.paths.markdown))})` : '',
      ]),
      ['right', 'left', 'right', 'left', 'left', 'right', 'right', 'left'],
    ),
  ].join('\n');
}

/**
 * The whole comparison as markdown: title, outcome line, the table, what the checks showed
 * (one sentence per unsafe strategy, or per safe strategy that failed), latency charts from
 * `links` (file names relative to the report) with their figures, settings, machine and every
 * run with a link to its own report. Ends with a newline.
 */
export function renderCompareMarkdown(result: CompareResult, links: CompareChartLinks = { byLabel: {} }): string {
  return (
    [header(result), comparison(result), findings(result), thresholds(result), charts(result, links), settings(result), machine(result), runs(result)]
      .filter((s) => s !== '')
      .join('\n\n') + '\n'
  );
}
