/**
 * The load phase: creates the VUs and their shared HTTP pool, runs the executor, emits progress
 * and returns what was measured. It never draws; listeners (Ink UI, plain printer) do.
 */
import { performance } from 'node:perf_hooks';
import { describeError } from '../errors.ts';
import { runExecutor } from './executors/index.ts';
import type { History } from './history.ts';
import { TargetHttpClient } from './http-client.ts';
import { RunMetrics } from './metrics.ts';
import type { ExecutorConfig, LoadSummary, ProgressSnapshot } from './types.ts';
import { VuContext } from './vu.ts';

/** Options of `runLoad`. */
export interface LoadOptions {
  /** Origin of the target, e.g. `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  readonly executor: ExecutorConfig;
  /** Per-request timeout, ms. */
  readonly requestTimeoutMs: number;
  /** One iteration of the scenario for a VU. A throw counts as a failed iteration. */
  readonly iteration: (vu: VuContext) => Promise<void>;
  /** Where operations are recorded. */
  readonly history: History;
  /** Called with a progress snapshot about every `progressIntervalMs` and once at the end. */
  readonly onProgress?: (snapshot: ProgressSnapshot) => void;
  /** ms, default 250. */
  readonly progressIntervalMs?: number;
  /** Stops the executor early (in-flight iterations finish). */
  readonly signal?: AbortSignal;
  /** Called once per failed iteration with its error (for logs); optional. */
  readonly onIterationError?: (vu: number, err: unknown) => void;
}

/** Runs the load phase and summarises it. Never throws for request or iteration errors. */
export async function runLoad(options: LoadOptions): Promise<LoadSummary> {
  const startedAt = new Date();
  const startMs = performance.now();
  const metrics = new RunMetrics(startMs);
  const vusCount = options.executor.vus;
  const http = new TargetHttpClient(options.baseUrl, { connections: vusCount, timeoutMs: options.requestTimeoutMs }, metrics);
  const vus = Array.from({ length: vusCount }, (_, i) => new VuContext(i + 1, http, options.history, startMs));
  let completed = 0;
  let failed = 0;
  let active = 0;
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const snapshot = (): ProgressSnapshot => {
    const now = performance.now();
    return {
      elapsedMs: now - startMs,
      activeVus: active,
      iterationsCompleted: completed,
      ...(options.executor.executor === 'shared-iterations' ? { iterationsTotal: options.executor.iterations } : { durationMs: options.executor.durationMs }),
      requests: metrics.requests,
      tps: metrics.tpsAt(now),
      status: metrics.status(),
      latency: metrics.livePercentiles(),
    };
  };
  const timer = setInterval(() => options.onProgress?.(snapshot()), options.progressIntervalMs ?? 250);

  try {
    await runExecutor(options.executor, {
      vus,
      signal: abort.signal,
      runIteration: async (vu) => {
        vu.iteration += 1;
        active += 1;
        try {
          await options.iteration(vu);
          completed += 1;
        } catch (err) {
          failed += 1;
          options.onIterationError?.(vu.id, describeError(err));
        } finally {
          active -= 1;
        }
      },
    });
  } finally {
    clearInterval(timer);
    options.signal?.removeEventListener('abort', onAbort);
    await http.close();
  }
  options.onProgress?.(snapshot());

  const durationMs = performance.now() - startMs;
  return {
    executor: options.executor,
    startedAt: startedAt.toISOString(),
    durationMs,
    iterations: { completed, failed },
    requests: metrics.requests,
    tps: metrics.requests / Math.max(durationMs / 1000, 0.001),
    latency: metrics.latency(),
    latencyByName: metrics.latencyByName(),
    status: metrics.status(),
    ops: options.history.counts(),
    tpsSeries: metrics.tpsSeries(durationMs),
  };
}
