/**
 * The load phase: creates the VUs and their shared HTTP pool, runs the executor, emits progress
 * and returns what was measured. It never draws; listeners (Ink UI, plain printer) do.
 */
import { performance } from 'node:perf_hooks';
import { describeError } from '../errors.ts';
import { initialVus, isArrivalRate, maxVus, runExecutor, scheduledDurationMs } from './executors/index.ts';
import type { History } from './history.ts';
import { TargetHttpClient, type IntendedStart } from './http-client.ts';
import { InstanceTally, meteredFor, routedClient } from './instances.ts';
import { RunMetrics, summarizeLoad } from './metrics.ts';
import type { ExecutorConfig, LoadSummary, ProgressSnapshot } from './types.ts';
import { VuContext } from './vu.ts';

/** Most connections an open model opens before its start (more are opened on demand). */
const PRECONNECT_CAP = 1000;

/** Options of `runLoad`. */
export interface LoadOptions {
  /** Origin of the target, e.g. `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  /**
   * Several instances of the target (origins), instead of `baseUrl` alone: VU v starts on
   * instance (v − 1) mod N and moves to the next one when its instance stops answering
   * (src/engine/instances.ts).
   */
  readonly instances?: readonly string[];
  readonly executor: ExecutorConfig;
  /** Per-request timeout, ms. */
  readonly requestTimeoutMs: number;
  /** One iteration of the scenario for a VU. A throw counts as a failed iteration. */
  readonly iteration: (vu: VuContext) => Promise<void>;
  /** Where operations are recorded. */
  readonly history: History;
  /**
   * Called with a progress snapshot about every `progressIntervalMs` and once at the end
   * (`final` true, after the executor stopped), with read access to the latencies measured so far
   * (live threshold evaluation needs any percentile, per request name).
   */
  readonly onProgress?: (snapshot: ProgressSnapshot, metrics: Pick<RunMetrics, 'latencyOf'>, final: boolean) => void;
  /** ms, default 250. */
  readonly progressIntervalMs?: number;
  /** Stops the executor early (in-flight iterations finish). */
  readonly signal?: AbortSignal;
  /** Called once per failed iteration with its error (for logs); optional. */
  readonly onIterationError?: (vu: number, err: unknown) => void;
}

/**
 * Runs the load phase and summarises it. Never throws for request or iteration errors.
 * With an arrival-rate executor every request's latency is also recorded from its intended start
 * (coordinated-omission correction, as wrk2 measures; see IntendedStart) and dropped iterations
 * are counted.
 */
export async function runLoad(options: LoadOptions): Promise<LoadSummary> {
  const openModel = isArrivalRate(options.executor);
  const metrics = new RunMetrics(performance.now());
  const urls = options.instances && options.instances.length > 0 ? options.instances : [options.baseUrl];
  let startMs = performance.now();
  const tallies = urls.map((url) => new InstanceTally(url, () => startMs));
  // One keep-alive connection per VU that may ever exist, so a VU never waits for a connection
  // (on every instance: after a failover all VUs may be on one). Pools connect on demand.
  const clients = urls.map((url, i) => new TargetHttpClient(url, { connections: maxVus(options.executor), timeoutMs: options.requestTimeoutMs }, urls.length === 1 ? metrics : meteredFor(metrics, tallies[i]!)));
  const http = clients[0]!;
  // An open model's schedule starts at once and does not wait: opening the connections of the VUs
  // it may need first keeps a storm of handshakes (hundreds of sockets opened while iterations
  // fall due, and the iterations dropped meanwhile) out of the measured time. Capped, since
  // maxVUs is sometimes set far above what a run uses. Closed models connect as their VUs start,
  // as before, so that a race still starts cold.
  // With several instances the VUs are spread over them, and so are their first connections.
  if (openModel) {
    const count = Math.max(initialVus(options.executor), Math.min(maxVus(options.executor), PRECONNECT_CAP));
    await Promise.all(clients.map((client) => client.preconnect(Math.ceil(count / clients.length))));
  }
  const startedAt = new Date();
  startMs = performance.now();
  metrics.startAt(startMs);
  // By VU id: read at every iteration start, where a Map lookup per iteration showed in profiles.
  const intendedStarts: IntendedStart[] = [];
  const vus: VuContext[] = [];
  const allocateVu = (): VuContext => {
    const intended: IntendedStart = { intendedStartMs: undefined };
    const id = vus.length + 1;
    const vu = new VuContext(id, clients.length > 1 ? routedClient(clients, id - 1, openModel ? intended : undefined) : openModel ? http.withIntendedStart(intended) : http, options.history, startMs);
    intendedStarts[vu.id] = intended;
    vus.push(vu);
    return vu;
  };
  for (let i = 0; i < initialVus(options.executor); i++) allocateVu();
  const preAllocated = [...vus];
  const durationTotalMs = scheduledDurationMs(options.executor);
  let completed = 0;
  let failed = 0;
  let dropped = 0;
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
      ...(options.executor.executor === 'shared-iterations' ? { iterationsTotal: options.executor.iterations } : {}),
      ...(durationTotalMs !== undefined ? { durationMs: durationTotalMs } : {}),
      droppedIterations: dropped,
      requests: metrics.requests,
      tps: metrics.tpsAt(now),
      status: metrics.status(),
      latency: metrics.livePercentiles(),
    };
  };
  const timer = setInterval(() => options.onProgress?.(snapshot(), metrics, false), options.progressIntervalMs ?? 250);

  try {
    await runExecutor(options.executor, {
      vus: preAllocated,
      allocateVu,
      dropIteration: () => {
        dropped += 1;
      },
      signal: abort.signal,
      runIteration: async (vu, scheduledAtMs) => {
        vu.iteration += 1;
        active += 1;
        if (openModel) intendedStarts[vu.id]!.intendedStartMs = scheduledAtMs;
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
    await Promise.all(clients.map((client) => client.close()));
  }
  options.onProgress?.(snapshot(), metrics, true);

  const durationMs = performance.now() - startMs;
  return summarizeLoad(metrics, {
    executor: options.executor,
    startedAt,
    durationMs,
    iterations: { completed, failed },
    droppedIterations: dropped,
    ops: options.history.counts(),
    corrected: openModel,
    ...(clients.length > 1 ? { instances: tallies.map((t) => t.figures()) } : {}),
  });
}
