/**
 * The deliberately broken variants selected by `SEATLINE_FAULT`. They exist so that ticketbench's
 * checks can be shown to catch a double booking and a lost update against a real service.
 */

/** Every accepted `SEATLINE_FAULT` value; `none` is the correct service. */
export const FAULTS = ['none', 'no-seat-lock', 'lost-update-points', 'queue-over-admit'] as const;

/**
 * Which broken variant runs:
 * - `none`: the safe service.
 * - `no-seat-lock`: hold skips the Redis lock and checks availability outside any transaction.
 * - `lost-update-points`: charge reads the balance unlocked and writes back read value + amount.
 * - `queue-over-admit`: the waiting-room scheduler admits QUEUE_OVER_ADMIT users beyond capacity.
 */
export type Fault = (typeof FAULTS)[number];

/**
 * Parses a `SEATLINE_FAULT` value.
 * @param raw the variable's value; undefined or empty means `none`.
 * @throws Error naming the accepted values when `raw` is not one of them.
 */
export function parseFault(raw: string | undefined): Fault {
  const value = raw === undefined || raw.trim() === '' ? 'none' : raw.trim();
  const known = FAULTS.find((fault) => fault === value);
  if (!known) throw new Error(`Unknown SEATLINE_FAULT "${value}" (expected one of: ${FAULTS.join(', ')})`);
  return known;
}

/** Users `queue-over-admit` lets in beyond the capacity. */
export const QUEUE_OVER_ADMIT = 3;

/**
 * The pause a faulty variant takes between its unguarded read and its write, in milliseconds:
 * long enough that concurrent requests reliably interleave inside the window.
 */
export const FAULT_RACE_WINDOW_MS = 5;
