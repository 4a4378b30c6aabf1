/**
 * Writes a comparison's files into one folder: `<YYYYMMDD-HHMMSS>-compare-<scenario>.md` and
 * `.json`, plus `…-latency-<strategy>.svg` per strategy and `…-latency.svg` for all of them.
 * Never overwrites (as write.ts): every file is created exclusively, and when any name is taken
 * the whole set moves to `<base>-2`, `<base>-3`… so the files always share one base name.
 */
import path from 'node:path';
import type { CompareResult, ComparePaths } from '../model/compare.ts';
import { renderCombinedLatencyChartSvg, renderLatencyChartSvg } from './compare-chart.ts';
import { renderCompareJson } from './compare-json.ts';
import { renderCompareMarkdown } from './compare-markdown.ts';
import { reportBaseName, writeFileSet } from './write.ts';

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
  const namesFor = (stem: string) => ({
    charts: parts.map((part) => `${stem}-latency-${part}.svg`),
    combined: combinedSvg === undefined ? undefined : `${stem}-latency.svg`,
  });
  const stem = await writeFileSet(dir, base, (candidate) => {
    const names = namesFor(candidate);
    const markdown = renderCompareMarkdown(result, {
      byLabel: Object.fromEntries(rows.map((row, i) => [row.label, names.charts[i]!])),
      ...(names.combined ? { combined: names.combined } : {}),
    });
    return [
      [`${candidate}.json`, json],
      [`${candidate}.md`, markdown],
      ...names.charts.map((name, i): [string, string] => [name, svgs[i]!]),
      ...(names.combined && combinedSvg ? [[names.combined, combinedSvg] as [string, string]] : []),
    ];
  });
  const names = namesFor(stem);
  return {
    json: path.join(dir, `${stem}.json`),
    markdown: path.join(dir, `${stem}.md`),
    charts: [...names.charts, ...(names.combined ? [names.combined] : [])].map((name) => path.join(dir, name)),
  };
}
