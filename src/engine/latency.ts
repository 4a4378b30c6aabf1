/**
 * Latency recording in HDR histograms (hdr-histogram-js), microseconds, explicit range.
 * Range 1 µs .. 120 s with 3 significant digits, as wrk2 records (see ../shared/notes/anchors.md);
 * a value above the range is clamped to it rather than lost.
 */
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from './types.ts';

/** Lowest and highest recordable latency, microseconds. */
export const LATENCY_RANGE_US = { lowest: 1, highest: 120_000_000 } as const;

/** An HDR histogram of request latencies in microseconds. */
export class LatencyHistogram {
  private readonly histogram = hdr.build({
    lowestDiscernibleValue: LATENCY_RANGE_US.lowest,
    highestTrackableValue: LATENCY_RANGE_US.highest,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });

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
}
