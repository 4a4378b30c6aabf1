/**
 * The charts of one run's report as vega-lite specs: latency percentiles per second, requests
 * per second, and the latency distribution. The specs are pure data built from the RunReport, so
 * tests can read them; rendering to SVG goes through compare-chart.ts's `renderSvg`.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { RunReport } from '../model/run-report.ts';
import { formatCount, formatDuration, formatTps } from './format.ts';

/** The charts of a run report, in the order the markdown shows them. */
export type RunChartKind = 'latency' | 'tps' | 'distribution';

/** Each chart's kind and the alt text the markdown gives its image. */
export const RUN_CHARTS: readonly { readonly kind: RunChartKind; readonly alt: string }[] = [
  { kind: 'latency', alt: 'Latency percentiles p50, p95 and p99 per second of the run (ms)' },
  { kind: 'tps', alt: 'Requests completed per second of the run (TPS)' },
  { kind: 'distribution', alt: 'Latency distribution of every request (ms, log scale)' },
];

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const WIDTH = 560;
const HEIGHT = 220;
const PERCENTILES = [
  ['p50', 'p50Ms'],
  ['p95', 'p95Ms'],
  ['p99', 'p99Ms'],
] as const;
const PERCENTILE_COLOURS = ['#4c78a8', '#f58518', '#e45756'];

/** Microsecond precision is all HDR recorded; more digits would only make SVGs differ run to run. */
function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** Title left-aligned so that a long subtitle widens the image to the right only, never past the plot on the left. */
function title(text: string, report: RunReport, what: string): { text: string; subtitle: string[]; anchor: 'start' } {
  return { text, subtitle: [`${report.scenario}, run started ${report.startedAt}`, what], anchor: 'start' };
}

/**
 * The x axis of the time series: time since the load started, s. Each second's point sits in
 * the middle of its second, so a run of one second still has a point inside a 0..1 s axis.
 */
function timeAxis(seconds: number) {
  return {
    field: 't',
    type: 'quantitative' as const,
    title: 'time since the load started (s)',
    scale: { domain: [0, Math.max(1, seconds)], nice: false },
    axis: { tickMinStep: 1, format: 'd' },
  };
}

/**
 * Line chart of p50/p95/p99 (ms) of the requests completed in each second of the run
 * (`load.latencySeries`; seconds without completions have no point). A report written before
 * the series was recorded gets an empty chart that says so.
 */
export function latencyOverTimeSpec(report: RunReport): TopLevelSpec {
  const series = report.load.latencySeries;
  const values = (series ?? []).flatMap((s, second) =>
    s.count === 0 ? [] : PERCENTILES.map(([percentile, field]) => ({ t: second + 0.5, second, percentile, ms: roundMs(s[field]) })),
  );
  const seconds = series?.length ?? report.load.tpsSeries.length;
  return shadedByFaults(report, seconds, {
    $schema: SCHEMA,
    title: title('Latency per second (ms)', report, series ? `p50 / p95 / p99 of the requests completed in each second${faultNote(report)}` : 'not recorded in this report'),
    width: WIDTH,
    height: HEIGHT,
    background: 'white',
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: timeAxis(seconds),
      y: { field: 'ms', type: 'quantitative', title: 'ms' },
      color: {
        field: 'percentile',
        type: 'nominal',
        title: 'percentile',
        scale: { domain: PERCENTILES.map(([p]) => p), range: PERCENTILE_COLOURS },
      },
      tooltip: [{ field: 'second' }, { field: 'percentile' }, { field: 'ms', format: ',.3~f' }],
    },
  });
}

/** Line chart of the requests completed in each second of the run (`load.tpsSeries`). */
export function tpsOverTimeSpec(report: RunReport): TopLevelSpec {
  const series = report.load.tpsSeries;
  return shadedByFaults(report, series.length, {
    $schema: SCHEMA,
    title: title('Requests per second (TPS)', report, `requests completed in each second; mean ${formatTps(report.load.tps)}/s over ${formatDuration(report.load.durationMs)}${faultNote(report)}`),
    width: WIDTH,
    height: HEIGHT,
    background: 'white',
    data: { values: series.map((requests, second) => ({ t: second + 0.5, second, requests })) },
    mark: { type: 'line', point: true, color: '#4c78a8' },
    encoding: {
      x: timeAxis(series.length),
      y: { field: 'requests', type: 'quantitative', title: 'requests completed' },
      tooltip: [{ field: 'second' }, { field: 'requests' }],
    },
  });
}

const FAULT_COLOURS = ['#bab0ac', '#eeca3b', '#b279a2', '#9d755d', '#72b7b2', '#54a24b', '#ff9da6', '#79706e', '#d67195', '#439894'];

function faultNote(report: RunReport): string {
  return report.nemesis && report.nemesis.timeline.length > 0 ? '; shaded: the nemesis\'s faults in force' : '';
}

/**
 * A time series with the nemesis's fault intervals shaded behind it, one colour per fault kind
 * (as Jepsen's plots shade nemesis activity); the spec unchanged without a nemesis.
 */
function shadedByFaults(report: RunReport, seconds: number, series: TopLevelSpec & { data: unknown; mark: unknown; encoding: unknown }): TopLevelSpec {
  const rows = report.nemesis?.timeline ?? [];
  if (rows.length === 0) return series;
  const { data, mark, encoding, ...outer } = series;
  return {
    ...outer,
    layer: [
      {
        data: { values: rows.map((r) => ({ from: r.startMs / 1000, to: r.endMs / 1000, fault: r.fault, target: r.target })) },
        mark: { type: 'rect', opacity: 0.25 },
        encoding: {
          x: { ...timeAxis(seconds), field: 'from' },
          x2: { field: 'to' },
          color: { field: 'fault', type: 'nominal', title: 'fault', scale: { domain: report.nemesis!.faults, range: FAULT_COLOURS } },
          tooltip: [{ field: 'fault' }, { field: 'target' }, { field: 'from', title: 'from s' }, { field: 'to', title: 'to s' }],
        },
      },
      { data, mark, encoding },
    ],
    resolve: { scale: { color: 'independent' } },
  } as TopLevelSpec;
}

/**
 * Histogram of every request's latency (`load.latencyDistribution`): one bar per bucket on a
 * log ms axis, with the run's p50/p95/p99 marked as dashed rules. A report written before the
 * distribution was recorded gets the rules alone and says so.
 */
export function latencyDistributionSpec(report: RunReport): TopLevelSpec {
  const buckets = report.load.latencyDistribution ?? [];
  const l = report.load.latency;
  const marks = PERCENTILES.filter(([, field]) => l[field] > 0).map(([percentile, field]) => ({ percentile, ms: roundMs(l[field]) }));
  const lows = [...buckets.map((b) => b.fromMs), ...marks.map((m) => m.ms)];
  const highs = [...buckets.map((b) => b.toMs), ...marks.map((m) => m.ms)];
  // A log scale cannot include 0, and a single value needs some width around it.
  const domain = lows.length > 0 ? [Math.min(...lows) / 1.2, Math.max(...highs) * 1.2] : [0.1, 1000];
  const x = { type: 'quantitative' as const, title: 'latency (ms, log scale)', scale: { type: 'log' as const, domain, nice: false } };
  const total = buckets.reduce((n, b) => n + b.count, 0);
  return {
    $schema: SCHEMA,
    title: title(
      'Latency distribution',
      report,
      buckets.length > 0 ? `${formatCount(total)} requests in ${buckets.length} log-spaced buckets; dashed: the run's p50 / p95 / p99` : 'not recorded in this report',
    ),
    width: WIDTH,
    height: HEIGHT,
    background: 'white',
    layer: [
      {
        data: { values: buckets.map((b) => ({ fromMs: roundMs(b.fromMs), toMs: roundMs(b.toMs), count: b.count })) },
        mark: { type: 'bar', color: '#4c78a8', stroke: 'white', strokeWidth: 0.5 },
        encoding: {
          x: { field: 'fromMs', ...x },
          x2: { field: 'toMs' },
          // Bars ranged on x (bucket edges) need an explicit baseline on y, or vega-lite draws them as thin ticks.
          y: { field: 'count', type: 'quantitative', title: 'requests' },
          y2: { datum: 0 },
          tooltip: [{ field: 'fromMs', title: 'from ms' }, { field: 'toMs', title: 'to ms' }, { field: 'count' }],
        },
      },
      {
        data: { values: marks },
        mark: { type: 'rule', strokeDash: [4, 3], strokeWidth: 1.5 },
        encoding: {
          x: { field: 'ms', ...x },
          color: { field: 'percentile', type: 'nominal', title: 'percentile', scale: { domain: PERCENTILES.map(([p]) => p), range: PERCENTILE_COLOURS } },
        },
      },
    ],
  };
}

/** Every chart's spec by kind. */
export function runChartSpecs(report: RunReport): Record<RunChartKind, TopLevelSpec> {
  return { latency: latencyOverTimeSpec(report), tps: tpsOverTimeSpec(report), distribution: latencyDistributionSpec(report) };
}

/** Every chart as an SVG document by kind. */
export async function renderRunChartSvgs(report: RunReport): Promise<Record<RunChartKind, string>> {
  // Loaded on first use: vega and vega-lite take ~150 ms to import, and the markdown renderer
  // imports this module for RUN_CHARTS alone.
  const { renderSvg } = await import('./compare-chart.ts');
  const specs = runChartSpecs(report);
  const [latency, tps, distribution] = await Promise.all([renderSvg(specs.latency), renderSvg(specs.tps), renderSvg(specs.distribution)]);
  return { latency, tps, distribution };
}
