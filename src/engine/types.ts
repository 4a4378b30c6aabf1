/**
 * Shapes the load engine produces: live progress snapshots and the final load summary.
 * All latencies in milliseconds (recorded in microseconds in HDR histograms), rates in
 * requests per second (TPS).
 */

// The load summary and executor config are part of the run's report, declared once with their
// zod schemas in src/model; re-exported here for the engine's modules.
import type { ExecutorConfig, LatencySummary, StatusCounts } from '../model/run-report.ts';
export type { ExecutorConfig, LatencySummary, LoadSummary, RateStage, StatusCounts } from '../model/run-report.ts';

/** The executors of the open model (k6's arrival-rate executors). */
export type ArrivalRateConfig = Extract<ExecutorConfig, { executor: 'constant-arrival-rate' | 'ramping-arrival-rate' }>;

/** A live view of the load phase, emitted about four times a second. */
export interface ProgressSnapshot {
  readonly elapsedMs: number;
  readonly activeVus: number;
  readonly iterationsCompleted: number;
  /** Known for `shared-iterations`. */
  readonly iterationsTotal?: number;
  /** Known for `constant-vus` and the arrival-rate executors, ms. */
  readonly durationMs?: number;
  /** Iterations an arrival-rate executor could not start because every VU was busy; 0 in closed models. */
  readonly droppedIterations: number;
  readonly requests: number;
  /** Requests completed in the last full second. */
  readonly tps: number;
  readonly status: StatusCounts;
  readonly latency: Pick<LatencySummary, 'p50Ms' | 'p95Ms' | 'p99Ms'>;
}
