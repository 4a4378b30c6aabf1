/**
 * Pure figures and formatting of the benchmark: medians and spreads of repeated runs, the
 * comparison table, ratios measured within one repetition. No I/O, so it can be tested.
 */
import type { ToolRun } from './child-report.ts';

/**
 * The generators compared, in table order: the engine, its peers (autocannon, wrk), and three
 * reference loops (undici `Pool.request`, bare undici `Client.dispatch`, raw sockets).
 */
export type ToolName = 'ticketbench' | 'autocannon' | 'wrk' | 'undici-loop' | 'undici-dispatch' | 'raw-socket';

/** One run of one tool in one repetition. */
export interface Measured {
  readonly tool: ToolName;
  readonly repetition: number;
  readonly run: ToolRun;
  /** CPU seconds other processes used during the run (see bench/README.md); 0 when unknown. */
  readonly backgroundCpuS?: number;
}

/** Median of numbers (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Requests per second of a run. */
export const rps = (run: ToolRun): number => run.requests / run.durationS;

/** CPU seconds the generator spent per 10,000 requests. */
export const cpuPer10k = (run: ToolRun): number => (run.cpuS / run.requests) * 10_000;

/** Median, minimum and maximum. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** Median and range of `values`. */
export function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** One row of the table: a tool's figures over every repetition. */
export interface ToolRow {
  readonly tool: ToolName;
  readonly runs: number;
  readonly rps: Spread;
  readonly cpuPer10k: Spread;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly peakRssMiB: number;
  readonly errors: number;
  /** Median CPU seconds used by other processes during this tool's runs. */
  readonly backgroundCpuS: number;
}

/** Per tool: medians and spreads of its runs. */
export function toolRows(measured: readonly Measured[], tools: readonly ToolName[]): ToolRow[] {
  return tools.flatMap((tool) => {
    const runs = measured.filter((m) => m.tool === tool).map((m) => m.run);
    if (runs.length === 0) return [];
    const p50 = runs.map((r) => r.p50Ms).filter((v): v is number => v !== null);
    const p99 = runs.map((r) => r.p99Ms).filter((v): v is number => v !== null);
    return [
      {
        tool,
        runs: runs.length,
        rps: spread(runs.map(rps)),
        cpuPer10k: spread(runs.map(cpuPer10k)),
        p50Ms: p50.length > 0 ? median(p50) : null,
        p99Ms: p99.length > 0 ? median(p99) : null,
        peakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)),
        errors: runs.reduce((sum, r) => sum + r.errors, 0),
        backgroundCpuS: median(measured.filter((m) => m.tool === tool).map((m) => m.backgroundCpuS ?? 0)),
      },
    ];
  });
}

/**
 * ticketbench's rps over another tool's, computed within each repetition (the two ran back to
 * back under the same background load), then summarised across repetitions.
 */
export function ratios(measured: readonly Measured[], other: ToolName, figure: (run: ToolRun) => number = rps): Spread | undefined {
  const byRep = new Map<number, Partial<Record<ToolName, ToolRun>>>();
  for (const m of measured) (byRep.get(m.repetition) ?? byRep.set(m.repetition, {}).get(m.repetition)!)[m.tool] = m.run;
  const values = [...byRep.values()].flatMap((r) => (r.ticketbench && r[other] ? [figure(r.ticketbench) / figure(r[other])] : []));
  return values.length > 0 ? spread(values) : undefined;
}

/** The order tools run in repetition `rep` (0-based): rotated each time, so none always runs first or last. */
export function rotation<T>(items: readonly T[], rep: number): T[] {
  const k = rep % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
const fmtMs = (n: number | null): string => (n === null ? '—' : n < 10 ? n.toFixed(3) : n.toFixed(1));

/** The comparison table as markdown (it reads as well in a terminal). */
export function formatTable(rows: readonly ToolRow[]): string {
  const lines = [
    '| generator | runs | req/s median | req/s min–max | CPU s / 10k req (median, min–max) | p50 ms | p99 ms | peak RSS MiB | errors | background CPU s (median) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.tool} | ${r.runs} | ${fmtInt(r.rps.median)} | ${fmtInt(r.rps.min)}–${fmtInt(r.rps.max)} | ${r.cpuPer10k.median.toFixed(3)} (${r.cpuPer10k.min.toFixed(3)}–${r.cpuPer10k.max.toFixed(3)}) | ${fmtMs(r.p50Ms)} | ${fmtMs(r.p99Ms)} | ${r.peakRssMiB.toFixed(0)} | ${r.errors} | ${r.backgroundCpuS.toFixed(1)} |`,
    );
  }
  return lines.join('\n');
}

/** A ratio spread as `1.23 (1.10–1.31)`. */
export function formatRatio(s: Spread | undefined): string {
  return s ? `${s.median.toFixed(2)} (${s.min.toFixed(2)}–${s.max.toFixed(2)})` : '—';
}
