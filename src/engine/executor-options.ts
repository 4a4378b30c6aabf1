/**
 * k6's shortcut flags (`--vus`, `--iterations`, `--duration`) and the arrival-rate flags
 * (`--executor`, `--rate`, `--time-unit`, `--pre-allocated-vus`, `--max-vus`, `--start-rate`,
 * `--stages`) normalised into one executor config, with every problem reported as a sentence.
 * Source: k6 `lib/executor` and its derivation of scenarios from `--vus/--iterations/--duration`.
 */
import { TicketbenchError } from '../errors.ts';
import { EXECUTOR_NAMES } from './executors/index.ts';
import type { ExecutorConfig, RateStage } from './types.ts';

/** Upper bound on VUs: one keep-alive connection each, on a 2-core machine shared with the target. */
export const MAX_VUS = 10_000;
/** Hard stop of `shared-iterations` when no duration is given, ms (k6's default maxDuration is 10m). */
export const DEFAULT_MAX_DURATION_MS = 10 * 60_000;

/** Iterations per `timeUnitMs` are counted per second unless `--time-unit` says otherwise (k6's default). */
export const DEFAULT_TIME_UNIT_MS = 1000;

/** The executor flags as given (undefined = not given). */
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

type ExecutorName = (typeof EXECUTOR_NAMES)[number];

/** The flags that only the arrival-rate executors take, with their CLI spelling. */
const OPEN_MODEL_FLAGS = [
  ['rate', '--rate'],
  ['timeUnitMs', '--time-unit'],
  ['preAllocatedVUs', '--pre-allocated-vus'],
  ['maxVUs', '--max-vus'],
  ['startRate', '--start-rate'],
  ['stages', '--stages'],
] as const satisfies readonly (readonly [keyof ExecutorFlags, string])[];

function invalid(sentence: string): TicketbenchError {
  return new TicketbenchError('INVALID_OPTION', sentence);
}

/** "--a", "--a and --b", "--a, --b and --c". */
function listFlags(flags: readonly string[]): string {
  return flags.length <= 1 ? (flags[0] ?? '') : `${flags.slice(0, -1).join(', ')} and ${flags.at(-1)!}`;
}

/**
 * Builds the executor config. Without `--executor` it is derived as before: `--duration` alone →
 * `constant-vus`; otherwise `shared-iterations` with `iterations` defaulting to the scenario's
 * default, else one per VU. The
 * arrival-rate executors are chosen only by name, as in k6, because their flags mean nothing to
 * a closed model. `preAllocatedVUs` defaults to the scenario's VUs (capped by `--max-vus`),
 * `maxVUs` to `preAllocatedVUs` (k6's default), `--time-unit` to 1s, `--start-rate` to 0.
 * @throws TicketbenchError INVALID_OPTION with one sentence for an unknown executor, a missing or
 *   conflicting flag, or a value out of range.
 */
export function executorFromFlags(flags: ExecutorFlags, defaults: { vus: number; iterations?: number | undefined }): ExecutorConfig {
  if (flags.executor !== undefined && !(EXECUTOR_NAMES as readonly string[]).includes(flags.executor)) {
    throw invalid(`--executor "${flags.executor}" is not an executor; use one of ${EXECUTOR_NAMES.join(', ')}.`);
  }
  const name = flags.executor as ExecutorName | undefined;
  if (name === 'constant-arrival-rate' || name === 'ramping-arrival-rate') return arrivalRateFromFlags(name, flags, defaults);

  const openOnly = OPEN_MODEL_FLAGS.filter(([key]) => flags[key] !== undefined).map(([, flag]) => flag);
  if (openOnly.length > 0) {
    throw invalid(
      `${listFlags(openOnly)} ${openOnly.length === 1 ? 'applies' : 'apply'} only to the arrival-rate executors; ` +
        'add --executor constant-arrival-rate (--rate, --duration) or --executor ramping-arrival-rate (--start-rate, --stages).',
    );
  }
  const vus = flags.vus ?? defaults.vus;
  if (!Number.isInteger(vus) || vus < 1 || vus > MAX_VUS) {
    throw invalid(`--vus must be an integer from 1 to ${MAX_VUS}, got ${vus}.`);
  }
  if (flags.iterations !== undefined && flags.durationMs !== undefined) {
    throw invalid('Give --iterations or --duration, not both: iterations select shared-iterations, a duration selects constant-vus.');
  }
  if (name === 'constant-vus' && flags.iterations !== undefined) {
    throw invalid('--iterations does not apply to constant-vus, which loops each VU for --duration.');
  }
  if (name === 'constant-vus' && flags.durationMs === undefined) {
    throw invalid('--executor constant-vus needs --duration, e.g. --duration 30s.');
  }
  if (name === 'shared-iterations' && flags.durationMs !== undefined) {
    throw invalid('--duration does not apply to shared-iterations, which runs --iterations; use --executor constant-vus to loop for a duration.');
  }
  if (flags.durationMs !== undefined) return { executor: 'constant-vus', vus, durationMs: flags.durationMs };
  const iterations = flags.iterations ?? defaults.iterations ?? vus;
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw invalid(`--iterations must be a positive integer, got ${iterations}.`);
  }
  return { executor: 'shared-iterations', vus, iterations, maxDurationMs: DEFAULT_MAX_DURATION_MS };
}

function arrivalRateFromFlags(name: 'constant-arrival-rate' | 'ramping-arrival-rate', flags: ExecutorFlags, defaults: { vus: number }): ExecutorConfig {
  if (flags.iterations !== undefined) {
    throw invalid(`--iterations does not apply to ${name}, which starts iterations on a schedule; the rate and duration set how many.`);
  }
  if (flags.vus !== undefined) {
    throw invalid(`--vus does not apply to ${name}; give --pre-allocated-vus and --max-vus instead.`);
  }
  const timeUnitMs = flags.timeUnitMs ?? DEFAULT_TIME_UNIT_MS;
  if (!Number.isFinite(timeUnitMs) || timeUnitMs <= 0) throw invalid(`--time-unit must be longer than 0, got ${timeUnitMs} ms.`);
  for (const [value, flag] of [
    [flags.preAllocatedVUs, '--pre-allocated-vus'],
    [flags.maxVUs, '--max-vus'],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > MAX_VUS)) {
      throw invalid(`${flag} must be an integer from 1 to ${MAX_VUS}, got ${value}.`);
    }
  }
  const preAllocatedVUs = flags.preAllocatedVUs ?? Math.min(defaults.vus, flags.maxVUs ?? defaults.vus);
  const maxVUs = flags.maxVUs ?? preAllocatedVUs;
  if (maxVUs < preAllocatedVUs) {
    throw invalid(`--max-vus ${maxVUs} is below --pre-allocated-vus ${preAllocatedVUs}; maxVUs must be at least the VUs allocated up front.`);
  }

  if (name === 'constant-arrival-rate') {
    const ramping = [flags.startRate !== undefined ? '--start-rate' : '', flags.stages !== undefined ? '--stages' : ''].filter(Boolean);
    if (ramping.length > 0) {
      throw invalid(`${listFlags(ramping)} belong${ramping.length === 1 ? 's' : ''} to ramping-arrival-rate; constant-arrival-rate takes --rate and --duration.`);
    }
    if (flags.rate === undefined) throw invalid('--executor constant-arrival-rate needs --rate, the iterations to start per --time-unit (default 1s).');
    if (!Number.isFinite(flags.rate) || flags.rate <= 0) throw invalid(`--rate must be greater than 0, got ${flags.rate}.`);
    if (flags.durationMs === undefined) throw invalid('--executor constant-arrival-rate needs --duration, e.g. --duration 30s.');
    return { executor: name, rate: flags.rate, timeUnitMs, durationMs: flags.durationMs, preAllocatedVUs, maxVUs };
  }

  if (flags.rate !== undefined) throw invalid('--rate belongs to constant-arrival-rate; ramping-arrival-rate takes --start-rate and --stages.');
  if (flags.durationMs !== undefined) throw invalid('--duration does not apply to ramping-arrival-rate: the --stages durations add up to its length.');
  if (flags.stages === undefined || flags.stages.length === 0) {
    throw invalid('--executor ramping-arrival-rate needs --stages, e.g. --stages 30s:100,1m:500,30s:0 (duration:target rate).');
  }
  const startRate = flags.startRate ?? 0;
  if (!Number.isFinite(startRate) || startRate < 0) throw invalid(`--start-rate must be 0 or more, got ${startRate}.`);
  flags.stages.forEach((stage, i) => {
    if (!Number.isFinite(stage.durationMs) || stage.durationMs <= 0 || !Number.isFinite(stage.target) || stage.target < 0) {
      throw invalid(`--stages stage ${i + 1} needs a duration above 0 and a target of 0 or more, got ${stage.durationMs} ms to ${stage.target}.`);
    }
  });
  if (startRate === 0 && flags.stages.every((s) => s.target === 0)) {
    throw invalid('--start-rate and every --stages target are 0, so no iteration would ever start.');
  }
  return { executor: name, startRate, timeUnitMs, stages: flags.stages, preAllocatedVUs, maxVUs };
}

/**
 * Parses k6-style stages `duration:target,...`, e.g. `30s:100,1m:500,30s:0`: ramp linearly to
 * 100 iterations per time unit over 30 s, then to 500 over 1 min, then down to 0 over 30 s.
 * @throws TicketbenchError INVALID_OPTION naming the flag and the bad stage.
 */
export function parseStages(text: string, flag = '--stages'): RateStage[] {
  const parts = text.split(',').map((part) => part.trim());
  return parts.map((part, i) => {
    const match = /^([^:]+):(\d+)$/.exec(part);
    let durationMs: number | undefined;
    if (match) {
      try {
        durationMs = parseDuration(match[1]!, flag);
      } catch {
        durationMs = undefined;
      }
    }
    if (!match || durationMs === undefined) {
      throw invalid(`${flag} stage ${i + 1} "${part}" is not duration:target, e.g. 30s:100 (a duration above 0 and a whole target rate of 0 or more).`);
    }
    return { durationMs, target: Number(match[2]) };
  });
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a k6-style duration (`500ms`, `30s`, `2m`, `1m30s`, `1h`) into milliseconds.
 * @throws TicketbenchError INVALID_OPTION naming the flag when the text is not such a duration or is zero.
 */
export function parseDuration(text: string, flag = '--duration'): number {
  const trimmed = text.trim();
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (trimmed === '' || parts.map((p) => p[0]).join('') !== trimmed) {
    throw new TicketbenchError('INVALID_OPTION', `${flag} "${text}" is not a duration; use e.g. 30s, 2m, 1m30s or 500ms.`);
  }
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
  if (ms <= 0) throw new TicketbenchError('INVALID_OPTION', `${flag} must be longer than 0, got "${text}".`);
  return Math.round(ms);
}

/**
 * Parses a positive integer flag value.
 * @throws TicketbenchError INVALID_OPTION naming the flag.
 */
export function parsePositiveInt(text: string, flag: string, max = Number.MAX_SAFE_INTEGER): number {
  return parseIntFrom(1, text, flag, max);
}

/**
 * Parses an integer flag value that may be 0, e.g. `--start-rate 0`.
 * @throws TicketbenchError INVALID_OPTION naming the flag.
 */
export function parseNonNegativeInt(text: string, flag: string, max = Number.MAX_SAFE_INTEGER): number {
  return parseIntFrom(0, text, flag, max);
}

/** A whole number written in digits, from `min` to `max`. */
function parseIntFrom(min: number, text: string, flag: string, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new TicketbenchError('INVALID_OPTION', `${flag} must be an integer from ${min} to ${max}, got "${text}".`);
  }
  return value;
}
