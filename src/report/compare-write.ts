/**
 * Writes a comparison's files into one folder: `<YYYYMMDD-HHMMSS>-compare-<scenario>.md` and
 * `.json`, plus `…-latency-<strategy>.svg` per strategy and `…-latency.svg` for all of them.
 * Never overwrites (as write.ts): every file is created exclusively, and when any name is taken
 * the whole set moves to `<base>-2`, `<base>-3`… so the files always share one base name.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CompareResult, ComparePaths } from '../compare/types.ts';
import { renderCombinedLatencyChartSvg, renderLatencyChartSvg } from './compare-chart.ts';
import { renderCompareJson } from './compare-json.ts';
import { renderCompareMarkdown } from './compare-markdown.ts';
import { reportBaseName } from './write.ts';

/** Gives up after this many taken names; far beyond any real collision, it only stops a loop. */
const MAX_SUFFIX = 1000;

/** The base file name of a comparison, e.g. `20250301-140502-compare-contention`. */
export function compareBaseName(result: Pick<CompareResult, 'startedAt' | 'scenario'>): string {
  return reportBaseName({ startedAt: result.startedAt, scenario: `compare-${result.scenario}` });
}

/**
 * File-name parts for strategy labels, safe on any file system and distinct from each other,
 * e.g. `['redis-lock', 'redis-lock#2']` → `['redis-lock', 'redis-lock-2']`.
 */
export function chartFileParts(labels: readonly string[]): string[] {
  const used = new Set<string>();
  return labels.map((label) => {
    const base = label.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+|-+$/g, '') || 'strategy';
    let part = base;
    for (let n = 2; used.has(part); n++) part = `${base}-${n}`;
    used.add(part);
    return part;
  });
}

function isExists(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'EEXIST';
}

/**
 * Renders the charts, then writes JSON, markdown and SVGs into `dir` (created if needed).
 * Returns the paths, joined onto `dir` as given.
 */
export async function writeCompareReport(result: CompareResult, dir: string): Promise<ComparePaths> {
  const rows = result.table.rows;
  const parts = chartFileParts(rows.map((r) => r.label));
  const svgs = await Promise.all(rows.map((row) => renderLatencyChartSvg(result.table, row)));
  const combinedSvg = rows.length > 1 ? await renderCombinedLatencyChartSvg(result.table) : undefined;
  const json = renderCompareJson(result);
  const base = compareBaseName(result);
  await mkdir(dir, { recursive: true });

  for (let n = 1; n <= MAX_SUFFIX; n++) {
    const stem = n === 1 ? base : `${base}-${n}`;
    const chartNames = parts.map((part) => `${stem}-latency-${part}.svg`);
    const combinedName = combinedSvg === undefined ? undefined : `${stem}-latency.svg`;
    const markdown = renderCompareMarkdown(result, {
      byLabel: Object.fromEntries(rows.map((row, i) => [row.label, chartNames[i]!])),
      ...(combinedName ? { combined: combinedName } : {}),
    });
    const files: [string, string][] = [
      [`${stem}.json`, json],
      [`${stem}.md`, markdown],
      ...chartNames.map((name, i): [string, string] => [name, svgs[i]!]),
      ...(combinedName && combinedSvg ? [[combinedName, combinedSvg] as [string, string]] : []),
    ];
    const written: string[] = [];
    let taken = false;
    for (const [name, text] of files) {
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
    if (taken) continue;
    return {
      json: path.join(dir, `${stem}.json`),
      markdown: path.join(dir, `${stem}.md`),
      charts: [...chartNames, ...(combinedName ? [combinedName] : [])].map((name) => path.join(dir, name)),
    };
  }
  throw new Error(`no free report name for ${base} in ${dir} after ${MAX_SUFFIX} attempts`);
}
