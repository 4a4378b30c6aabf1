/**
 * The seam between the hold route and the concurrency-control designs it can run with.
 * One file per strategy, registered by name in `index.ts`.
 */
import type { Pool } from '../db.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { Redis } from '../redis.ts';
import type { SoldSeats } from '../sold-seats.ts';
import type { StrategyRegistration } from '../strategy-registry.ts';

/** A validated hold request. Ids are positive integers. */
export interface HoldInput {
  readonly userId: number;
  readonly scheduleId: number;
  readonly seatNo: string;
}

/** A successful hold: the reservation row as inserted (the 201 body of `POST /api/reservations`). */
export interface HoldResult {
  readonly reservationId: number;
  readonly scheduleId: number;
  readonly seatNo: string;
  readonly userId: number;
  readonly status: 'HELD';
  /** When the expiry sweep may free the seat (database clock, UTC). */
  readonly expiresAt: Date;
}

/**
 * Counts the database write attempts one hold makes; the route answers it as the
 * `Hold-Attempts` header on success and on failure alike, so a strategy bumps `count` just before
 * each write transaction it opens (an answer given without writing leaves it at 0).
 */
export interface HoldAttempts {
  count: number;
}

/** A way of turning a hold request into a HELD reservation without double-holding a seat. */
export interface SeatHoldStrategy {
  /** Registry name, e.g. `redis-lock` (the `TARGET_STRATEGY` value). */
  readonly name: string;
  /**
   * Whether confirming a payment inserts the `confirmed_seat_guard` row (the PK that stops a
   * second confirmation of a seat). False only for a strategy that must be able to double-book.
   */
  readonly usesConfirmGuard: boolean;
  /**
   * Holds the seat for the user.
   * @param attempts incremented before each database write attempt (see `HoldAttempts`).
   * @throws HttpError 404 SEAT_NOT_FOUND / USER_NOT_FOUND, 409 SEAT_LOCKED (contention lost,
   *   strategies with a lock) / SEAT_UNAVAILABLE (seat HELD or SOLD) / SEAT_CONFLICT (optimistic
   *   retries exhausted) / SOLD_OUT (stock pre-check); anything else is a 500.
   */
  hold(input: HoldInput, attempts: HoldAttempts): Promise<HoldResult>;
  /**
   * Told by the expiry sweep, after its transaction committed, how many seats it made AVAILABLE
   * again per schedule. Only strategies that keep state outside MySQL implement it.
   * @param freed scheduleId → number of seats freed.
   */
  onSeatsFreed?(freed: ReadonlyMap<number, number>): Promise<void>;
  /**
   * Called after `POST /admin/fixtures` committed a new schedule with `seats` AVAILABLE seats.
   * Strategies with state outside MySQL reset it here: schedule ids repeat across databases
   * that share one Redis (other runs, recreated test databases), so a key of that id may be stale.
   */
  onScheduleCreated?(scheduleId: number, seats: number): Promise<void>;
}

/** Test-only broken seat holds (`TARGET_HOLD_FAULT`, see TargetSettings.holdFault); `none` is the real one. */
export const HOLD_FAULTS = ['none', 'early-release'] as const;
/** A test-only broken seat hold; see HOLD_FAULTS. */
export type HoldFault = (typeof HOLD_FAULTS)[number];

/** What a strategy may use. Durations in milliseconds. */
export interface HoldStrategyDeps {
  readonly pool: Pool;
  readonly redis: Redis;
  readonly log: Logger;
  /** How long a hold lasts (`TARGET_HOLD_TTL_MS`). */
  readonly holdTtlMs: number;
  /** Lease of a seat lock, for strategies that take one (`TARGET_LOCK_TTL_MS`). */
  readonly lockTtlMs: number;
  /** Retries after a lost version check, for `optimistic` (`TARGET_OPTIMISTIC_RETRIES`). */
  readonly optimisticRetries: number;
  /** Base of the full-jitter backoff between optimistic retries (`TARGET_OPTIMISTIC_BACKOFF_MS`). */
  readonly optimisticBackoffMs: number;
  /** Where lock, retry and row-lock figures go; absent in unit tests that need none. */
  readonly metrics?: Metrics;
  /** TEST ONLY: `early-release` gives the seat lock back before the hold is written (default `none`). */
  readonly holdFault?: HoldFault;
  /** Seats known SOLD, refused before the seat lock by the lock-based strategies (sold-seats.ts); absent: every hold takes the lock. */
  readonly soldSeats?: SoldSeats;
}

/** Builds a strategy from its dependencies. */
export type HoldStrategyFactory = (deps: HoldStrategyDeps) => SeatHoldStrategy;

/** A registry entry: how to build the strategy and whether it is meant to be safe (see strategy-registry.ts). */
export type HoldStrategyRegistration = StrategyRegistration<HoldStrategyDeps, SeatHoldStrategy>;
