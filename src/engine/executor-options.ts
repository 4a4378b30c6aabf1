/**
 * k6's shortcut flags (`--vus`, `--iterations`, `--duration`) normalised into one executor
 * config, with every problem reported as a sentence.
 * Source: k6 `lib/executor` and its derivation of scenarios from `--vus/--iterations/--duration`.
 */
import { TicketbenchError } from '../errors.ts';
import type { ExecutorConfig } from './types.ts';

/** Upper bound on VUs: one keep-alive connection each, on a 2-core machine shared with the target. */
export const MAX_VUS = 10_000;
/** Hard stop of `shared-iterations` when no duration is given, ms (k6's default maxDuration is 10m). */
export const DEFAULT_MAX_DURATION_MS = 10 * 60_000;

/** The shortcut flags as given (undefined = not given). */
export interface ExecutorFlags {
  readonly vus?: number | undefined;
  readonly iterations?: number | undefined;
  /** ms */
  readonly durationMs?: number | undefined;
}

/**
 * Builds the executor config: `--duration` alone → `constant-vus`; otherwise
 * `shared-iterations` with `iterations` defaulting to the scenario's default, else one per VU.
 * @throws TicketbenchError INVALID_OPTION when both `--iterations` and `--duration` are given or a value is out of range.
 */
export function executorFromFlags(flags: ExecutorFlags, defaults: { vus: number; iterations?: number | undefined }): ExecutorConfig {
  const vus = flags.vus ?? defaults.vus;
  if (!Number.isInteger(vus) || vus < 1 || vus > MAX_VUS) {
    throw new TicketbenchError('INVALID_OPTION', `--vus must be an integer from 1 to ${MAX_VUS}, got ${vus}.`);
  }
  if (flags.iterations !== undefined && flags.durationMs !== undefined) {
    throw new TicketbenchError('INVALID_OPTION', 'Give --iterations or --duration, not both: iterations select shared-iterations, a duration selects constant-vus.');
  }
  if (flags.durationMs !== undefined) return { executor: 'constant-vus', vus, durationMs: flags.durationMs };
  const iterations = flags.iterations ?? defaults.iterations ?? vus;
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new TicketbenchError('INVALID_OPTION', `--iterations must be a positive integer, got ${iterations}.`);
  }
  return { executor: 'shared-iterations', vus, iterations, maxDurationMs: DEFAULT_MAX_DURATION_MS };
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
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new TicketbenchError('INVALID_OPTION', `${flag} must be an integer from 1 to ${max}, got "${text}".`);
  }
  return value;
}
