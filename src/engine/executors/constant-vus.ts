/**
 * k6 `constant-vus`: a fixed number of VUs each looping over iterations for a duration. An
 * iteration in flight when the duration ends is allowed to finish (its requests are bounded by
 * the request timeout), as k6's graceful stop does.
 * Source: k6 docs, executors/constant-vus.
 */
import type { ExecutorConfig } from '../types.ts';
import type { Executor } from './types.ts';

type Config = Extract<ExecutorConfig, { executor: 'constant-vus' }>;

export const constantVus: Executor<Config> = async (config, runtime) => {
  const deadline = Date.now() + config.durationMs;
  await Promise.all(
    runtime.vus.map(async (vu) => {
      while (!runtime.signal.aborted && Date.now() < deadline) {
        await runtime.runIteration(vu);
      }
    }),
  );
};
