/**
 * What one autocannon run of `npm run bench:target` sends, shared by the orchestrator
 * (bench/target/run.ts) and the load child (load-child.ts): a fixed request, or a sequence whose
 * requests differ per iteration (hold then pay on fresh seats, charges with fresh keys).
 */

/** The requests of one endpoint's load. */
export type LoadPlan =
  /** The same request every time (a losing hold, a seat map read). */
  | { readonly kind: 'fixed'; readonly method: 'GET' | 'POST'; readonly path: string; readonly body?: unknown }
  /**
   * Per iteration, `POST /api/reservations` for the next seat `S<i>` (from `firstSeat`) by user
   * `userIds[i − 1]`, then `POST /api/reservations/{reservationId}/payment` with the id the hold answered.
   */
  | { readonly kind: 'hold-pay'; readonly scheduleId: number; readonly userIds: readonly number[]; readonly firstSeat: number }
  /** `POST /api/users/{id}/wallet/charge` of `amount` points, users in turn, a fresh idempotency key each. */
  | { readonly kind: 'charge'; readonly userIds: readonly number[]; readonly amount: number };

/** What the load child is told: where, how hard, how long, what. */
export interface LoadJob {
  readonly url: string;
  readonly connections: number;
  /** Seconds. */
  readonly durationS: number;
  readonly plan: LoadPlan;
}

/** What the load child measured (autocannon's counts, latency from its per-response times in an HDR histogram). */
export interface LoadResult {
  readonly requests: number;
  /** Answers by status code. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Request errors (connection refused, reset, timeouts). */
  readonly errors: number;
  readonly durationS: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
}

/** One contention burst (burst-child.ts): `bodies.length` requests `POST path`, each on its own new connection, all at once. */
export interface BurstJob {
  readonly url: string;
  readonly path: string;
  readonly bodies: readonly unknown[];
}

/** What a burst measured: each answered request's latency (send to full body, ms), the statuses, and requests without an answer. */
export interface BurstResult {
  readonly latenciesMs: readonly number[];
  readonly statuses: Readonly<Record<string, number>>;
  readonly errors: number;
}
