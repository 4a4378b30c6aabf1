/**
 * Latency charts of a comparison as SVG, drawn by vega-lite (spec) and vega (server-side SVG,
 * no canvas, no browser): one bar chart of p50/p90/p95/p99/max per strategy and one grouped
 * chart of all strategies. The specs are pure data, so tests can read them; only the SVG
 * rendering runs vega.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { CompareRow, CompareTable } from '../model/compare.ts';

/** The percentiles drawn, in order, with the LatencyProfile field each comes from. */
const PERCENTILES = [
  ['p50', 'p50Ms'],
  ['p90', 'p90Ms'],
  ['p95', 'p95Ms'],
  ['p99', 'p99Ms'],
  ['max', 'maxMs'],
] as const;

/** One bar: a strategy's percentile in ms. */
interface ChartDatum {
  readonly strategy: string;
  readonly percentile: string;
  readonly ms: number;
}

function data(rows: readonly CompareRow[]): ChartDatum[] {
  return rows.flatMap((row) =>
    PERCENTILES.filter(([, field]) => Number.isFinite(row.latency[field])).map(([percentile, field]) => ({
      strategy: row.label,
      percentile,
      // Two decimals, as the tables print them; more would only make the SVG differ run to run.
      ms: Math.round(row.latency[field] * 100) / 100,
    })),
  );
}

function subtitle(table: CompareTable, row?: CompareRow): string {
  const runs = row ? row.runs : table.repeat;
  return runs > 1 ? `${table.scenario} · median of ${runs} runs per percentile` : `${table.scenario} · one run`;
}

const ORDER = PERCENTILES.map(([p]) => p);

/**
 * The vega-lite spec of one strategy's latency chart: bars p50, p90, p95, p99, max (ms, medians
 * over the strategy's runs) with the value printed on each bar, titled with the strategy label.
 */
export function latencyChartSpec(table: CompareTable, row: CompareRow): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${row.label}: latency (ms)`, subtitle: subtitle(table, row) },
    width: 320,
    height: 200,
    background: 'white',
    data: { values: data([row]) },
    encoding: {
      x: { field: 'percentile', type: 'ordinal', sort: ORDER, title: null, axis: { labelAngle: 0 } },
      y: { field: 'ms', type: 'quantitative', title: 'ms' },
    },
    layer: [
      { mark: { type: 'bar', color: row.safe ? '#4c78a8' : '#e45756' } },
      { mark: { type: 'text', dy: -6, fontSize: 11 }, encoding: { text: { field: 'ms', type: 'quantitative', format: ',.2~f' } } },
    ],
  };
}

/**
 * The vega-lite spec of every strategy side by side: for each percentile, one bar per strategy
 * (colour = strategy label), ms.
 */
export function combinedLatencyChartSpec(table: CompareTable): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Latency by strategy (ms)', subtitle: subtitle(table) },
    width: 120 + 60 * table.rows.length,
    height: 220,
    background: 'white',
    data: { values: data(table.rows) },
    mark: 'bar',
    encoding: {
      x: { field: 'percentile', type: 'ordinal', sort: ORDER, title: null, axis: { labelAngle: 0 } },
      xOffset: { field: 'strategy', type: 'nominal', sort: table.rows.map((r) => r.label) },
      y: { field: 'ms', type: 'quantitative', title: 'ms' },
      color: { field: 'strategy', type: 'nominal', sort: table.rows.map((r) => r.label), title: 'strategy' },
      tooltip: [{ field: 'strategy' }, { field: 'percentile' }, { field: 'ms', format: ',.2f' }],
    },
  };
}

/** Renders a vega-lite spec to an SVG document (a string starting with `<svg`). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = compile(spec);
  // renderer 'none': no canvas or DOM is needed to produce SVG text on the server.
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** One strategy's latency chart as SVG (see latencyChartSpec). */
export function renderLatencyChartSvg(table: CompareTable, row: CompareRow): Promise<string> {
  return renderSvg(latencyChartSpec(table, row));
}

/** Every strategy's latency in one SVG (see combinedLatencyChartSpec). */
export function renderCombinedLatencyChartSvg(table: CompareTable): Promise<string> {
  return renderSvg(combinedLatencyChartSpec(table));
}
