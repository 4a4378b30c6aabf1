/**
 * Latency recording in HDR histograms (hdr-histogram-js), microseconds, explicit range.
 * Range 1 µs .. 120 s with 3 significant digits, as wrk2 records (see ../shared/notes/anchors.md);
 * a value above the range is clamped to it rather than lost.
 */
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary, LoadSummary } from './types.ts';

/** One bucket of a latency distribution: requests with a latency in [fromMs, toMs). */
export type LatencyBucket = NonNullable<LoadSummary['latencyDistribution']>[number];

/** Lowest and highest recordable latency, microseconds. */
export const LATENCY_RANGE_US = { lowest: 1, highest: 120_000_000 } as const;

/** Buckets of `LatencyHistogram.distribution` by default: fine enough to show a shape, few enough to read. */
export const DISTRIBUTION_BUCKETS = 30;

/** An HDR histogram of request latencies in microseconds. */
export class LatencyHistogram {
  private readonly histogram = asJsHistogram(
    hdr.build({
      lowestDiscernibleValue: LATENCY_RANGE_US.lowest,
      highestTrackableValue: LATENCY_RANGE_US.highest,
      numberOfSignificantValueDigits: 3,
      useWebAssembly: false,
    }),
  );

  /** Records one latency, microseconds (fractions are rounded; values are clamped to the range). */
  record(latencyUs: number): void {
    const value = Math.min(LATENCY_RANGE_US.highest, Math.max(LATENCY_RANGE_US.lowest, Math.round(latencyUs)));
    this.histogram.recordValue(value);
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /**
   * Value at a percentile (0..100), milliseconds; 0 when empty. HDR answers with the highest
   * value equivalent to the bucket, which can exceed the largest recorded value: clamp to it.
   */
  percentileMs(percentile: number): number {
    if (this.count === 0) return 0;
    return Math.min(this.histogram.getValueAtPercentile(percentile), this.histogram.maxValue) / 1000;
  }

  /** Count, min, mean, p50/p90/p95/p99 and max in milliseconds; all 0 when empty. */
  summary(): LatencySummary {
    if (this.count === 0) return { count: 0, minMs: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p95Ms: 0, p99Ms: 0, maxMs: 0 };
    return {
      count: this.count,
      minMs: this.histogram.minNonZeroValue / 1000,
      meanMs: this.histogram.mean / 1000,
      p50Ms: this.percentileMs(50),
      p90Ms: this.percentileMs(90),
      p95Ms: this.percentileMs(95),
      p99Ms: this.percentileMs(99),
      maxMs: this.histogram.maxValue / 1000,
    };
  }

  /** Makes this histogram hold exactly the values of `parts` (same range and precision, so the merge is exact). */
  setToSumOf(parts: Iterable<LatencyHistogram>): void {
    this.histogram.reset();
    for (const part of parts) this.histogram.add(part.histogram);
  }

  /** Forgets every value, keeping the allocated counts array (an interval histogram reuses it each second). */
  reset(): void {
    this.histogram.reset();
  }

  /**
   * The recorded values in at most `buckets` log-spaced buckets [fromMs, toMs) spanning the
   * recorded range (from the lowest value equivalent to the minimum to just above the maximum);
   * counts sum to `count`. Edges are rounded to 3 significant digits of µs so that a chart's axis
   * reads cleanly; a narrow range gives fewer buckets rather than buckets below HDR resolution.
   * Empty when nothing was recorded.
   */
  distribution(buckets = DISTRIBUTION_BUCKETS): LatencyBucket[] {
    if (this.count === 0) return [];
    const h = this.histogram;
    const lo = h.lowestEquivalentValue(h.minNonZeroValue);
    const hi = h.maxValue + 1;
    const edges = logEdges(lo, hi, Math.max(1, Math.floor(buckets)));
    const counts = new Array<number>(edges.length - 1).fill(0);
    // Each HDR sub-bucket goes whole into the bucket holding its lowest equivalent value: a split
    // would invent a precision the histogram does not have.
    const it = h.recordedValuesIterator;
    it.reset();
    while (it.hasNext()) {
      const v = it.next();
      counts[bucketIndex(edges, h.lowestEquivalentValue(v.valueIteratedTo))]! += v.countAtValueIteratedTo;
    }
    return counts.map((count, i) => ({ fromMs: edges[i]! / 1000, toMs: edges[i + 1]! / 1000, count }));
  }
}

function asJsHistogram(histogram: hdr.Histogram): hdr.JsHistogram {
  // The distribution walks the counts with the JS implementation's iterator, which the
  // WebAssembly one (never built here: useWebAssembly false) lacks.
  if (!(histogram instanceof hdr.JsHistogram)) throw new Error('hdr-histogram-js built a non-JS histogram');
  return histogram;
}

/** Strictly increasing integer edges from `lo` to `hi` (both exact), log-spaced, at most `n` + 1. */
function logEdges(lo: number, hi: number, n: number): number[] {
  const edges = [lo];
  const ratio = hi / lo;
  for (let i = 1; i < n; i++) {
    const edge = roundSignificant(lo * ratio ** (i / n));
    if (edge > edges[edges.length - 1]! && edge < hi) edges.push(edge);
  }
  edges.push(hi);
  return edges;
}

function roundSignificant(value: number, digits = 3): number {
  const scale = 10 ** Math.max(0, Math.floor(Math.log10(value)) + 1 - digits);
  return Math.round(value / scale) * scale;
}

/** Index of the bucket [edges[i], edges[i+1]) holding `value`, clamped to the first and last. */
function bucketIndex(edges: readonly number[], value: number): number {
  let low = 0;
  let high = edges.length - 2;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (edges[mid]! <= value) low = mid;
    else high = mid - 1;
  }
  return low;
}
