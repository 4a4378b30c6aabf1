/**
 * Evaluates parsed thresholds against what the load phase measured: once at the end (from the
 * LoadSummary) and, for `abortOnFail`, at every progress tick from what is measured so far, as
 * k6 evaluates thresholds periodically during a test and aborts on a breach
 * (grafana.com/docs/k6/latest/using-k6/thresholds, "Abort a test when a threshold is crossed").
 * Pure apart from calling the latency readers it is given.
 */
import type { LatencyReading } from '../engine/metrics.ts';
import type { LatencySummary, LoadSummary, ProgressSnapshot, StatusCounts } from '../engine/types.ts';
import type { ThresholdResult } from '../model/run-report.ts';
import type { Threshold, ThresholdOperator } from './parse.ts';

/** Latency of a set of requests: count, min/mean/max and a percentile function, ms. */
export type LatencyFigures = Pick<LatencySummary, 'count' | 'minMs' | 'meanMs' | 'maxMs'> & {
  /** Value at `percentile` (0..100), ms; undefined when this source cannot tell that percentile. */
  percentileMs(percentile: number): number | undefined;
};

/** The figures thresholds are evaluated on, from a finished load or from a live one. */
export interface MeasuredLoad {
  /** Length of the load phase so far, ms (counter rates are per second of it). */
  readonly elapsedMs: number;
  readonly requests: number;
  readonly status: StatusCounts;
  /** Iterations completed without throwing. */
  readonly iterations: number;
  readonly droppedIterations: number;
  /** Every request (`name` undefined) or one request name; undefined for a name never recorded. */
  latency(name?: string): LatencyFigures | undefined;
}

/** Reads latencies with any percentile (RunMetrics during a load). */
export type LatencySource = { latencyOf(name?: string): LatencyReading | undefined };

/**
 * The figures of a finished load phase. A LoadSummary keeps only p50/p90/p95/p99, so pass
 * `exact` (the run's RunMetrics) for any other percentile; without it those measure as null.
 */
export function measuredFromLoad(load: LoadSummary, exact?: LatencySource): MeasuredLoad {
  const fromSummary = (s: LatencySummary): LatencyFigures => ({
    ...s,
    percentileMs: (p) => (p === 50 ? s.p50Ms : p === 90 ? s.p90Ms : p === 95 ? s.p95Ms : p === 99 ? s.p99Ms : undefined),
  });
  return {
    elapsedMs: load.durationMs,
    requests: load.requests,
    status: load.status,
    iterations: load.iterations.completed,
    droppedIterations: load.droppedIterations,
    latency: (name) => {
      if (exact) return exact.latencyOf(name);
      const s = name === undefined ? load.latency : load.latencyByName[name];
      return s ? fromSummary(s) : undefined;
    },
  };
}

/** The figures of a load in progress: a progress snapshot plus the live latency reader. */
export function measuredFromProgress(snapshot: ProgressSnapshot, metrics: LatencySource): MeasuredLoad {
  return {
    elapsedMs: snapshot.elapsedMs,
    requests: snapshot.requests,
    status: snapshot.status,
    iterations: snapshot.iterationsCompleted,
    droppedIterations: snapshot.droppedIterations,
    latency: (name) => metrics.latencyOf(name),
  };
}

/**
 * The value a threshold compares: ms for `http_req_duration`, a fraction 0..1 for
 * `errors`/`http_req_failed` (errors / requests), a count, or a count per second of the load
 * phase for a counter's `rate`.
 * @returns null when there is nothing to measure: no request of that name (durations), no
 *   request at all (error rates), no elapsed time (rates), or a percentile the source lacks.
 */
export function measure(t: Threshold, m: MeasuredLoad): number | null {
  const perSecond = (count: number): number | null => (m.elapsedMs > 0 ? count / (m.elapsedMs / 1000) : null);
  const counter = (count: number): number | null => (t.aggregation.kind === 'rate' ? perSecond(count) : count);
  switch (t.metric) {
    case 'http_req_duration': {
      const l = m.latency(t.tags['name']);
      if (!l || l.count === 0) return null;
      switch (t.aggregation.kind) {
        case 'avg':
          return l.meanMs;
        case 'min':
          return l.minMs;
        case 'max':
          return l.maxMs;
        case 'med':
          return l.percentileMs(50) ?? null;
        case 'p':
          return l.percentileMs(t.aggregation.percentile) ?? null;
        default:
          return null;
      }
    }
    case 'http_reqs': {
      const name = t.tags['name'];
      const status = t.tags['status'];
      const count = name !== undefined ? (m.latency(name)?.count ?? 0) : status !== undefined ? (m.status.byStatus[status] ?? 0) : m.requests;
      return counter(count);
    }
    case 'http_req_failed':
    case 'errors':
      return m.requests > 0 ? m.status.error / m.requests : null;
    case 'iterations':
      return counter(m.iterations);
    case 'dropped_iterations':
      return counter(m.droppedIterations);
  }
}

/** Whether `actual OP limit` holds. */
export function compareWith(actual: number, operator: ThresholdOperator, limit: number): boolean {
  switch (operator) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
    case '==':
      return actual === limit;
    case '!=':
      return actual !== limit;
  }
}

/**
 * Evaluates every threshold on the final figures. A threshold with nothing to measure (actual
 * null) fails: stricter than k6, so that a misspelt request name cannot pass a CI gate silently.
 * @param breaches ms into the load at which abortOnFail thresholds were found breached live, by expression
 */
export function evaluateThresholds(thresholds: readonly Threshold[], m: MeasuredLoad, breaches: ReadonlyMap<string, number> = new Map()): ThresholdResult[] {
  return thresholds.map((t) => {
    const actual = measure(t, m);
    const breachedAtMs = breaches.get(t.expression);
    return {
      expression: t.expression,
      source: t.source,
      actual,
      // A live breach stopped the load: the threshold failed even if the final figure recovered.
      passed: actual !== null && compareWith(actual, t.operator, t.limit) && breachedAtMs === undefined,
      abortOnFail: t.abortOnFail,
      operator: t.operator,
      limit: t.limit,
      unit: t.unit,
      ...(breachedAtMs !== undefined ? { breachedAtMs } : {}),
    };
  });
}

/**
 * The first `abortOnFail` threshold breached by the figures so far, with its value; undefined
 * when none is. Nothing measured yet (null) is no breach: a run is not stopped for lack of data.
 */
export function firstBreach(thresholds: readonly Threshold[], m: MeasuredLoad): { readonly threshold: Threshold; readonly actual: number } | undefined {
  for (const t of thresholds) {
    if (!t.abortOnFail) continue;
    const actual = measure(t, m);
    if (actual !== null && !compareWith(actual, t.operator, t.limit)) return { threshold: t, actual };
  }
  return undefined;
}
