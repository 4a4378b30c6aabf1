/**
 * The flags every command that runs a scenario takes (`run`, `compare`): declared once here and
 * translated once into the settings runScenario needs, so both commands accept exactly the same
 * load, timeout, report, infra and connection flags.
 */
import { Command } from 'commander';
import path from 'node:path';
import type { ConnectionSettings } from '../config/connections.ts';
import { EXECUTOR_OPTIONS } from '../engine/executors/flags.ts';
import { executorFlagsFromOpts, executorFromFlags } from '../options/executor-flags.ts';
import { addDeclaredOptions, attributeOf, option, parseDeclared } from '../options/option.ts';
import { duration, parseDuration, parseNonNegativeInt, positiveInt } from '../options/values.ts';
import { TicketbenchError } from '../errors.ts';
import { resolveFaults } from '../nemesis/nemesis.ts';
import { FAULTS } from '../nemesis/registry.ts';
import { DEFAULT_NEMESIS_SCHEDULE, parseNemesisSchedule, type NemesisSchedule } from '../nemesis/schedule.ts';
import type { ExecutorConfig } from '../engine/types.ts';
import type { AnyScenario, ScenarioFlag } from '../scenario/types.ts';
import { parseThreshold, resolveThresholds, type Threshold } from '../thresholds/parse.ts';
import { addConnectionFlags, connectionsFromFlags } from './connection-flags.ts';
import type { CliIo } from './io.ts';

/** The target's times, which `run` and `compare` both take. */
export const TARGET_TIME_OPTIONS = {
  holdTtlMs: option({
    flags: '--hold-ttl <d>',
    description: "how long a hold lasts, e.g. 3s: set on the bundled target (in every run), what the checks assume of --target-url's (default 5m, or the scenario's)",
    parse: duration(),
  }),
  lockTtlMs: option({ flags: '--lock-ttl <d>', description: "the seat-lock lease, e.g. 5s: set on the bundled target (in every run), what the checks assume of --target-url's (default 5s)", parse: duration() }),
};

/** Most target instances one run starts (each is a process on this machine). */
export const MAX_TARGET_INSTANCES = 16;

/** How many instances of the target a run starts. */
export const TARGET_INSTANCES_OPTION = option({
  flags: '--target-instances <n>',
  description: `start this many instances of the target, the VUs spread over them (default 1, at most ${MAX_TARGET_INSTANCES}); with --target-url, list the instances' URLs instead`,
  parse: positiveInt({ max: MAX_TARGET_INSTANCES }),
});

/**
 * The target's times from `--hold-ttl` and `--lock-ttl`, in ms; absent when not given.
 * @throws TicketbenchError INVALID_OPTION naming the flag for a value that is not a duration.
 */
export function targetTimesFromFlags(opts: Readonly<Record<string, unknown>>): { holdTtlMs?: number; lockTtlMs?: number } {
  return parseDeclared(TARGET_TIME_OPTIONS, opts) as { holdTtlMs?: number; lockTtlMs?: number };
}

/**
 * Adds the shared run flags (`--vus`, `--iterations`, `--duration`, the arrival-rate flags
 * `--executor`, `--rate`, `--time-unit`, `--pre-allocated-vus`, `--max-vus`, `--start-rate`,
 * `--stages`, the target's times `--hold-ttl` and `--lock-ttl`, and `--timeout`, `--settle-timeout`, `--out`, `--ci`, `--no-infra`, the CI gates
 * `--threshold` (repeatable), `--summary-json`, `--junit`), the target profile (`--profile`,
 * `--require-check`) and the connection flags to a command
 * that takes `<scenario>`, and lets unknown options through: they are the scenario's own flags.
 * @param reportFolder false leaves out `--out <dir>` (for `setup`, whose `--out` is its fixture file)
 */
export function addRunFlags(command: Command, { reportFolder = true }: { reportFolder?: boolean } = {}): Command {
  const withLoad = addDeclaredOptions(command, [...Object.values(EXECUTOR_OPTIONS), ...Object.values(TARGET_TIME_OPTIONS), TARGET_INSTANCES_OPTION])
    .option('--timeout <d>', 'per-request timeout, e.g. 10s or 500ms', '10s')
    .option('--settle-timeout <d>', 'longest wait for the outbox and consumer to catch up before checking', '30s');
  // `setup` spends --out on its fixture file.
  return addConnectionFlags(
    (reportFolder ? withLoad.option('--out <dir>', 'report folder', 'reports') : withLoad)
      .option('--ci', 'plain output, no animation (also when stdout is not a terminal)')
      .option('--no-infra', 'do not start MySQL/Redis/Kafka or apply the schema; fail if they are not reachable')
      .option('--threshold <expr>', "k6-style threshold, repeatable, e.g. 'http_req_duration{name:hold}:p(95)<500' or 'errors:rate<0.01:abortOnFail' (failed: exit 3)", collect, [])
      .option('--nemesis <list>', `faults to inject during the load, comma-separated: ${[...FAULTS.keys()].join(', ')}`)
      .option('--nemesis-schedule <after:fault:heal>', `when: the first fault AFTER into the load, each lasting FAULT, then HEAL to recover (default ${DEFAULT_NEMESIS_SCHEDULE})`)
      .option('--nemesis-seed <n>', 'seed of the nemesis\'s choices (fault, instance); a report gives the one it used, to replay it')
      .option('--profile <file>', 'target profile (.ts, .js, .json, .yaml) describing the service to drive and check (default: the bundled target, profiles/bundled.ts)')
      .option('--require-check <id>', 'fail the run when this check is skipped (its inputs missing from the profile), repeatable', collect, [])
      .option('--summary-json <path>', 'also write a machine-readable summary (verdict, exit code, checks, thresholds, load figures) to this file')
      .option('--junit <path>', 'also write the checks and thresholds as JUnit XML to this file')
      .allowUnknownOption(true)
      .allowExcessArguments(true),
  );
}

/** commander's collector of a repeatable option (`--threshold`, `--require-check`): the values in order. */
export function collect(value: string, previous: readonly string[]): string[] {
  return [...previous, value];
}

/** The arguments commander did not know, less the scenario name: the scenario's own flags. */
export function scenarioArgsOf(command: Command, scenario: string): string[] {
  const rest = [...command.args];
  rest.splice(rest.indexOf(scenario), 1);
  return rest;
}

/** The run settings the shared flags give, as runScenario takes them. */
export interface RunFlagSettings {
  /** Scenario flag values by camelCase name. */
  readonly scenarioFlags: Record<string, unknown>;
  readonly executor: ExecutorConfig;
  readonly connections: ConnectionSettings;
  /** False with `--no-infra`. */
  readonly infra: boolean;
  /** Absolute report folder. */
  readonly outDir: string;
  /** ms */
  readonly requestTimeoutMs: number;
  /** ms */
  readonly settleTimeoutMs: number;
  readonly stateDir?: string;
  /** `--threshold` values, parsed (source `cli`); runScenario adds the scenario's defaults. */
  readonly thresholds: readonly Threshold[];
  /** `--hold-ttl`, ms; absent when not given. */
  readonly holdTtlMs?: number;
  /** `--lock-ttl`, ms; absent when not given. */
  readonly lockTtlMs?: number;
  /** `--require-check` ids: a skipped one fails the run. */
  readonly requireChecks: readonly string[];
  /** `--target-instances`; absent when not given. */
  readonly targetInstances?: number;
  /** `--nemesis` with its schedule and seed; absent without `--nemesis`. */
  readonly nemesis?: { readonly faults: readonly string[]; readonly schedule: NemesisSchedule; readonly seed: number };
}

/** Where `--summary-json` and `--junit` write, as absolute paths; absent when not asked for. */
export interface CiOutputPaths {
  readonly summaryJson?: string;
  readonly junit?: string;
}

/** The `--summary-json` and `--junit` paths, resolved against the working directory. */
export function ciOutputsFromFlags(opts: Readonly<Record<string, unknown>>): CiOutputPaths {
  return {
    ...(opts['summaryJson'] !== undefined ? { summaryJson: path.resolve(String(opts['summaryJson'])) } : {}),
    ...(opts['junit'] !== undefined ? { junit: path.resolve(String(opts['junit'])) } : {}),
  };
}

/**
 * Parses the shared flags (`opts` as commander gives them) and the scenario's own flags
 * (`scenarioArgs`), then validates the scenario's options, so bad input fails before any view or
 * server starts.
 * @throws TicketbenchError INVALID_OPTION with one sentence for any bad value.
 */
export function runSettingsFromFlags(scenario: AnyScenario, opts: Readonly<Record<string, unknown>>, scenarioArgs: readonly string[], io: CliIo, commandName = 'run'): RunFlagSettings {
  const scenarioFlags = parseScenarioFlags(scenario.flags, scenarioArgs, `${commandName} ${scenario.name}`, io);
  const executor = executorFromFlags(executorFlagsFromOpts(opts), { vus: scenario.defaultVus, iterations: scenario.defaultIterations?.(scenarioFlags) });
  const requestTimeoutMs = parseDuration(String(opts['timeout']), '--timeout');
  const settleTimeoutMs = parseDuration(String(opts['settleTimeout']), '--settle-timeout');
  const connections = connectionsFromFlags(opts);
  scenario.options(scenarioFlags, { executor });
  const thresholds = ((opts['threshold'] as readonly string[] | undefined) ?? []).map((text) => parseThreshold(text, 'cli'));
  // The scenario's own defaults are checked now too, so a bad one fails before any server starts.
  resolveThresholds(scenario.name, scenario.thresholds, thresholds);
  return {
    scenarioFlags,
    executor,
    connections,
    infra: opts['infra'] !== false,
    outDir: path.resolve(String(opts['out'] ?? 'reports')),
    requestTimeoutMs,
    settleTimeoutMs,
    ...(opts['stateDir'] ? { stateDir: String(opts['stateDir']) } : {}),
    thresholds,
    requireChecks: (opts['requireCheck'] as readonly string[] | undefined) ?? [],
    ...targetTimesFromFlags(opts),
    ...(parseDeclared({ targetInstances: TARGET_INSTANCES_OPTION }, opts) as { targetInstances?: number }),
    ...nemesisFromFlags(opts, connections),
  };
}

/**
 * `--nemesis`, `--nemesis-schedule` and `--nemesis-seed`; nothing without `--nemesis`.
 * @throws TicketbenchError INVALID_OPTION for a bad schedule or seed, or schedule/seed without `--nemesis`
 */
function nemesisFromFlags(opts: Readonly<Record<string, unknown>>, connections: ConnectionSettings): { nemesis?: RunFlagSettings['nemesis'] } {
  if (opts['nemesis'] === undefined) {
    const stray = (['nemesisSchedule', 'nemesisSeed'] as const).find((key) => opts[key] !== undefined);
    if (stray) throw new TicketbenchError('INVALID_OPTION', `--${stray === 'nemesisSeed' ? 'nemesis-seed' : 'nemesis-schedule'} needs --nemesis LIST (the faults to inject).`);
    return {};
  }
  const faults = String(opts['nemesis']).split(',').map((f) => f.trim()).filter((f) => f !== '');
  if (faults.length === 0) throw new TicketbenchError('INVALID_OPTION', `--nemesis needs at least one fault: ${[...FAULTS.keys()].join(', ')}.`);
  resolveFaults(faults, { startsTargets: opts['targetUrl'] === undefined, connections });
  const schedule = parseNemesisSchedule(String(opts['nemesisSchedule'] ?? DEFAULT_NEMESIS_SCHEDULE));
  // Without a seed, one is drawn and reported, so the run can be replayed.
  const seed = opts['nemesisSeed'] === undefined ? Math.floor(Math.random() * 2 ** 31) : parseNonNegativeInt(String(opts['nemesisSeed']), '--nemesis-seed', 2 ** 31 - 1);
  return { nemesis: { faults, schedule, seed } };
}

function parseScenarioFlags(flags: readonly ScenarioFlag[], args: readonly string[], name: string, io: CliIo): Record<string, unknown> {
  const parser = new Command(name)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .allowExcessArguments(false)
    .helpOption(false);
  addDeclaredOptions(parser, flags);
  parser.parse([...args], { from: 'user' });
  // Keyed by commander's attribute name, as scenarios read them (`--write-share` → `writeShare`).
  return parseDeclared(Object.fromEntries(flags.map((spec) => [attributeOf(spec), spec])), parser.opts());
}
