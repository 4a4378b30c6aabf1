/**
 * ticketbench's engine as users run it, in its own process: `runLoad` with a scenario-like
 * iteration doing one GET per iteration and recording it in the History through `vu.op`, with
 * the latency histograms and per-second series a real run keeps.
 *
 * `--mode closed` (default): constant-vus, one VU per connection, for `--duration` s.
 * `--mode open`: constant-arrival-rate at `--rate` per second for `--duration` s.
 * `--mode million`: shared-iterations of `--iterations` (default 1,000,000), for peak memory.
 */
import { History } from '../src/engine/history.ts';
import { runLoad } from '../src/engine/run-load.ts';
import type { ExecutorConfig } from '../src/engine/types.ts';
import { classifyUnexpected, ok } from '../src/engine/vu.ts';
import { cpuSecondsSince, emit, numberArg, parseArgs, peakRssMiB } from './child-report.ts';

const args = parseArgs(process.argv.slice(2));
const connections = numberArg(args, 'connections');
const durationMs = numberArg(args, 'duration', 10) * 1000;
const mode = args.get('mode') ?? 'closed';

function executorOf(): ExecutorConfig {
  switch (mode) {
    case 'closed':
      return { executor: 'constant-vus', vus: connections, durationMs };
    case 'open': {
      // Pre-allocated VUs cover the steady state; up to 20 times more ride out a stall of the
      // machine (another process holding both cores for tens of ms) without dropping iterations.
      return {
        executor: 'constant-arrival-rate',
        rate: numberArg(args, 'rate'),
        timeUnitMs: 1000,
        durationMs,
        preAllocatedVUs: numberArg(args, 'pre-allocated-vus', connections),
        maxVUs: numberArg(args, 'max-vus', connections * 20),
      };
    }
    case 'million':
      return { executor: 'shared-iterations', vus: connections, iterations: numberArg(args, 'iterations', 1_000_000), maxDurationMs: 600_000 };
    default:
      throw new Error(`unknown --mode ${mode}`);
  }
}

const history = new History();
const cpu = process.cpuUsage();
const summary = await runLoad({
  baseUrl: args.get('url')!,
  executor: executorOf(),
  requestTimeoutMs: 10_000,
  history,
  // BENCH_DEBUG=1: progress on stderr, to see when iterations drop.
  ...(process.env['BENCH_DEBUG'] ? { onProgress: (p) => console.error(`${p.elapsedMs.toFixed(0)} ms dropped ${p.droppedIterations} active ${p.activeVus} requests ${p.requests}`) } : {}),
  // A scenario's shape: what is asked goes into the op's value, the answer decides its outcome.
  iteration: async (vu) => {
    await vu.op('get', { vu: vu.id, iteration: vu.iteration }, async () => {
      const res = await vu.http.request('get', 'GET', '/');
      return res.status === 200 ? ok() : classifyUnexpected(res);
    });
  },
});
const cpuS = cpuSecondsSince(cpu);
const ops = history.counts()['get'] ?? { ok: 0, fail: 0, info: 0 };
emit({
  requests: summary.requests,
  errors: summary.status.error + summary.status.conflict,
  durationS: summary.durationMs / 1000,
  cpuS,
  p50Ms: summary.latency.p50Ms,
  p99Ms: summary.latency.p99Ms,
  peakRssMiB: peakRssMiB(),
  extra: {
    historyOps: ops.ok + ops.fail + ops.info,
    iterations: summary.iterations.completed + summary.iterations.failed,
    droppedIterations: summary.droppedIterations,
    ...(summary.latencyCorrected ? { correctedP99Ms: summary.latencyCorrected.p99Ms } : {}),
    heapUsedMiB: process.memoryUsage().heapUsed / 2 ** 20,
  },
});
