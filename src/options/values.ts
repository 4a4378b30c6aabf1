/**
 * The kinds of value an option takes, each a parser from the flag's text to a typed value whose
 * every rejection is one sentence naming the flag (TicketbenchError INVALID_OPTION, exit 2).
 * Declarations (src/options/option.ts) use the curried kinds (`positiveInt({ max })`,
 * `duration()`, `share()`…), so a flag's spelling is written once, in its declaration.
 * Durations follow k6's syntax (`500ms`, `30s`, `1m30s`, `1h`); k6 stages are `duration:target`.
 */
import { TicketbenchError } from '../errors.ts';
import type { RateStage } from '../model/run-report.ts';

/** Parses one flag's text; `flag` is how the message names it, e.g. `--seats`. */
export type ValueParser<T> = (text: string, flag: string) => T;

function invalid(sentence: string): TicketbenchError {
  return new TicketbenchError('INVALID_OPTION', sentence);
}

/** A whole number written in digits, from `min` to `max`. */
function parseIntFrom(min: number, text: string, flag: string, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw invalid(`${flag} must be an integer from ${min} to ${max}, got "${text}".`);
  }
  return value;
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

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a k6-style duration (`500ms`, `30s`, `2m`, `1m30s`, `1h`) into milliseconds.
 * @throws TicketbenchError INVALID_OPTION naming the flag when the text is not such a duration or is zero.
 */
export function parseDuration(text: string, flag = '--duration'): number {
  const trimmed = text.trim();
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (trimmed === '' || parts.map((p) => p[0]).join('') !== trimmed) {
    throw invalid(`${flag} "${text}" is not a duration; use e.g. 30s, 2m, 1m30s or 500ms.`);
  }
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
  if (ms <= 0) throw invalid(`${flag} must be longer than 0, got "${text}".`);
  return Math.round(ms);
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

/**
 * Parses a share: `30%` or `0.3`, within [0, 1].
 * @throws TicketbenchError INVALID_OPTION naming the flag.
 */
export function parseShare(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  const value = match ? Number(match[1]) / (match[2] ? 100 : 1) : NaN;
  if (!(value >= 0 && value <= 1)) throw invalid(`${flag} must be a share between 0 and 1 or 0% and 100%, e.g. 30%; got "${text}".`);
  return value;
}

/**
 * Parses a whole percentage 0–100 (a trailing `%` allowed), e.g. `5` or `5%`.
 * @throws TicketbenchError INVALID_OPTION naming the flag.
 */
export function parsePercent(text: string, flag: string): number {
  const trimmed = text.trim().replace(/%$/, '');
  const value = Number(trimmed);
  if (!/^\d+(\.\d+)?$/.test(trimmed) || !(value >= 0 && value <= 100)) {
    throw invalid(`${flag} must be a percentage from 0 to 100, got "${text}".`);
  }
  return value;
}

/** An integer ≥ 1 (and ≤ `max`). */
export const positiveInt = (bounds: { readonly max?: number } = {}): ValueParser<number> => (text, flag) => parsePositiveInt(text, flag, bounds.max);

/** An integer ≥ 0 (and ≤ `max`). */
export const nonNegativeInt = (bounds: { readonly max?: number } = {}): ValueParser<number> => (text, flag) => parseNonNegativeInt(text, flag, bounds.max);

/** A k6 duration, in ms. */
export const duration = (): ValueParser<number> => parseDuration;

/** A share in [0, 1], written `30%` or `0.3`. */
export const share = (): ValueParser<number> => parseShare;

/** A percentage 0–100. */
export const percent = (): ValueParser<number> => parsePercent;

/** k6 stages `duration:target,…`. */
export const stages = (): ValueParser<RateStage[]> => parseStages;

/** Any text (checked later, e.g. an executor or strategy name). */
export const text = (): ValueParser<string> => (value) => value;

/**
 * One of `values`, e.g. `oneOf(['uniform', 'hot'])`: `--pick must be uniform or hot, got "x".`
 */
export function oneOf<const V extends string>(values: readonly V[]): ValueParser<V> {
  const list = values.length <= 1 ? (values[0] ?? '') : `${values.slice(0, -1).join(', ')} or ${values.at(-1)!}`;
  return (value, flag) => {
    if (!(values as readonly string[]).includes(value)) throw invalid(`${flag} must be ${list}, got "${value}".`);
    return value as V;
  };
}
