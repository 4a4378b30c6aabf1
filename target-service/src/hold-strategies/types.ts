/**
 * The seam between the hold route and the concurrency-control designs it can run with.
 * One file per strategy, registered by name in `index.ts`.
 */
import type { Pool } from '../db.ts';
import type { Logger } from '../log.ts';
import type { Redis } from '../redis.ts';

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

/** A way of turning a hold request into a HELD reservation without double-holding a seat. */
export interface SeatHoldStrategy {
  /** Registry name, e.g. `redis-lock` (the `TARGET_STRATEGY` value). */
  readonly name: string;
  /**
   * Holds the seat for the user.
   * @throws HttpError 404 SEAT_NOT_FOUND / USER_NOT_FOUND, 409 SEAT_LOCKED (contention lost,
   *   strategies with a lock) / SEAT_UNAVAILABLE (seat HELD or SOLD); anything else is a 500.
   */
  hold(input: HoldInput): Promise<HoldResult>;
}

/** What a strategy may use. Durations in milliseconds. */
export interface HoldStrategyDeps {
  readonly pool: Pool;
  readonly redis: Redis;
  readonly log: Logger;
  /** How long a hold lasts (`TARGET_HOLD_TTL_MS`). */
  readonly holdTtlMs: number;
  /** Lease of a seat lock, for strategies that take one (`TARGET_LOCK_TTL_MS`). */
  readonly lockTtlMs: number;
}

/** Builds a strategy from its dependencies. */
export type HoldStrategyFactory = (deps: HoldStrategyDeps) => SeatHoldStrategy;
