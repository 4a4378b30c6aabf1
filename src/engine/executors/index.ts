/** Executors registered by their k6 type name, and what the runner needs to know about each. */
import type { ArrivalRateConfig, ExecutorConfig } from '../types.ts';
import { constantArrivalRate } from './constant-arrival-rate.ts';
import { constantVus } from './constant-vus.ts';
import { rampingArrivalRate } from './ramping-arrival-rate.ts';
import { sharedIterations } from './shared-iterations.ts';
import type { ExecutorRuntime } from './types.ts';

/** Runs the executor named by `config.executor`. */
export function runExecutor(config: ExecutorConfig, runtime: ExecutorRuntime): Promise<void> {
  switch (config.executor) {
    case 'shared-iterations':
      return sharedIterations(config, runtime);
    case 'constant-vus':
      return constantVus(config, runtime);
    case 'constant-arrival-rate':
      return constantArrivalRate(config, runtime);
    case 'ramping-arrival-rate':
      return rampingArrivalRate(config, runtime);
  }
}

/** The executor type names this engine knows, in k6's spelling. */
export const EXECUTOR_NAMES = ['shared-iterations', 'constant-vus', 'constant-arrival-rate', 'ramping-arrival-rate'] as const;

/** True for the open-model executors, whose iterations start on a schedule (k6's arrival-rate executors). */
export function isArrivalRate(config: ExecutorConfig): config is ArrivalRateConfig {
  return config.executor === 'constant-arrival-rate' || config.executor === 'ramping-arrival-rate';
}

/** VUs created before the start: all of them in closed models, `preAllocatedVUs` in open ones. */
export function initialVus(config: ExecutorConfig): number {
  return isArrivalRate(config) ? config.preAllocatedVUs : config.vus;
}

/** The most VUs the executor can ever use (and so the most concurrent iterations). */
export function maxVus(config: ExecutorConfig): number {
  return isArrivalRate(config) ? config.maxVUs : config.vus;
}

/** How long the executor is scheduled to run, ms; undefined for `shared-iterations` (it runs until its iterations are done). */
export function scheduledDurationMs(config: ExecutorConfig): number | undefined {
  switch (config.executor) {
    case 'shared-iterations':
      return undefined;
    case 'constant-vus':
    case 'constant-arrival-rate':
      return config.durationMs;
    case 'ramping-arrival-rate':
      return config.stages.reduce((sum, s) => sum + s.durationMs, 0);
  }
}
