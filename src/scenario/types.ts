/**
 * What a scenario file exports: options with defaults, data setup through the target's API,
 * the per-VU iteration, the checks that prove its invariants, and the fixture it created.
 * A scenario file is data plus three functions (see ../shared/notes/anchors.md, point 8).
 */
import type { Checker, CheckScope } from '../checks/checker.ts';
import type { ConnectionSettings } from '../config/connections.ts';
import type { TargetHttpClient } from '../engine/http-client.ts';
import type { History } from '../engine/history.ts';
import type { ExecutorConfig } from '../engine/types.ts';
import type { VuContext } from '../engine/vu.ts';
import type { StrategyKind } from '../model/compare.ts';
import type { OptionSpec } from '../options/option.ts';
import type { OperationName } from '../profile/schema.ts';
import type { Fixture, FixtureRequest } from '../profile/setup.ts';
import type { TargetOps } from '../profile/target-ops.ts';

/**
 * A scenario's own option, declared once in the scenario file: its flag (`--seats <n>`), help
 * text and kind of value (src/options/values.ts), e.g.
 * `{ flags: '--seats <n>', description: 'seats contested (default 1)', parse: positiveInt({ max: 10_000 }) }`.
 * The CLI builds the commander option from it and hands `options()` the parsed value under
 * commander's attribute name (`seats`, `writeShare`).
 */
export type ScenarioFlag = OptionSpec<number | string | boolean>;

/** Values given to `setup`. */
export interface SetupContext {
  /** Client for the target (not timed into the run's metrics). */
  readonly http: TargetHttpClient;
  /** The target's operations, as its profile declares them; iterations use them (keep it in the data). */
  readonly target: TargetOps;
  /** The service database's name (`{database}` in the profile's templates, e.g. its Redis keys). */
  readonly database: string;
  /**
   * Creates a fresh schedule with its seats and users through the profile's setup.
   * @throws TicketbenchError SETUP_FAILED / TARGET_BAD_RESPONSE (src/profile/setup.ts)
   */
  createFixture(request: FixtureRequest): Promise<Fixture>;
  /** The datastores of the run, for scenarios that sample them during the load (queue-ttl samples Redis). */
  readonly connections: ConnectionSettings;
}

/** The target's times a scenario may plan with, ms. */
export interface TargetTimings {
  /** How long a hold lasts before it expires. */
  readonly holdTtlMs: number;
  /** The seat-lock lease. */
  readonly lockTtlMs: number;
  /** How often expired holds are swept (the bundled target's; an assumption for other targets). */
  readonly expirySweepMs: number;
  /** How long the read cache may serve an answer (the profile's `timings.cacheTtlMs`, else the bundled target's). */
  readonly cacheTtlMs: number;
}

/** Shared-by-all scenario settings derived by the runner. */
export interface ScenarioRunSettings {
  readonly executor: ExecutorConfig;
  /** The target's times, when the runner knows them (absent while flags are only being checked). */
  readonly target?: TargetTimings;
}

/**
 * A scenario. `O` is its resolved options, `D` the data its setup created.
 * Scenario-specific flag values arrive in `options()` keyed by the flag's camelCase name.
 */
export interface Scenario<O extends Record<string, string | number | boolean>, D> {
  readonly name: string;
  /** What it exercises and which invariant it proves, one paragraph. */
  readonly description: string;
  /** VUs when `--vus` is not given. */
  readonly defaultVus: number;
  /** The profile operations its iterations perform; a profile without one of them is refused before the run. */
  readonly operations: readonly OperationName[];

  /**
   * Which of the bundled target's strategies this scenario races, and so which `compare
   * --strategies` varies: `hold` (seat-hold strategies, `TARGET_STRATEGY`; the default) or
   * `wallet` (wallet strategies, `TARGET_WALLET_STRATEGY`).
   */
  readonly strategyKind?: StrategyKind;
  /**
   * Settings the bundled target should run with for this scenario when the run does not set them
   * itself, e.g. hold-expiry's short hold time (`--hold-ttl` wins).
   */
  readonly targetDefaults?: { readonly holdTtlMs?: number };
  /**
   * The waiting queue a service started by ticketbench should run with, from the resolved options
   * (queue-ttl's `--capacity`, `--pass-ttl`, `--advance-interval`): given to a profile's start
   * command as `{queueCapacity}`, `{queuePassTtlMs}`, `{queueAdvanceMs}`.
   */
  queueSettings?(options: O): { readonly capacity: number; readonly passTtlMs: number; readonly advanceMs: number };
  /**
   * Iterations of `shared-iterations` when `--iterations` is not given, from the scenario's own
   * flags (e.g. one per user); one per VU when absent.
   */
  defaultIterations?(flags: Readonly<Record<string, unknown>>): number;
  readonly flags: readonly ScenarioFlag[];
  /**
   * Default k6-style thresholds (speed), judged apart from the checks (correctness), e.g.
   * `['errors:rate<0.01']`; syntax in src/thresholds/parse.ts. A `--threshold` measuring the same
   * metric, tags and aggregation replaces a default.
   */
  readonly thresholds?: readonly string[];
  /**
   * Resolves options from the scenario flags given (undefined = not given) and the executor.
   * @throws TicketbenchError INVALID_OPTION for an impossible combination.
   */
  options(flags: Readonly<Record<string, unknown>>, settings: ScenarioRunSettings): O;
  /**
   * Creates fresh data through the target (its own concert/schedule, so runs never collide).
   * @throws TicketbenchError TARGET_BAD_RESPONSE / SETUP_FAILED when the target answers garbage.
   */
  setup(ctx: SetupContext, options: O): Promise<D>;
  /** One iteration for one VU. Record every state-changing request with `vu.op`. */
  iteration(vu: VuContext, data: D, options: O): Promise<void>;
  /** Which data the checks look at (wallet scenarios add the wallets they exercise). */
  scope(data: D, options: O): Pick<CheckScope, 'scheduleIds' | 'seatCount' | 'wallets' | 'queue'>;
  /** The checks of this scenario, in report order. */
  checkers(options: O, settings: ScenarioRunSettings): readonly Checker<any>[];
  /** Ids of the data created, for the report. */
  fixture(data: D): Record<string, number | string>;
  /**
   * Scenario-level figures from the history (e.g. seats sold, attempts per sale, sell-out time
   * in ms), shown in the report's "Scenario results"; optional.
   */
  summarize?(history: History, data: D, options: O): Record<string, number | string>;
}

export type { StrategyKind } from '../model/compare.ts';

/** Any scenario, for registries and runners. */
export type AnyScenario = Scenario<any, any>;

/** Identity helper that checks a scenario object against the contract with types inferred. */
export function defineScenario<O extends Record<string, string | number | boolean>, D>(scenario: Scenario<O, D>): Scenario<O, D> {
  return scenario;
}
