/**
 * Writes a run's report files: `<YYYYMMDD-HHMMSS>-<scenario>.json` and `.md` in one directory.
 * Never overwrites: a report is the record of a run that cannot be repeated exactly.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunReport } from '../run/types.ts';
import { renderJson } from './json.ts';
import { renderMarkdown } from './markdown.ts';

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

/**
 * Writes `report` as JSON then markdown into `dir` (created if needed) and returns both paths
 * (joined onto `dir` as given, so a relative `dir` gives relative paths). When either name is
 * taken, tries `<base>-2`, `<base>-3`... so the two files always share one base name; files are
 * created exclusively (`wx`), so a concurrent writer cannot be overwritten either.
 */
export async function writeReport(report: RunReport, dir: string): Promise<{ json: string; markdown: string }> {
  const base = reportBaseName(report);
  const json = renderJson(report);
  const markdown = renderMarkdown(report);
  await mkdir(dir, { recursive: true });
  for (let n = 1; n <= MAX_SUFFIX; n++) {
    const stem = path.join(dir, n === 1 ? base : `${base}-${n}`);
    const paths = { json: `${stem}.json`, markdown: `${stem}.md` };
    try {
      await writeFile(paths.json, json, { flag: 'wx' });
    } catch (err) {
      if (isExists(err)) continue;
      throw err;
    }
    try {
      await writeFile(paths.markdown, markdown, { flag: 'wx' });
    } catch (err) {
      // The JSON under this name is ours and just written: remove it so the pair moves together.
      await rm(paths.json, { force: true });
      if (isExists(err)) continue;
      throw err;
    }
    return paths;
  }
  throw new Error(`no free report name for ${base} in ${dir} after ${MAX_SUFFIX} attempts`);
}
