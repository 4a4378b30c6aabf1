/**
 * The executors' options, declared once beside them: k6's shortcut flags (`--vus`,
 * `--iterations`, `--duration`) and the arrival-rate flags, each with the config field it sets,
 * its kind of value and its unit, and which executors take it (k6 keeps an executor's config and
 * validation with the executor: `lib/executor`). The option layer (src/options/executor-flags.ts)
 * parses and validates them into an ExecutorConfig; the executors themselves only ever see that
 * typed config.
 */
import { option, type OptionSpec } from '../../options/option.ts';
import { duration, positiveInt, nonNegativeInt, stages, text } from '../../options/values.ts';
import type { EXECUTOR_NAMES } from './index.ts';

/** Upper bound on VUs: one keep-alive connection each, on a 2-core machine shared with the target. */
export const MAX_VUS = 10_000;
/** Hard stop of `shared-iterations` when no duration is given, ms (k6's default maxDuration is 10m). */
export const DEFAULT_MAX_DURATION_MS = 10 * 60_000;
/** Iterations per `timeUnitMs` are counted per second unless `--time-unit` says otherwise (k6's default). */
export const DEFAULT_TIME_UNIT_MS = 1000;

/** An executor's k6 type name. */
export type ExecutorName = (typeof EXECUTOR_NAMES)[number];

/** Every executor option, by the ExecutorConfig field (or selector) it sets. */
export const EXECUTOR_OPTIONS = {
  vus: option({ flags: '--vus <n>', description: 'virtual users (scenario default otherwise)', parse: positiveInt({ max: MAX_VUS }) }),
  iterations: option({ flags: '--iterations <n>', description: 'iterations shared by all VUs (shared-iterations; default one per VU)', parse: positiveInt() }),
  durationMs: option({
    flags: '--duration <d>',
    description: 'run each VU in a loop for this long, e.g. 30s (constant-vus), or start iterations at --rate for this long (constant-arrival-rate)',
    parse: duration(),
  }),
  executor: option({
    flags: '--executor <name>',
    description: 'shared-iterations | constant-vus | constant-arrival-rate | ramping-arrival-rate (default: constant-vus with --duration, else shared-iterations)',
    parse: text(),
  }),
  rate: option({ flags: '--rate <n>', description: 'iterations started per --time-unit, however long earlier ones take (constant-arrival-rate)', parse: positiveInt() }),
  timeUnitMs: option({ flags: '--time-unit <d>', description: 'period of --rate, --start-rate and stage targets (arrival-rate executors; default 1s)', parse: duration() }),
  preAllocatedVUs: option({ flags: '--pre-allocated-vus <n>', description: 'VUs created before the start (arrival-rate executors; default the scenario VUs)', parse: positiveInt({ max: MAX_VUS }) }),
  maxVUs: option({ flags: '--max-vus <n>', description: 'most VUs; an iteration due while all are busy is dropped (arrival-rate executors; default --pre-allocated-vus)', parse: positiveInt({ max: MAX_VUS }) }),
  startRate: option({ flags: '--start-rate <n>', description: 'rate at the start (ramping-arrival-rate; default 0)', parse: nonNegativeInt() }),
  stages: option({ flags: '--stages <list>', description: 'duration:target ramps, e.g. 30s:100,1m:500,30s:0 (ramping-arrival-rate)', parse: stages() }),
} as const satisfies Record<string, OptionSpec>;

/** A field EXECUTOR_OPTIONS sets. */
export type ExecutorOptionKey = keyof typeof EXECUTOR_OPTIONS;

/** The options only the arrival-rate (open-model) executors take, in the order messages list them. */
export const OPEN_MODEL_OPTIONS: readonly ExecutorOptionKey[] = ['rate', 'timeUnitMs', 'preAllocatedVUs', 'maxVUs', 'startRate', 'stages'];
