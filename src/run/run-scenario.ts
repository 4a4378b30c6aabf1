/**
 * One `ticketbench run`: infra up → target (the bundled one, the profile's, or `targetUrl`) →
 * scenario setup → load → checks (through the profile's stores), assembled
 * into a RunReport. Emits RunEventMap events for the views and returns the report; it writes no
 * file (src/run/run-and-write.ts adds the report files, as `run` and `compare` want). The CLI,
 * tests and other programs call this same function.
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { resolveFaults, startNemesis, type FaultRecord } from '../nemesis/nemesis.ts';
import type { NemesisSchedule } from '../nemesis/schedule.ts';
import { startTargetLinks } from '../nemesis/target-links.ts';
import { redactUrl, type ConnectionSettings } from '../config/connections.ts';
import { runCheckers, type Checker, type CheckScope } from '../checks/checker.ts';
import type { CheckResult } from '../checks/types.ts';
import { openStores } from '../checks/stores.ts';
import { composeVerdicts } from '../checks/types.ts';
import { History } from '../engine/history.ts';
import { TargetHttpClient } from '../engine/http-client.ts';
import { maxVus } from '../engine/executors/index.ts';
import { runLoad } from '../engine/run-load.ts';
import type { ExecutorConfig, LoadSummary } from '../engine/types.ts';
import { TicketbenchError } from '../errors.ts';
import { infraStatus, infraUp, type ServerStatus } from '../infra/index.ts';
import { resolveStateDir } from '../infra/paths.ts';
import { startObservation } from '../observe/observe-run.ts';
import { formatDuration, formatExecutor, formatThresholdValue } from '../report/format.ts';
import type { AnyScenario, ScenarioRunSettings, TargetTimings } from '../scenario/types.ts';
import { evaluateThresholds, firstBreach, measuredFromLoad, measuredFromProgress, type LatencySource } from '../thresholds/evaluate.ts';
import { resolveThresholds, type Threshold } from '../thresholds/parse.ts';
import { BUNDLED_TARGET_SETTINGS, validateCache, validateStrategy, validateWalletStrategy, type RunningTarget } from '../target/launch.ts';
import { assertStartable, startTarget } from '../target/start-target.ts';
import { kafkaScopeOf, serviceDatabase, serviceMysqlUrl } from '../profile/database.ts';
import { bundledTargetProfile } from '../profile/default-profile.ts';
import { profileFolder, type LoadedProfile } from '../profile/load.ts';
import type { TargetProfile } from '../profile/schema.ts';
import { createFixture } from '../profile/setup.ts';
import { TargetOps } from '../profile/target-ops.ts';

import { describeMachine } from './machine.ts';
import type { NemesisReport, RunReport } from '../model/run-report.ts';
import type { RunEmitter, RunEventMap } from './types.ts';

/** Everything a run needs; the CLI builds this from flags. */
export interface RunScenarioOptions {
  readonly scenario: AnyScenario;
  /** Scenario-specific flag values by camelCase name (undefined = not given). */
  readonly scenarioFlags: Readonly<Record<string, unknown>>;
  readonly executor: ExecutorConfig;
  readonly connections: ConnectionSettings;
  /** Run `infra up` first (default true). */
  readonly infra?: boolean;
  /**
   * Drive this running target instead of starting the profile's (the bundled one by default);
   * several instances as a comma-separated list of origins.
   */
  readonly targetUrl?: string;
  /** Instances of the target ticketbench starts (default 1); the VUs are spread over them. */
  readonly targetInstances?: number;
  /** Faults to inject during the load (`--nemesis`), their schedule and the seed of their choice. */
  readonly nemesis?: { readonly faults: readonly string[]; readonly schedule: NemesisSchedule; readonly seed: number };
  /** How to drive and check the target (src/profile/); the bundled target's profile when absent. */
  readonly profile?: LoadedProfile;
  /** Check ids that must not be skipped (`--require-check`): a skipped one becomes a failure. */
  readonly requireChecks?: readonly string[];
  /** Seat-hold strategy of the bundled target (default redis-lock); not with `targetUrl`. */
  readonly strategy?: string;
  /** Wallet strategy of the bundled target (default pessimistic); not with `targetUrl`. */
  readonly walletStrategy?: string;
  /** Read cache of the bundled target, `off` (default) or `on`; not with `targetUrl`. */
  readonly cache?: string;
  /**
   * The target's hold lifetime, ms: set on the bundled target (default: the scenario's
   * `targetDefaults`, else 5 min); with `targetUrl`, what the checks assume of it.
   */
  readonly holdTtlMs?: number;
  /** The target's seat-lock lease, ms: set on the bundled target (default 5 s); with `targetUrl`, what the checks assume. */
  readonly lockTtlMs?: number;
  /** Per-request timeout, ms. */
  readonly requestTimeoutMs: number;
  /** Longest wait for the outbox and consumer to settle before checking, ms. */
  readonly settleTimeoutMs?: number;
  readonly stateDir?: string;
  /**
   * k6-style thresholds (`--threshold`), parsed or as expressions; the scenario's defaults are
   * added unless one of these measures the same thing (see resolveThresholds).
   */
  readonly thresholds?: readonly (Threshold | string)[];
  readonly emitter?: RunEmitter;
  readonly signal?: AbortSignal;
}

/** The outcome of a run. */
export interface RunOutcome {
  readonly report: RunReport;
  /** The recorded operations, for further checking. */
  readonly history: History;
  /** What the checks looked at. */
  readonly scope: CheckScope;
}

/**
 * What a run resolves from its options before it starts anything: the profile and its operations,
 * the target's times, the scenario's options and checks, the bundled target's settings and the
 * thresholds. `setup` and `verify` (src/k6/) resolve the same way, so they judge what `run` would.
 */
export interface RunPlan {
  readonly loaded: LoadedProfile;
  readonly profile: TargetProfile;
  /** The profile's operations; told when most answers of one are unreadable (see `unreadable`). */
  readonly target: TargetOps;
  readonly timings: TargetTimings;
  readonly settings: ScenarioRunSettings;
  /** The scenario's resolved options (`Scenario.options`). */
  readonly scenarioOptions: Record<string, string | number | boolean>;
  readonly checkers: readonly Checker<any>[];
  /** Bundled target's settings, `external` when ticketbench does not start it. */
  readonly strategy: string;
  readonly walletStrategy: string;
  readonly cache: string;
  readonly faults: ReturnType<typeof resolveFaults>;
  /** The service database's name and URL. */
  readonly database: string;
  readonly serviceUrl: string;
  readonly thresholds: readonly Threshold[];
  /** Aborted when the profile does not fit the service: most answers of one operation unreadable. */
  readonly profileAbort: AbortController;
  /** Why `profileAbort` was aborted, once it was. */
  unreadable(): string | undefined;
}

/**
 * Resolves and validates a run's options without starting anything (see RunPlan).
 * @throws TicketbenchError INVALID_OPTION for a profile lacking the scenario's operations, an
 *   impossible scenario option, an unknown `--require-check`, bundled-target settings with
 *   another target or profile, a bad strategy or threshold; what assertStartable throws.
 */
export function planRun(options: RunScenarioOptions): RunPlan {
  const loaded = options.profile ?? bundledTargetProfile();
  const profile = loaded.profile;
  const bundled = profile.start === 'bundled';
  // A profile that does not fit the service stops the load: a run of unreadable answers proves nothing.
  const profileAbort = new AbortController();
  let unreadable: string | undefined;
  const target = new TargetOps(profile, (message) => {
    unreadable = message;
    profileAbort.abort();
  });
  target.require(options.scenario.operations, options.scenario.name);
  const startsItself = options.targetUrl === undefined;
  // A scenario's own hold time (hold-expiry's 3 s) applies when ticketbench starts the service and
  // can tell it: the bundled target, or a start command whose environment takes {holdTtlMs}.
  const holdTtlSettable = startsItself && (bundled || (typeof profile.start === 'object' && Object.values(profile.start.env).some((v) => v.includes('{holdTtlMs}'))));
  const timings: TargetTimings = {
    holdTtlMs: options.holdTtlMs ?? (holdTtlSettable ? options.scenario.targetDefaults?.holdTtlMs : undefined) ?? profile.timings?.holdTtlMs ?? BUNDLED_TARGET_SETTINGS.holdTtlMs,
    lockTtlMs: options.lockTtlMs ?? profile.timings?.lockTtlMs ?? BUNDLED_TARGET_SETTINGS.lockTtlMs,
    expirySweepMs: profile.timings?.expirySweepMs ?? BUNDLED_TARGET_SETTINGS.expirySweepMs,
    cacheTtlMs: profile.timings?.cacheTtlMs ?? BUNDLED_TARGET_SETTINGS.cacheTtlMs,
  };
  const settings = { executor: options.executor, target: timings };
  const scenarioOptions = options.scenario.options(options.scenarioFlags, settings);
  const checkers = options.scenario.checkers(scenarioOptions, settings);
  const unknownRequired = (options.requireChecks ?? []).filter((id) => !checkers.some((c) => c.id === id));
  if (unknownRequired.length > 0) {
    throw new TicketbenchError('INVALID_OPTION', `--require-check ${unknownRequired.join(', ')}: scenario ${options.scenario.name} has no such check; its checks: ${checkers.map((c) => c.id).join(', ')}.`);
  }
  // The CLI turns a bad combination into a flag-spelled sentence first (src/cli/target-flags.ts);
  // this guards programmatic callers.
  const bundledSettings = (['strategy', 'walletStrategy', 'cache'] as const).filter((key) => options[key] !== undefined);
  if (options.targetUrl !== undefined && bundledSettings.length > 0) {
    throw new TicketbenchError('INVALID_OPTION', `${bundledSettings.join(', ')} configure${bundledSettings.length === 1 ? 's' : ''} the bundled target; a run driving targetUrl cannot set ${bundledSettings.length === 1 ? 'it' : 'them'}.`);
  }
  if (!bundled && bundledSettings.length > 0) {
    throw new TicketbenchError('INVALID_OPTION', `${bundledSettings.join(', ')} configure${bundledSettings.length === 1 ? 's' : ''} the bundled target; profile "${profile.name}" describes another service.`);
  }
  const runsBundled = startsItself && bundled;
  const strategy = runsBundled ? validateStrategy(options.strategy ?? BUNDLED_TARGET_SETTINGS.strategy) : 'external';
  const walletStrategy = runsBundled ? validateWalletStrategy(options.walletStrategy ?? BUNDLED_TARGET_SETTINGS.walletStrategy) : 'external';
  const cache = runsBundled ? validateCache(options.cache ?? BUNDLED_TARGET_SETTINGS.cache) : 'external';
  assertStartable(loaded, options.targetUrl);
  const faults = options.nemesis ? resolveFaults(options.nemesis.faults, { startsTargets: options.targetUrl === undefined, bundled, connections: options.connections }) : [];
  const database = serviceDatabase(options.connections.mysqlUrl, profile);
  const serviceUrl = serviceMysqlUrl(options.connections.mysqlUrl, profile);
  const thresholds = resolveThresholds(options.scenario.name, options.scenario.thresholds, options.thresholds ?? []);
  return { loaded, profile, target, timings, settings, scenarioOptions, checkers, strategy, walletStrategy, cache, faults, database, serviceUrl, thresholds, profileAbort, unreadable: () => unreadable };
}

/**
 * Starts the target instances the run drives (`targetInstances` of the profile's service, or
 * none with `targetUrl`), pushing each one started into `running` as it comes up so the caller
 * stops them even when a later one fails.
 * @param connections the stores the instances are given (the nemesis's relays when it needs them)
 * @returns the instances' base URLs, first the one setup and the server counters use
 * @throws what startTarget throws (a target that does not start)
 */
export async function startInstances(options: RunScenarioOptions, plan: RunPlan, stateDir: string, emitter: RunEmitter, running: RunningTarget[], connections: ConnectionSettings = options.connections): Promise<string[]> {
  const externalUrls = options.targetUrl?.split(',').map((url) => url.trim());
  const instanceCount = externalUrls?.length ?? options.targetInstances ?? 1;
  const instanceUrls: string[] = [];
  for (let instance = 1; instance <= instanceCount; instance++) {
    const driven = await startTarget(plan.loaded, {
      connections,
      stateDir,
      ...(externalUrls === undefined ? {} : { targetUrl: externalUrls[instance - 1]! }),
      bundled: { strategy: plan.strategy, walletStrategy: plan.walletStrategy, cache: plan.cache },
      holdTtlMs: plan.timings.holdTtlMs,
      lockTtlMs: plan.timings.lockTtlMs,
      ...(options.scenario.queueSettings ? { queue: options.scenario.queueSettings(plan.scenarioOptions) } : {}),
      ...(instanceCount > 1 ? { instance } : {}),
      onStart: (what) => emitter.emit('phase', 'target', `starting ${what}${instanceCount > 1 ? ` (instance ${instance} of ${instanceCount})` : ''}`),
    });
    instanceUrls.push(driven.baseUrl);
    if (driven.running) {
      running.push(driven.running);
      emitter.emit('notice', `target service listening on ${driven.baseUrl} (pid ${driven.running.pid}, log ${driven.running.logFile})`);
    }
  }
  return instanceUrls;
}

/**
 * The scenario's setup against the target at `baseUrl`: fresh data through the profile.
 * @returns what the scenario's setup returned (its `D`)
 * @throws TicketbenchError SETUP_FAILED / TARGET_BAD_RESPONSE (src/profile/setup.ts)
 */
export async function setupScenarioData(options: Pick<RunScenarioOptions, 'scenario' | 'connections'>, plan: RunPlan, baseUrl: string, emitter: RunEmitter): Promise<unknown> {
  emitter.emit('phase', 'setup', `creating fresh ${options.scenario.name} data`);
  const setupHttp = new TargetHttpClient(baseUrl, { connections: 2, timeoutMs: 30_000 });
  const setupContext = {
    http: setupHttp,
    connections: options.connections,
    target: plan.target,
    database: plan.database,
    createFixture: (request: Parameters<typeof createFixture>[2]) => createFixture(plan.profile, { http: setupHttp, mysqlUrl: plan.serviceUrl, cwd: profileFolder(plan.loaded) }, request),
  };
  return options.scenario.setup(setupContext, plan.scenarioOptions).finally(() => setupHttp.close());
}

/**
 * The checks of a finished load: the scenario's checkers against the stores, through the profile,
 * scoped to the run's data; `--require-check` applied.
 * @param runStartedAtMs epoch ms at the start of the load
 * @param targetsStarted true when ticketbench started the service (its consumer group is known)
 * @returns the results in report order and the scope they looked at; never throws for a check
 */
export async function checkRun(
  options: Pick<RunScenarioOptions, 'scenario' | 'connections' | 'requireChecks' | 'settleTimeoutMs'>,
  plan: RunPlan,
  data: unknown,
  history: History,
  runStartedAtMs: number,
  targetsStarted: boolean,
  emitter: RunEmitter,
): Promise<{ checks: CheckResult[]; scope: CheckScope }> {
  emitter.emit('phase', 'checks', 'reading MySQL, Redis and Kafka');
  const scope: CheckScope = {
    ...options.scenario.scope(data, plan.scenarioOptions),
    runStartedAtMs,
    ...plan.timings,
    ...kafkaScopeOf(plan.profile, plan.database, targetsStarted),
    settleTimeoutMs: options.settleTimeoutMs ?? 30_000,
  };
  const stores = openStores(options.connections, plan.profile);
  const required = new Set(options.requireChecks ?? []);
  const checks = await runCheckers(plan.checkers, stores, scope, history, (r) => emitter.emit('check', requireCheck(r, required))).finally(() => stores.close());
  for (let i = 0; i < checks.length; i++) checks[i] = requireCheck(checks[i]!, required);
  return { checks, scope };
}

/** What assembleReport puts together besides the run's options and plan. */
export interface ReportParts {
  readonly data: unknown;
  readonly history: History;
  readonly load: LoadSummary;
  readonly thresholds: RunReport['thresholds'];
  readonly checks: RunReport['checks'];
  readonly aborted?: { readonly reason: string } | undefined;
  readonly observed?: RunReport['observed'];
  readonly nemesis?: NemesisReport | undefined;
  /** Base URLs of the target instances driven. */
  readonly instanceUrls: readonly string[];
  /** True when ticketbench started the target on this machine. */
  readonly targetSharesMachine: boolean;
  readonly infraStarted: readonly string[];
  readonly statuses: readonly ServerStatus[];
  readonly startedAt: Date;
}

/** The RunReport of a run (or a verified k6 run) from its plan and parts; pure apart from reading the machine. */
export function assembleReport(options: Pick<RunScenarioOptions, 'scenario' | 'connections' | 'executor' | 'requestTimeoutMs'>, plan: RunPlan, parts: ReportParts): RunReport {
  return {
    format: 1,
    scenario: options.scenario.name,
    profile: plan.profile.name,
    ...(parts.nemesis ? { nemesis: parts.nemesis } : {}),
    description: options.scenario.description,
    options: {
      ...plan.scenarioOptions,
      strategy: plan.strategy,
      walletStrategy: plan.walletStrategy,
      cache: plan.cache,
      holdTtlMs: plan.timings.holdTtlMs,
      lockTtlMs: plan.timings.lockTtlMs,
      vus: maxVus(options.executor),
      executor: options.executor.executor,
      requestTimeoutMs: options.requestTimeoutMs,
      ...(parts.instanceUrls.length > 1 ? { targetInstances: parts.instanceUrls.length } : {}),
    },
    connections: {
      mysql: redactUrl(options.connections.mysqlUrl),
      redis: redactUrl(options.connections.redisUrl),
      kafka: options.connections.kafkaBrokers.join(','),
      target: parts.instanceUrls.join(','),
    },
    targetSharesMachine: parts.targetSharesMachine,
    infraStarted: [...parts.infraStarted],
    machine: describeMachine([...parts.statuses]),
    fixture: options.scenario.fixture(parts.data),
    load: parts.load,
    results: options.scenario.summarize?.(parts.history, parts.data, plan.scenarioOptions) ?? {},
    checks: parts.checks,
    verdict: composeVerdicts(parts.checks.map((c) => c.verdict)),
    thresholds: parts.thresholds,
    ...(parts.aborted ? { aborted: parts.aborted } : {}),
    ...(parts.observed ? { observed: parts.observed } : {}),
    startedAt: parts.startedAt.toISOString(),
    endedAt: new Date().toISOString(),
  };
}

/**
 * Runs a scenario end to end: planRun → infra → startInstances → setupScenarioData → load →
 * thresholds → checkRun → assembleReport.
 * @throws TicketbenchError for bad options (INVALID_OPTION), unavailable infrastructure
 *   (INFRA_UNAVAILABLE, KAFKA_SETUP_FAILED), a target that does not start or answers garbage
 *   during setup, a bad threshold (INVALID_OPTION). Failed checks and thresholds are not errors:
 *   they are in the report (`verdict`, `thresholds`); a breached abortOnFail threshold stops the
 *   load early, and the run is still checked and reported with `aborted` set.
 */
export async function runScenario(options: RunScenarioOptions): Promise<RunOutcome> {
  const emitter: RunEmitter = options.emitter ?? new EventEmitter<RunEventMap>();
  const startedAt = new Date();
  const stateDir = resolveStateDir(options.stateDir);
  const plan = planRun(options);
  const { thresholds, faults, scenarioOptions } = plan;

  emitter.emit('phase', 'infra', options.infra === false ? 'checking MySQL, Redis and Kafka' : 'bringing up MySQL, Redis and Kafka');
  const statuses = await prepareInfra(options, stateDir, emitter);

  const running: RunningTarget[] = [];
  // Network faults act through relays between the target instances and MySQL and Redis.
  const links = faults.some((f) => f.needsLinks) ? await startTargetLinks(options.connections) : undefined;
  try {
    const instanceUrls = await startInstances(options, plan, stateDir, emitter, running, links?.connections);
    // Setup and the server counters go to the first instance; the load to all of them.
    const baseUrl = instanceUrls[0]!;
    const data = await setupScenarioData(options, plan, baseUrl, emitter);

    emitter.emit('phase', 'load', describeExecutor(options.executor));
    const history = new History();
    // Server counters around the load; never fails the run (unreadable ones become notes).
    const observation = await startObservation({ targetUrl: baseUrl, mysqlUrl: options.connections.mysqlUrl });
    const runStartedAtMs = Date.now();
    // A breached abortOnFail threshold stops the load the way Ctrl-C does, so what happened is
    // still checked and reported.
    const thresholdAbort = new AbortController();
    const loadSignal = AbortSignal.any([...(options.signal ? [options.signal] : []), thresholdAbort.signal, plan.profileAbort.signal]);
    const breaches = new Map<string, number>();
    let latencies: LatencySource | undefined;
    // The nemesis acts while the load runs, and heals whatever it did before anything else happens.
    const nemesis = options.nemesis && faults.length > 0 ? startNemesis(faults, options.nemesis.schedule, options.nemesis.seed, { targets: running, connections: options.connections, database: plan.database, stateDir, ...(links ? { links: links.links } : {}) }, performance.now(), (message) => emitter.emit('notice', message)) : undefined;
    const load = await runLoad({
      baseUrl,
      ...(instanceUrls.length > 1 ? { instances: instanceUrls } : {}),
      executor: options.executor,
      requestTimeoutMs: options.requestTimeoutMs,
      iteration: (vu) => options.scenario.iteration(vu, data, scenarioOptions),
      history,
      onProgress: (snapshot, live, final) => {
        latencies = live;
        emitter.emit('progress', snapshot);
        // The final snapshot comes after the load ended by itself: nothing is left to stop, and
        // the end-of-run evaluation judges it.
        if (final || breaches.size > 0 || loadSignal.aborted) return;
        const breach = firstBreach(thresholds, measuredFromProgress(snapshot, live));
        if (!breach) return;
        breaches.set(breach.threshold.expression, snapshot.elapsedMs);
        emitter.emit('notice', `threshold ${breach.threshold.expression} breached after ${formatDuration(snapshot.elapsedMs)} (${formatThresholdValue(breach.actual, breach.threshold.unit)}): stopping the load (abortOnFail)`);
        thresholdAbort.abort();
      },
      signal: loadSignal,
    }).catch(async (err: unknown) => {
      await nemesis?.stop();
      await observation.close();
      throw err;
    });
    const faultTimeline = await nemesis?.stop();
    await observation.loadEnded();
    const unreadable = plan.unreadable();
    if (unreadable !== undefined) {
      await observation.close();
      throw new TicketbenchError('TARGET_BAD_RESPONSE', unreadable);
    }

    const thresholdResults = evaluateThresholds(thresholds, measuredFromLoad(load, latencies), breaches);
    const [breach] = breaches;
    const aborted = breach
      ? { reason: `threshold ${breach[0]} breached after ${formatDuration(breach[1])} of load` }
      : options.signal?.aborted
        ? { reason: 'interrupted' }
        : undefined;

    const { checks, scope } = await checkRun(options, plan, data, history, runStartedAtMs, running.length > 0, emitter);
    // After the checks: they waited for the outbox relay and consumer, whose counters now include this run's sales.
    const observed = await observation.finish(load);
    for (const note of observed.notes) emitter.emit('notice', note);

    const report = assembleReport(options, plan, {
      data,
      history,
      load,
      thresholds: thresholdResults,
      checks,
      aborted,
      observed,
      ...(options.nemesis && faultTimeline ? { nemesis: nemesisReport(options.nemesis, faultTimeline, history) } : {}),
      instanceUrls,
      targetSharesMachine: running.length > 0,
      infraStarted: statuses.started,
      statuses: statuses.statuses,
      startedAt,
    });
    return { report, history, scope };
  } finally {
    await Promise.all(running.map((target) => target.stop()));
    await links?.close();
  }
}

/**
 * The report's nemesis section: each fault with the operations that ended `info` while it was in
 * force and how long after its heal the first operation succeeded (null: none did).
 */
function nemesisReport(settings: NonNullable<RunScenarioOptions['nemesis']>, timeline: readonly FaultRecord[], history: History): NemesisReport {
  const ops = history.ops();
  return {
    faults: [...settings.faults],
    schedule: settings.schedule,
    seed: settings.seed,
    timeline: timeline.map((row) => {
      const [from, to] = [row.startMs * 1000, row.endMs * 1000];
      let opsInfo = 0;
      let firstOk = Infinity;
      for (const op of ops) {
        // Requests in flight when the fault struck went info then too: judged by their completion.
        if (op.type === 'info' && op.completeUs >= from && op.completeUs <= to) opsInfo += 1;
        if (op.type === 'ok' && op.completeUs > to && op.completeUs < firstOk) firstOk = op.completeUs;
      }
      return { ...row, opsInfo, firstOkAfterHealMs: firstOk === Infinity ? null : Math.round((firstOk - to) / 100) / 10 };
    }),
  };
}

/** A skipped check named by `--require-check` fails: CI asked for its verdict and did not get one. */
function requireCheck(result: CheckResult, required: ReadonlySet<string>): CheckResult {
  if (result.verdict !== 'skipped' || !required.has(result.id)) return result;
  return { ...result, verdict: 'fail', summary: `required by --require-check but ${result.summary}` };
}

/**
 * Brings up (or, with `infra: false`, only probes) MySQL, Redis and Kafka.
 * @returns the servers ticketbench started and every server's status
 * @throws TicketbenchError INFRA_UNAVAILABLE with `infra: false` when one is not reachable
 */
export async function prepareInfra(options: Pick<RunScenarioOptions, 'connections' | 'infra'>, stateDir: string, emitter: RunEmitter): Promise<{ started: string[]; statuses: ServerStatus[] }> {
  const infraOptions = { connections: options.connections, stateDir, log: (message: string) => emitter.emit('notice', message) };
  if (options.infra !== false) {
    const up = await infraUp(infraOptions);
    for (const name of up.started) emitter.emit('notice', `started ${name} (stop it with: ticketbench infra down)`);
    return { started: up.started, statuses: up.statuses };
  }
  const statuses = await infraStatus(infraOptions);
  const down = statuses.filter((s) => !s.reachable);
  if (down.length > 0) {
    const list = down.map((s) => `${s.name} at ${s.address}`).join(', ');
    throw new TicketbenchError('INFRA_UNAVAILABLE', `Not reachable with --no-infra: ${list}; start them or drop --no-infra to let ticketbench bring them up.`);
  }
  return { started: [], statuses };
}

function describeExecutor(executor: ExecutorConfig): string {
  switch (executor.executor) {
    case 'shared-iterations':
      return `${executor.vus} VUs, shared-iterations, ${executor.iterations} iterations`;
    case 'constant-vus':
      return `${executor.vus} VUs, constant-vus, ${Math.round(executor.durationMs / 1000)} s`;
    default:
      return formatExecutor(executor);
  }
}
