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
    };

/** A live view of the load phase, emitted about four times a second. */
export interface ProgressSnapshot {
  readonly elapsedMs: number;
  readonly activeVus: number;
  readonly iterationsCompleted: number;
  /** Known for `shared-iterations`. */
  readonly iterationsTotal?: number;
  /** Known for `constant-vus`, ms. */
  readonly durationMs?: number;
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
  readonly requests: number;
  /** requests / duration in seconds. */
  readonly tps: number;
  readonly latency: LatencySummary;
  /** Per request name (e.g. `hold`, `pay`). */
  readonly latencyByName: Readonly<Record<string, LatencySummary>>;
  readonly status: StatusCounts;
  /** Per operation name: ok / fail / info counts from the history. */
  readonly ops: Readonly<Record<string, { ok: number; fail: number; info: number }>>;
  /** Requests completed in each second of the run (index = second). */
  readonly tpsSeries: readonly number[];
}
