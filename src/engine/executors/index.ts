/** Executors registered by their k6 type name. */
import type { ExecutorConfig } from '../types.ts';
import { constantVus } from './constant-vus.ts';
import { sharedIterations } from './shared-iterations.ts';
import type { ExecutorRuntime } from './types.ts';

/** Runs the executor named by `config.executor`. */
export function runExecutor(config: ExecutorConfig, runtime: ExecutorRuntime): Promise<void> {
  switch (config.executor) {
    case 'shared-iterations':
      return sharedIterations(config, runtime);
    case 'constant-vus':
      return constantVus(config, runtime);
  }
}

/** The executor type names this engine knows, in k6's spelling. */
export const EXECUTOR_NAMES = ['shared-iterations', 'constant-vus'] as const;
