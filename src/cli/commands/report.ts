/**
 * `ticketbench report RUN.json [...]`: re-renders each saved run's markdown and charts.
 * `ticketbench report --compare BEFORE.json AFTER.json`: the before/after table, regressions
 * beyond `--tolerance`, and `<after>-vs-<before>.md` / `.json`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Table from 'cli-table3';
import { ExitCode, TicketbenchError } from '../../errors.ts';
import { compareRuns, DEFAULT_TOLERANCE_PCT, runComparisonCells, runComparisonExitCode, runComparisonVerdict } from '../../report/compare-runs.ts';
import { parseRunReport } from '../../report/run-schema.ts';
import { writeRenderedReport, writeRunComparison } from '../../report/write.ts';
import type { RunReport } from '../../model/run-report.ts';
import type { CliIo } from '../io.ts';

/**
 * Reads and validates a run report file.
 * @throws TicketbenchError INVALID_OPTION (exit 2) naming the file: missing, unreadable, or not a
 *   format-1 run report (see parseRunReport)
 */
export async function readRunReport(file: string): Promise<RunReport> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new TicketbenchError('INVALID_OPTION', `Cannot read run report ${file}: ${why}.`);
  }
  return parseRunReport(text, file);
}

/** The base name a report file's outputs take: the file name without `.json`. */
function baseOf(file: string): string {
  return path.basename(file).replace(/\.json$/i, '') || 'report';
}

/**
 * `--tolerance` as a percentage, e.g. `10` or `10%` → 10.
 * @throws TicketbenchError INVALID_OPTION when it is not a number from 0 to 1000
 */
export function parseTolerance(text: string): number {
  const trimmed = text.trim().replace(/%$/, '');
  const value = trimmed === '' ? NaN : Number(trimmed);
  if (!Number.isFinite(value) || value < 0 || value > 1000) {
    throw new TicketbenchError('INVALID_OPTION', `--tolerance must be a percentage from 0 to 1000, e.g. 10 or 10%, got "${text}".`);
  }
  return value;
}

/**
 * Runs `report` and returns the exit code: without `--compare` 0 once every file is re-rendered;
 * with it, 0 when no regression was flagged, 1 (CHECKS_FAILED) when a check stopped passing and
 * 3 (THRESHOLDS_FAILED) when a figure or threshold got worse beyond the tolerance.
 * Every input is validated before anything is written.
 * @throws TicketbenchError INVALID_OPTION (exit 2) for a missing or invalid file or bad options
 */
export async function reportCommand(files: readonly string[], opts: Record<string, unknown>, io: CliIo): Promise<number> {
  const outDir = opts['out'] === undefined ? undefined : String(opts['out']);
  if (!opts['compare']) {
    if (opts['tolerance'] !== undefined) throw new TicketbenchError('INVALID_OPTION', '--tolerance applies only with --compare BEFORE.json AFTER.json.');
    const reports = [];
    for (const file of files) reports.push({ file, report: await readRunReport(file) });
    for (const { file, report } of reports) {
      const paths = await writeRenderedReport(report, outDir ?? path.dirname(file), baseOf(file));
      io.stdout.write(`report  ${paths.markdown}\n${Object.values(paths.charts).map((c) => `chart   ${c}\n`).join('')}`);
    }
    return ExitCode.OK;
  }

  if (files.length !== 2) {
    throw new TicketbenchError('INVALID_OPTION', `report --compare takes two run reports, BEFORE.json AFTER.json; got ${files.length}.`);
  }
  const tolerancePct = opts['tolerance'] === undefined ? DEFAULT_TOLERANCE_PCT : parseTolerance(String(opts['tolerance']));
  const [beforeFile, afterFile] = files as [string, string];
  const before = await readRunReport(beforeFile);
  const after = await readRunReport(afterFile);
  const comparison = compareRuns(before, after, tolerancePct, { before: baseOf(beforeFile), after: baseOf(afterFile) });

  const cells = runComparisonCells(comparison);
  const table = new Table({ head: cells.head, style: { head: [], border: [], compact: true }, colAligns: cells.align });
  for (const row of cells.rows) table.push(row);
  const lines = [`before  ${beforeFile}`, `after   ${afterFile}`, ...comparison.warnings.map((w) => `warning: ${w} (the runs may not be comparable)`), table.toString(), runComparisonVerdict(comparison)];
  const paths = await writeRunComparison(comparison, outDir ?? path.dirname(afterFile), `${comparison.after.name}-vs-${comparison.before.name}`);
  lines.push(`report  ${paths.markdown}`, `json    ${paths.json}`);
  io.stdout.write(`${lines.join('\n')}\n`);
  return runComparisonExitCode(comparison);
}
