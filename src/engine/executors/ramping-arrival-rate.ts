/**
 * k6 `ramping-arrival-rate`: the rate (iterations per `timeUnitMs`) starts at `startRate` and
 * ramps linearly to each stage's `target` over the stage's duration; iteration i starts when the
 * integral of the rate reaches i. VUs and dropped iterations as in `constant-arrival-rate`.
 * Source: k6 docs, executors/ramping-arrival-rate.
 */
import type { ExecutorConfig } from '../types.ts';
import { rampingSchedule, runArrivals } from './arrival-rate.ts';
import type { Executor } from './types.ts';

type Config = Extract<ExecutorConfig, { executor: 'ramping-arrival-rate' }>;

/** Runs a `ramping-arrival-rate` config. */
export const rampingArrivalRate: Executor<Config> = (config, runtime) => runArrivals(rampingSchedule(config), config, runtime);
