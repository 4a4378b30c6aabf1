/**
 * When the nemesis acts: `--nemesis-schedule AFTER:FAULT:HEAL` (k6-style durations): the first
 * fault starts AFTER into the load, lasts FAULT, then the system has HEAL to recover before the
 * next, until the load ends. Which fault and which instance come from a seeded random stream, so a
 * failing run replays with the same `--nemesis-seed`.
 */
import { TicketbenchError } from '../errors.ts';
import { parseDuration } from '../options/values.ts';

/** The nemesis's timing, ms. */
export interface NemesisSchedule {
  readonly afterMs: number;
  readonly faultMs: number;
  readonly healMs: number;
}

/** The default: a fault 2 s into the load, 2 s long, 3 s to recover. */
export const DEFAULT_NEMESIS_SCHEDULE = '2s:2s:3s';

/**
 * Parses `AFTER:FAULT:HEAL`, e.g. `2s:3s:5s` or `500ms:1s:1s`.
 * @throws TicketbenchError INVALID_OPTION naming the flag and the part that is wrong
 */
export function parseNemesisSchedule(text: string): NemesisSchedule {
  const parts = text.split(':');
  if (parts.length !== 3) throw new TicketbenchError('INVALID_OPTION', `--nemesis-schedule "${text}" is not AFTER:FAULT:HEAL, e.g. 2s:3s:5s.`);
  const [afterMs, faultMs, healMs] = parts.map((part, i) => parseDuration(part, `--nemesis-schedule (${['AFTER', 'FAULT', 'HEAL'][i]})`)) as [number, number, number];
  if (faultMs <= 0) throw new TicketbenchError('INVALID_OPTION', `--nemesis-schedule "${text}": FAULT must be longer than 0.`);
  return { afterMs, faultMs, healMs };
}

/**
 * A seeded pseudo-random stream in [0, 1): mulberry32 (Tommy Ettinger's 32-bit generator, public
 * domain), small and good enough to choose faults and instances reproducibly.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
