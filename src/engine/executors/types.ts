/** The seam between the load runner and an executor (one file per k6 executor type). */
import type { Clock } from '../clock.ts';
import type { VuContext } from '../vu.ts';

/** What an executor drives. */
export interface ExecutorRuntime {
  /** Pre-allocated VUs, ids 1..n. */
  readonly vus: readonly VuContext[];
  /**
   * Creates one more VU (the next id). Only arrival-rate executors call it, on demand and never
   * beyond their `maxVUs`.
   */
  allocateVu(): VuContext;
  /**
   * Runs one iteration on a VU; never throws (a failed iteration is counted by the runner).
   * @param scheduledAtMs when an open-model executor meant the iteration to start (on the
   *   clock's scale); its first request's corrected latency is measured from there
   */
  runIteration(vu: VuContext, scheduledAtMs?: number): Promise<void>;
  /** Counts an iteration that was due while every VU was busy (k6 `dropped_iterations`). */
  dropIteration(): void;
  /** Aborted when the run is stopped early (e.g. Ctrl-C). */
  readonly signal: AbortSignal;
  /** Time source of the arrival-rate schedulers; the real clock when omitted. */
  readonly clock?: Clock;
}

/** Schedules iterations on VUs for one executor config; resolves when the executor is done. */
export type Executor<C> = (config: C, runtime: ExecutorRuntime) => Promise<void>;
