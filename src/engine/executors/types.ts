/** The seam between the load runner and an executor (one file per k6 executor type). */
import type { VuContext } from '../vu.ts';

/** What an executor drives. */
export interface ExecutorRuntime {
  /** Pre-allocated VUs, ids 1..n. */
  readonly vus: readonly VuContext[];
  /** Runs one iteration on a VU; never throws (a failed iteration is counted by the runner). */
  runIteration(vu: VuContext): Promise<void>;
  /** Aborted when the run is stopped early (e.g. Ctrl-C). */
  readonly signal: AbortSignal;
}

/** Schedules iterations on VUs for one executor config; resolves when the executor is done. */
export type Executor<C> = (config: C, runtime: ExecutorRuntime) => Promise<void>;
