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
  // One timer and one listener end every VU's loop, so that the loop itself tests a boolean
  // rather than reading the clock and the signal once per iteration.
  let running = !runtime.signal.aborted;
  const stop = (): void => {
    running = false;
  };
  const timer = setTimeout(stop, config.durationMs);
  runtime.signal.addEventListener('abort', stop, { once: true });
  try {
    await Promise.all(
      runtime.vus.map(async (vu) => {
        while (running) await runtime.runIteration(vu);
      }),
    );
  } finally {
    clearTimeout(timer);
    runtime.signal.removeEventListener('abort', stop);
  }
};
