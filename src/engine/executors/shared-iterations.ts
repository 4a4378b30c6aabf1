/**
 * k6 `shared-iterations`: a fixed number of iterations shared by the VUs; a VU that finishes
 * takes the next one, so fast VUs do more. Stops at `maxDurationMs` even if iterations remain.
 * Source: k6 docs, executors/shared-iterations.
 */
import type { ExecutorConfig } from '../types.ts';
import type { Executor } from './types.ts';

type Config = Extract<ExecutorConfig, { executor: 'shared-iterations' }>;

export const sharedIterations: Executor<Config> = async (config, runtime) => {
  const deadline = Date.now() + config.maxDurationMs;
  let next = 0;
  await Promise.all(
    runtime.vus.map(async (vu) => {
      while (next < config.iterations && !runtime.signal.aborted && Date.now() < deadline) {
        next += 1;
        await runtime.runIteration(vu);
      }
    }),
  );
};
