/**
 * k6's shortcut flags (`--vus`, `--iterations`, `--duration`) and the arrival-rate flags,
 * normalised into one executor config, with every problem a sentence that names the flags as
 * their declarations spell them (src/engine/executors/flags.ts): the engine itself only ever sees
 * the typed ExecutorConfig.
 * Source: k6 `lib/executor` and its derivation of scenarios from `--vus/--iterations/--duration`.
 */
import { TicketbenchError } from '../errors.ts';
import { DEFAULT_MAX_DURATION_MS, DEFAULT_TIME_UNIT_MS, EXECUTOR_OPTIONS, MAX_VUS, OPEN_MODEL_OPTIONS, type ExecutorName, type ExecutorOptionKey } from '../engine/executors/flags.ts';
import { EXECUTOR_NAMES } from '../engine/executors/index.ts';
import type { ExecutorConfig, RateStage } from '../engine/types.ts';
import { flagOf, parseDeclared } from './option.ts';

/** The executor flags as given (undefined = not given); durations in ms, rates per time unit. */
export interface ExecutorFlags {
  /** k6 executor type name; derived from the other flags when not given. */
  readonly executor?: string | undefined;
  readonly vus?: number | undefined;
  readonly iterations?: number | undefined;
  /** ms */
  readonly durationMs?: number | undefined;
  /** Iterations started per time unit (`constant-arrival-rate`). */
  readonly rate?: number | undefined;
  /** ms */
  readonly timeUnitMs?: number | undefined;
  readonly preAllocatedVUs?: number | undefined;
  readonly maxVUs?: number | undefined;
  /** Rate at the start of `ramping-arrival-rate`, per time unit. */
  readonly startRate?: number | undefined;
  readonly stages?: readonly RateStage[] | undefined;
}

/** Each executor option's long flag as declared, e.g. `F.preAllocatedVUs` is `--pre-allocated-vus`. */
const F = Object.fromEntries(Object.entries(EXECUTOR_OPTIONS).map(([key, spec]) => [key, flagOf(spec)])) as Record<ExecutorOptionKey, string>;

function invalid(sentence: string): TicketbenchError {
  return new TicketbenchError('INVALID_OPTION', sentence);
}

/** "--a", "--a and --b", "--a, --b and --c". */
function listFlags(flags: readonly string[]): string {
  return flags.length <= 1 ? (flags[0] ?? '') : `${flags.slice(0, -1).join(', ')} and ${flags.at(-1)!}`;
}

/**
 * Parses the executor options commander collected (`opts`, keyed by attribute name) through
 * their declarations.
 * @throws TicketbenchError INVALID_OPTION naming the flag for a value that does not parse.
 */
export function executorFlagsFromOpts(opts: Readonly<Record<string, unknown>>): ExecutorFlags {
  return parseDeclared(EXECUTOR_OPTIONS, opts) as ExecutorFlags;
}

/**
 * Builds the executor config. Without `--executor` it is derived as k6 does: `--duration` alone →
 * `constant-vus`; otherwise `shared-iterations` with `iterations` defaulting to the scenario's
 * default, else one per VU. The arrival-rate executors are chosen only by name, as in k6, because
 * their flags mean nothing to a closed model. `preAllocatedVUs` defaults to the scenario's VUs
 * (capped by `--max-vus`), `maxVUs` to `preAllocatedVUs` (k6's default), `--time-unit` to 1s,
 * `--start-rate` to 0.
 * @throws TicketbenchError INVALID_OPTION with one sentence for an unknown executor, a missing or
 *   conflicting flag, or a value out of range.
 */
export function executorFromFlags(flags: ExecutorFlags, defaults: { vus: number; iterations?: number | undefined }): ExecutorConfig {
  if (flags.executor !== undefined && !(EXECUTOR_NAMES as readonly string[]).includes(flags.executor)) {
    throw invalid(`${F.executor} "${flags.executor}" is not an executor; use one of ${EXECUTOR_NAMES.join(', ')}.`);
  }
  const name = flags.executor as ExecutorName | undefined;
  if (name === 'constant-arrival-rate' || name === 'ramping-arrival-rate') return arrivalRateFromFlags(name, flags, defaults);

  const openOnly = OPEN_MODEL_OPTIONS.filter((key) => flags[key] !== undefined).map((key) => F[key]);
  if (openOnly.length > 0) {
    throw invalid(
      `${listFlags(openOnly)} ${openOnly.length === 1 ? 'applies' : 'apply'} only to the arrival-rate executors; ` +
        `add ${F.executor} constant-arrival-rate (${F.rate}, ${F.durationMs}) or ${F.executor} ramping-arrival-rate (${F.startRate}, ${F.stages}).`,
    );
  }
  const vus = flags.vus ?? defaults.vus;
  if (!Number.isInteger(vus) || vus < 1 || vus > MAX_VUS) {
    throw invalid(`${F.vus} must be an integer from 1 to ${MAX_VUS}, got ${vus}.`);
  }
  if (flags.iterations !== undefined && flags.durationMs !== undefined) {
    throw invalid(`Give ${F.iterations} or ${F.durationMs}, not both: iterations select shared-iterations, a duration selects constant-vus.`);
  }
  if (name === 'constant-vus' && flags.iterations !== undefined) {
    throw invalid(`${F.iterations} does not apply to constant-vus, which loops each VU for ${F.durationMs}.`);
  }
  if (name === 'constant-vus' && flags.durationMs === undefined) {
    throw invalid(`${F.executor} constant-vus needs ${F.durationMs}, e.g. ${F.durationMs} 30s.`);
  }
  if (name === 'shared-iterations' && flags.durationMs !== undefined) {
    throw invalid(`${F.durationMs} does not apply to shared-iterations, which runs ${F.iterations}; use ${F.executor} constant-vus to loop for a duration.`);
  }
  if (flags.durationMs !== undefined) return { executor: 'constant-vus', vus, durationMs: flags.durationMs };
  const iterations = flags.iterations ?? defaults.iterations ?? vus;
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw invalid(`${F.iterations} must be a positive integer, got ${iterations}.`);
  }
  return { executor: 'shared-iterations', vus, iterations, maxDurationMs: DEFAULT_MAX_DURATION_MS };
}

function arrivalRateFromFlags(name: 'constant-arrival-rate' | 'ramping-arrival-rate', flags: ExecutorFlags, defaults: { vus: number }): ExecutorConfig {
  if (flags.iterations !== undefined) {
    throw invalid(`${F.iterations} does not apply to ${name}, which starts iterations on a schedule; the rate and duration set how many.`);
  }
  if (flags.vus !== undefined) {
    throw invalid(`${F.vus} does not apply to ${name}; give ${F.preAllocatedVUs} and ${F.maxVUs} instead.`);
  }
  const timeUnitMs = flags.timeUnitMs ?? DEFAULT_TIME_UNIT_MS;
  if (!Number.isFinite(timeUnitMs) || timeUnitMs <= 0) throw invalid(`${F.timeUnitMs} must be longer than 0, got ${timeUnitMs} ms.`);
  for (const key of ['preAllocatedVUs', 'maxVUs'] as const) {
    const value = flags[key];
    if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > MAX_VUS)) {
      throw invalid(`${F[key]} must be an integer from 1 to ${MAX_VUS}, got ${value}.`);
    }
  }
  const preAllocatedVUs = flags.preAllocatedVUs ?? Math.min(defaults.vus, flags.maxVUs ?? defaults.vus);
  const maxVUs = flags.maxVUs ?? preAllocatedVUs;
  if (maxVUs < preAllocatedVUs) {
    throw invalid(`${F.maxVUs} ${maxVUs} is below ${F.preAllocatedVUs} ${preAllocatedVUs}; maxVUs must be at least the VUs allocated up front.`);
  }

  if (name === 'constant-arrival-rate') {
    const ramping = [flags.startRate !== undefined ? F.startRate : '', flags.stages !== undefined ? F.stages : ''].filter(Boolean);
    if (ramping.length > 0) {
      throw invalid(`${listFlags(ramping)} belong${ramping.length === 1 ? 's' : ''} to ramping-arrival-rate; constant-arrival-rate takes ${F.rate} and ${F.durationMs}.`);
    }
    if (flags.rate === undefined) throw invalid(`${F.executor} constant-arrival-rate needs ${F.rate}, the iterations to start per ${F.timeUnitMs} (default 1s).`);
    if (!Number.isFinite(flags.rate) || flags.rate <= 0) throw invalid(`${F.rate} must be greater than 0, got ${flags.rate}.`);
    if (flags.durationMs === undefined) throw invalid(`${F.executor} constant-arrival-rate needs ${F.durationMs}, e.g. ${F.durationMs} 30s.`);
    return { executor: name, rate: flags.rate, timeUnitMs, durationMs: flags.durationMs, preAllocatedVUs, maxVUs };
  }

  if (flags.rate !== undefined) throw invalid(`${F.rate} belongs to constant-arrival-rate; ramping-arrival-rate takes ${F.startRate} and ${F.stages}.`);
  if (flags.durationMs !== undefined) throw invalid(`${F.durationMs} does not apply to ramping-arrival-rate: the ${F.stages} durations add up to its length.`);
  if (flags.stages === undefined || flags.stages.length === 0) {
    throw invalid(`${F.executor} ramping-arrival-rate needs ${F.stages}, e.g. ${F.stages} 30s:100,1m:500,30s:0 (duration:target rate).`);
  }
  const startRate = flags.startRate ?? 0;
  if (!Number.isFinite(startRate) || startRate < 0) throw invalid(`${F.startRate} must be 0 or more, got ${startRate}.`);
  flags.stages.forEach((stage, i) => {
    if (!Number.isFinite(stage.durationMs) || stage.durationMs <= 0 || !Number.isFinite(stage.target) || stage.target < 0) {
      throw invalid(`${F.stages} stage ${i + 1} needs a duration above 0 and a target of 0 or more, got ${stage.durationMs} ms to ${stage.target}.`);
    }
  });
  if (startRate === 0 && flags.stages.every((s) => s.target === 0)) {
    throw invalid(`${F.startRate} and every ${F.stages} target are 0, so no iteration would ever start.`);
  }
  return { executor: name, startRate, timeUnitMs, stages: flags.stages, preAllocatedVUs, maxVUs };
}
