/**
 * Writes a run's report files: `<YYYYMMDD-HHMMSS>-<scenario>.json` and `.md` in one directory,
 * with the charts the markdown links beside them: `<base>-latency.svg`, `<base>-tps.svg`,
 * `<base>-distribution.svg`. Never overwrites: a report is the record of a run that cannot be
 * repeated exactly.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunReport } from '../model/run-report.ts';
import { renderRunComparisonJson, renderRunComparisonMarkdown, type RunComparison } from './compare-runs.ts';
import { renderJson } from './json.ts';
import { renderMarkdown, type RunChartLinks } from './markdown.ts';
import { RUN_CHARTS, renderRunChartSvgs, type RunChartKind } from './run-charts.ts';

/** Gives up after this many taken names; far beyond any real collision, it only stops a loop. */
const MAX_SUFFIX = 1000;

/**
 * The UTC timestamp used in report file names, `YYYYMMDD-HHMMSS`, from an ISO date string.
 * Throws a RangeError when `iso` is not a date.
 */
export function fileTimestamp(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new RangeError(`report startedAt is not a date: ${JSON.stringify(iso)}`);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-` +
    `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`
  );
}

/**
 * The file name without extension for a report, e.g. `20250301-140502-contention`. Characters
 * that are unsafe in file names are replaced by `-`.
 */
export function reportBaseName(report: Pick<RunReport, 'startedAt' | 'scenario'>): string {
  const scenario = report.scenario.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '') || 'run';
  return `${fileTimestamp(report.startedAt)}-${scenario}`;
}

function isExists(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'EEXIST';
}

/** Where a report's files were written, joined onto the directory as given. */
export interface ReportPaths {
  readonly json: string;
  readonly markdown: string;
  /** The SVG charts by kind. */
  readonly charts: Readonly<Record<RunChartKind, string>>;
}

/** The chart file names of a report whose files start with `stem`, e.g. `…-contention-latency.svg`. */
export function chartFileNames(stem: string): RunChartLinks {
  return { latency: `${stem}-latency.svg`, tps: `${stem}-tps.svg`, distribution: `${stem}-distribution.svg` };
}

/**
 * Creates every file of a set exclusively (`wx`) in `dir` under the first free stem: `base`,
 * then `base-2`, `base-3`… When any name is taken, the files just written under that stem are
 * removed and the whole set moves on, so its files always share one stem and a concurrent writer
 * is never overwritten. `files(stem)` gives the set's [file name, text] pairs for a stem.
 * @returns the stem used
 */
export async function writeFileSet(dir: string, base: string, files: (stem: string) => readonly (readonly [string, string])[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (let n = 1; n <= MAX_SUFFIX; n++) {
    const stem = n === 1 ? base : `${base}-${n}`;
    const written: string[] = [];
    let taken = false;
    for (const [name, text] of files(stem)) {
      const file = path.join(dir, name);
      try {
        await writeFile(file, text, { flag: 'wx' });
        written.push(file);
      } catch (err) {
        // Files under this stem that we just wrote are ours: remove them so the set moves together.
        await Promise.all(written.map((f) => rm(f, { force: true })));
        if (!isExists(err)) throw err;
        taken = true;
        break;
      }
    }
    if (!taken) return stem;
  }
  throw new Error(`no free report name for ${base} in ${dir} after ${MAX_SUFFIX} attempts`);
}

function chartPaths(dir: string, stem: string): Record<RunChartKind, string> {
  const names = chartFileNames(stem);
  return { latency: path.join(dir, names.latency), tps: path.join(dir, names.tps), distribution: path.join(dir, names.distribution) };
}

/**
 * Writes `report` as JSON, markdown and the three SVG charts the markdown links (latency per
 * second, requests per second, latency distribution) into `dir` (created if needed) and returns
 * the paths (joined onto `dir` as given, so a relative `dir` gives relative paths). When any name
 * is taken, tries `<base>-2`, `<base>-3`... so the files always share one base name; files are
 * created exclusively (`wx`), so a concurrent writer cannot be overwritten either.
 */
export async function writeReport(report: RunReport, dir: string): Promise<ReportPaths> {
  const base = reportBaseName(report);
  const json = renderJson(report);
  const svgs = await renderRunChartSvgs(report);
  const stem = await writeFileSet(dir, base, (s) => {
    const charts = chartFileNames(s);
    return [[`${s}.json`, json], [`${s}.md`, renderMarkdown(report, charts)], ...RUN_CHARTS.map(({ kind }) => [charts[kind], svgs[kind]] as const)];
  });
  return { json: path.join(dir, `${stem}.json`), markdown: path.join(dir, `${stem}.md`), charts: chartPaths(dir, stem) };
}

/**
 * Re-renders the markdown and charts of a saved report (`ticketbench report`) into `dir` as
 * `<base>.md` and `<base>-<chart>.svg`, without a JSON copy: the JSON it came from is the record.
 * Never overwrites, as writeReport: next to the run's own `.md`, the set becomes `<base>-2…`.
 */
export async function writeRenderedReport(report: RunReport, dir: string, base: string): Promise<Omit<ReportPaths, 'json'>> {
  const svgs = await renderRunChartSvgs(report);
  const stem = await writeFileSet(dir, base, (s) => {
    const charts = chartFileNames(s);
    return [[`${s}.md`, renderMarkdown(report, charts)], ...RUN_CHARTS.map(({ kind }) => [charts[kind], svgs[kind]] as const)];
  });
  return { markdown: path.join(dir, `${stem}.md`), charts: chartPaths(dir, stem) };
}

/**
 * Writes a before/after comparison as `<base>.md` and `<base>.json` into `dir` (created if
 * needed), never overwriting (as writeReport). `base` is e.g. `<after>-vs-<before>`.
 */
export async function writeRunComparison(comparison: RunComparison, dir: string, base: string): Promise<{ json: string; markdown: string }> {
  const markdown = renderRunComparisonMarkdown(comparison);
  const json = renderRunComparisonJson(comparison);
  const stem = await writeFileSet(dir, base, (s) => [
    [`${s}.md`, markdown],
    [`${s}.json`, json],
  ]);
  return { json: path.join(dir, `${stem}.json`), markdown: path.join(dir, `${stem}.md`) };
}
