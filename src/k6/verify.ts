/**
 * `ticketbench verify`: a k6 run of an exported script, judged as `run` judges its own load. The
 * k6 JSON output files (one per k6 instance) are read twice, streaming: first for the run's time
 * span and to make sure they hold `ticketbench_op` points, then to rebuild the History (one
 * operation per `ticketbench_op` point) and the request metrics (one request per
 * `http_req_duration` point, by its `name` tag). The checks, thresholds and report are run's own
 * stages (src/run/run-scenario.ts): planRun, checkRun, assembleReport.
 */
import { EventEmitter } from 'node:events';
import type { ConnectionSettings } from '../config/connections.ts';
import { History, type OpFields, type OpOutcome } from '../engine/history.ts';
import { RunMetrics, summarizeLoad } from '../engine/metrics.ts';
import { TicketbenchError } from '../errors.ts';
import type { LoadSummary } from '../engine/types.ts';
import { bundledTargetProfile } from '../profile/default-profile.ts';
import { resolveStateDir } from '../infra/paths.ts';
import { loadProfile, type LoadedProfile } from '../profile/load.ts';
import { assembleReport, checkRun, planRun, prepareInfra, type RunOutcome, type RunScenarioOptions } from '../run/run-scenario.ts';
import type { RunEmitter, RunEventMap } from '../run/types.ts';
import type { AnyScenario } from '../scenario/types.ts';
import { evaluateThresholds, measuredFromLoad } from '../thresholds/evaluate.ts';
import type { Threshold } from '../thresholds/parse.ts';
import type { FixtureFile } from './fixture.ts';
import { readK6Output } from './k6-output.ts';

/** The metric an exported script records each operation in. */
export const OP_METRIC = 'ticketbench_op';

/** What verify judges and how. */
export interface VerifyOptions {
  readonly scenario: AnyScenario;
  /** The fixture file's content (readFixture), of the same scenario. */
  readonly fixture: FixtureFile;
  /** k6 JSON output files, one per k6 instance (`.gz` or not). */
  readonly k6Outputs: readonly string[];
  readonly connections: ConnectionSettings;
  /** The profile; without it the fixture's (its file), else the bundled target's. */
  readonly profile?: LoadedProfile;
  /** More thresholds (`--threshold`), added to the fixture's and the scenario's defaults. */
  readonly thresholds?: readonly (Threshold | string)[];
  readonly requireChecks?: readonly string[];
  /** Longest wait for the outbox and consumer to settle, ms. */
  readonly settleTimeoutMs?: number;
  readonly emitter?: RunEmitter;
}

/** What the k6 output gave: the History and the load summary. */
export interface K6Run {
  readonly history: History;
  readonly load: LoadSummary;
  /** The request metrics, for thresholds on any percentile. */
  readonly metrics: RunMetrics;
  /** Epoch ms of the first operation or request. */
  readonly startedAtMs: number;
}

/** k6's error codes of requests without an answer (k6 docs, "Error codes"), as the engine names them. */
function errorName(code: string | undefined): string {
  if (code === '1050') return 'timeout';
  if (code === '1211' || code === '1212') return 'ECONNREFUSED';
  return code === undefined || code === '' ? 'no-answer' : `k6-error-${code}`;
}

/** Parses a JSON tag holding an operation's fields; throws a one-line error naming the file. */
function fieldsOf(text: string | undefined, file: string, what: string): OpFields {
  if (text === undefined) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as OpFields;
  } catch {
    // reported below
  }
  throw new TicketbenchError('INVALID_OPTION', `--k6-output ${file} has a ${OP_METRIC} point whose ${what} tag is not a JSON object; was it written by a script from ticketbench export k6?`);
}

/**
 * Reads k6 output files into a History and a load summary (operations of all files merge into one
 * history; requests into one set of metrics).
 * @param executor the executor the load ran with (the fixture's), for the summary
 * @throws TicketbenchError INVALID_OPTION (exit 2): a file that is not k6 JSON output, or that
 *   holds no `ticketbench_op` point, or an operation point without its tags
 */
export async function readK6Run(files: readonly string[], executor: LoadSummary['executor']): Promise<K6Run> {
  if (files.length === 0) throw new TicketbenchError('INVALID_OPTION', 'verify needs --k6-output FILE (k6 run --out json=FILE), one per k6 instance.');
  // Pass 1: the run's span, and that every file comes from an exported script.
  let startUs = Infinity;
  let endUs = -Infinity;
  for (const file of files) {
    let ops = 0;
    await readK6Output(file, (p) => {
      if (p.metric === OP_METRIC) {
        ops += 1;
        const invoked = Number(p.tags['invoked_us']);
        if (Number.isFinite(invoked)) startUs = Math.min(startUs, invoked);
        endUs = Math.max(endUs, p.timeUs);
      } else if (p.metric === 'http_req_duration') {
        startUs = Math.min(startUs, p.timeUs - p.value * 1000);
        endUs = Math.max(endUs, p.timeUs);
      }
    });
    if (ops === 0) throw new TicketbenchError('INVALID_OPTION', `--k6-output ${file} has no ${OP_METRIC} points: it is not the output of a script from ticketbench export k6 (or k6 ran without --out json).`);
  }
  // Pass 2: operations and requests, times relative to the start.
  const history = new History();
  const metrics = new RunMetrics(0);
  let iterations = 0;
  let dropped = 0;
  for (const file of files) {
    await readK6Output(file, (p) => {
      switch (p.metric) {
        case OP_METRIC: {
          const t = p.tags;
          const outcome = t['outcome'];
          const invoked = Number(t['invoked_us']);
          const completed = Number(t['completed_us']);
          if (t['op'] === undefined || (outcome !== 'ok' && outcome !== 'fail' && outcome !== 'info') || !Number.isFinite(invoked) || !Number.isFinite(completed)) {
            throw new TicketbenchError('INVALID_OPTION', `--k6-output ${file} has a ${OP_METRIC} point without op, outcome ok/fail/info, invoked_us and completed_us tags; was it written by a script from ticketbench export k6?`);
          }
          history.record(history.invoke(), Number(t['vu_id'] ?? 0), t['op'], outcome as OpOutcome, fieldsOf(t['value'], file, 'value'), fieldsOf(t['result'], file, 'result'), t['error'], invoked - startUs, completed - startUs);
          break;
        }
        case 'http_req_duration': {
          const name = p.tags['name'] ?? p.tags['url'] ?? 'request';
          const status = Number(p.tags['status'] ?? 0);
          const completedAtMs = (p.timeUs - startUs) / 1000;
          if (status > 0) metrics.recordStatus(name, status, p.value * 1000, completedAtMs);
          else metrics.recordError(name, errorName(p.tags['error_code']), p.value * 1000, completedAtMs);
          break;
        }
        case 'iterations':
          iterations += p.value;
          break;
        case 'dropped_iterations':
          dropped += p.value;
          break;
      }
    });
  }
  const durationMs = Math.max(0, (endUs - startUs) / 1000);
  const load = summarizeLoad(metrics, {
    executor,
    startedAt: new Date(startUs / 1000),
    durationMs,
    iterations: { completed: iterations, failed: 0 },
    droppedIterations: dropped,
    ops: history.counts(),
    corrected: false,
  });
  return { history, load, metrics, startedAtMs: startUs / 1000 };
}

/**
 * Judges a k6 run: rebuilds its History and load summary, then runs the scenario's checks against
 * the stores (scoped to the fixture's data), the thresholds (the scenario's, the fixture's, the
 * given ones) and assembles the RunReport, as `run` does after its load. Writes nothing.
 * @throws TicketbenchError INVALID_OPTION (exit 2) for bad k6 output or a fixture of another
 *   profile; INFRA_UNAVAILABLE (exit 4) when MySQL, Redis or Kafka cannot be reached
 */
export async function verifyK6Run(options: VerifyOptions): Promise<RunOutcome> {
  const emitter = options.emitter ?? new EventEmitter<RunEventMap>();
  const { fixture, scenario } = options;
  const profile = options.profile ?? (fixture.profile.file !== undefined ? await loadProfile(fixture.profile.file) : bundledTargetProfile());
  if (profile.profile.name !== fixture.profile.name) {
    throw new TicketbenchError('INVALID_OPTION', `--fixture was set up with profile "${fixture.profile.name}", not "${profile.profile.name}"; pass that profile with --profile.`);
  }
  const runOptions: RunScenarioOptions = {
    scenario,
    scenarioFlags: fixture.scenarioFlags,
    executor: fixture.executor,
    connections: options.connections,
    infra: false,
    // The load came from k6: ticketbench starts no target, and judges the one k6 drove.
    targetUrl: fixture.targetUrl ?? 'http://k6.invalid',
    profile,
    holdTtlMs: fixture.timings.holdTtlMs,
    lockTtlMs: fixture.timings.lockTtlMs,
    requestTimeoutMs: fixture.requestTimeoutMs,
    ...(options.settleTimeoutMs === undefined ? {} : { settleTimeoutMs: options.settleTimeoutMs }),
    requireChecks: options.requireChecks ?? [],
    thresholds: [...fixture.thresholds, ...(options.thresholds ?? [])],
    emitter,
  };
  const plan = { ...planRun(runOptions), strategy: fixture.strategy, walletStrategy: fixture.walletStrategy, cache: fixture.cache, timings: fixture.timings };
  // Bad input is told (exit 2) before the stores are even looked at.
  emitter.emit('phase', 'load', `reading k6 output: ${options.k6Outputs.join(', ')}`);
  const run = await readK6Run(options.k6Outputs, fixture.executor);
  emitter.emit('phase', 'infra', 'checking MySQL, Redis and Kafka');
  const statuses = await prepareInfra(runOptions, resolveStateDir(undefined), emitter);
  const thresholds = evaluateThresholds(plan.thresholds, measuredFromLoad(run.load, run.metrics), new Map());
  const { checks, scope } = await checkRun(runOptions, plan, fixture.data, run.history, run.startedAtMs, false, emitter);
  const report = assembleReport(runOptions, plan, {
    data: fixture.data,
    history: run.history,
    load: run.load,
    thresholds,
    checks,
    instanceUrls: [fixture.targetUrl ?? 'k6'],
    targetSharesMachine: false,
    infraStarted: statuses.started,
    statuses: statuses.statuses,
    startedAt: new Date(run.startedAtMs),
  });
  return { report, history: run.history, scope };
}
