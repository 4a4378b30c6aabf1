/**
 * k6 `constant-arrival-rate`: `rate` iterations start every `timeUnitMs` for `durationMs`,
 * iteration i at start + i · timeUnit / rate, however long earlier iterations take. VUs beyond
 * `preAllocatedVUs` are created on demand up to `maxVUs`; an iteration due while all of them are
 * busy is dropped (k6 `dropped_iterations`), never queued. Iterations still running at the end
 * finish (their requests are bounded by the request timeout).
 * Source: k6 docs, executors/constant-arrival-rate.
 */
import type { ExecutorConfig } from '../types.ts';
import { constantSchedule, runArrivals } from './arrival-rate.ts';
import type { Executor } from './types.ts';

type Config = Extract<ExecutorConfig, { executor: 'constant-arrival-rate' }>;

/** Runs a `constant-arrival-rate` config. */
export const constantArrivalRate: Executor<Config> = (config, runtime) => runArrivals(constantSchedule(config), config, runtime);
