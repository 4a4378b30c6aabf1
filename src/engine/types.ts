/**
 * Shapes the load engine produces: live progress snapshots and the final load summary.
 * All latencies in milliseconds (recorded in microseconds in HDR histograms), rates in
 * requests per second (TPS).
 */

/** Latency percentiles of a set of requests, milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly minMs: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/**
 * HTTP answers by class. `conflict` is 409 (a lost race, expected under contention); `error` is
 * every other non-2xx answer plus timeouts and connection errors.
 */
export interface StatusCounts {
  readonly ok: number;
  readonly conflict: number;
  readonly error: number;
  /** Per HTTP status code, or an error code such as `timeout` / `ECONNREFUSED`. */
  readonly byStatus: Readonly<Record<string, number>>;
}

/** One stage of `ramping-arrival-rate`: ramp linearly to `target` iterations per time unit over `durationMs`. */
export interface RateStage {
  readonly target: number;
  readonly durationMs: number;
}

/** k6 executor settings, normalised. */
export type ExecutorConfig =
  | {
      /** A fixed number of iterations shared by all VUs (k6 `shared-iterations`). */
      readonly executor: 'shared-iterations';
      readonly vus: number;
      readonly iterations: number;
      /** Hard stop, ms. */
      readonly maxDurationMs: number;
    }
  | {
      /** A fixed number of VUs looping for a duration (k6 `constant-vus`). */
      readonly executor: 'constant-vus';
      readonly vus: number;
      readonly durationMs: number;
    }
  | {
      /**
       * Open model: `rate` iterations start every `timeUnitMs`, whether or not earlier ones have
       * finished (k6 `constant-arrival-rate`).
       */
      readonly executor: 'constant-arrival-rate';
      readonly rate: number;
      readonly timeUnitMs: number;
      readonly durationMs: number;
      /** VUs created before the start. */
      readonly preAllocatedVUs: number;
      /** VUs beyond `preAllocatedVUs` are created on demand up to this; an iteration finding none free is dropped. */
      readonly maxVUs: number;
    }
  | {
      /**
       * Open model whose rate (iterations per `timeUnitMs`) starts at `startRate` and ramps
       * linearly to each stage's target in turn (k6 `ramping-arrival-rate`).
       */
      readonly executor: 'ramping-arrival-rate';
      readonly startRate: number;
      readonly timeUnitMs: number;
      readonly stages: readonly RateStage[];
      readonly preAllocatedVUs: number;
      readonly maxVUs: number;
    };

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

/** What the load phase measured. */
export interface LoadSummary {
  readonly executor: ExecutorConfig;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly iterations: { readonly completed: number; readonly failed: number };
  /**
   * Scheduled iterations that were not started because all `maxVUs` VUs were busy (k6
   * `dropped_iterations`); never queued. Always 0 for the closed-model executors.
   */
  readonly droppedIterations: number;
  readonly requests: number;
  /** requests / duration in seconds. */
  readonly tps: number;
  readonly latency: LatencySummary;
  /** Per request name (e.g. `hold`, `pay`). */
  readonly latencyByName: Readonly<Record<string, LatencySummary>>;
  /**
   * Arrival-rate executors only: latency measured from when each request was *intended* to start
   * (coordinated-omission corrected, as wrk2 reports it) — the iteration's scheduled start for its
   * first request, the previous request's completion for the later ones. `latency` stays send → response.
   */
  readonly latencyCorrected?: LatencySummary;
  /** Arrival-rate executors only: `latencyCorrected` per request name. */
  readonly latencyCorrectedByName?: Readonly<Record<string, LatencySummary>>;
  readonly status: StatusCounts;
  /** Per operation name: ok / fail / info counts from the history. */
  readonly ops: Readonly<Record<string, { ok: number; fail: number; info: number }>>;
  /** Requests completed in each second of the run (index = second). */
  readonly tpsSeries: readonly number[];
  /** Latency percentiles of the requests completed in each second (index = second), ms. */
  readonly latencySeries?: readonly { readonly count: number; readonly p50Ms: number; readonly p95Ms: number; readonly p99Ms: number }[];
  /** Latency distribution of all requests: counts per bucket [fromMs, toMs). */
  readonly latencyDistribution?: readonly { readonly fromMs: number; readonly toMs: number; readonly count: number }[];
}
