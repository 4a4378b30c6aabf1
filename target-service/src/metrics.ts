/**
 * Prometheus metrics of one service instance, in its own registry so several instances can run
 * in one process (tests) without clashing on metric names. Every metric is listed with its type,
 * labels and meaning in docs/target-service.md (*Metrics*); the Grafana dashboard in
 * infra/grafana/dashboards queries them, and test/observability checks that it only names metrics
 * that exist here.
 */
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Outcome of one attempt to take a seat's Redis lock: `busy` means `SET NX` found it taken. */
export type SeatLockResult = 'acquired' | 'busy';

/** Outcomes `consumer_events_total` counts (the consumer's `ConsumeOutcome`). */
export const CONSUMER_OUTCOMES = ['applied', 'duplicate', 'foreign', 'invalid'] as const;

/** Connections of the mysql2 pool at one instant (see `readPoolStats` in db.ts). */
export interface PoolStats {
  /** Connections open (in use or idle). */
  readonly total: number;
  /** Idle connections ready to be handed out. */
  readonly free: number;
  /** Connections handed out and not yet released. */
  readonly inUse: number;
  /** `getConnection` calls waiting because every connection is in use. */
  readonly queued: number;
}

/** Sizes of the waiting queue summed over schedules (see `readWaitingQueue` in waiting-queue.ts). */
export interface WaitingQueueStats {
  /** Members of every `queue:{scheduleId}` sorted set. */
  readonly queued: number;
  /** Members of every `queue:pass:z:{scheduleId}` sorted set. */
  readonly activePasses: number;
}

/**
 * Where the gauges refreshed at scrape time read their values. Each source may throw or be slow;
 * the gauge then keeps its last value, because a scrape must not fail while a datastore is away.
 */
export interface MetricSources {
  /** Outbox rows not yet published. */
  readonly unsentEvents?: () => Promise<number>;
  /** Messages behind the high watermark, by partition of `reservation.confirmed`. */
  readonly consumerLag?: () => Promise<ReadonlyMap<number, number>>;
  readonly waitingQueue?: () => Promise<WaitingQueueStats>;
  /** Undefined when the pool's internals cannot be read (another mysql2 version). */
  readonly dbPool?: () => PoolStats | undefined;
}

/** The registry plus the metrics the service updates. */
export interface Metrics {
  readonly registry: Registry;
  /** Seconds per HTTP request, labelled method, route (the Express pattern) and status. */
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** Outbox rows not yet published; refreshed at scrape time from `MetricSources.unsentEvents`. */
  readonly outboxUnsent: Gauge;
  /** Attempts to take a seat's Redis lock, by result. */
  readonly seatLockAcquisitions: Counter<'result'>;
  /** Seconds one attempt to take a seat's Redis lock took, acquired or busy. */
  readonly seatLockWait: Histogram;
  /** Seconds the `pessimistic` strategy spent on its `SELECT … FOR UPDATE` (mostly the row lock wait). */
  readonly dbRowLockWait: Histogram;
  /** Row lock waits that hit `innodb_lock_wait_timeout` (errno 1205). */
  readonly dbLockTimeouts: Counter;
  /** Retries the `optimistic` strategy made after losing a version check. */
  readonly optimisticRetries: Counter;
  /** Hold requests the strategy answered, by strategy and result (`held` or the error code). */
  readonly seatHolds: Counter<'strategy' | 'result'>;
  /** Outbox rows published to Kafka (committed as sent). */
  readonly outboxPublished: Counter;
  /** Seconds from an outbox row's `created_at` to its `sent_at`. */
  readonly outboxPublishLag: Histogram;
  /** Messages the idempotent consumer handled, by outcome. */
  readonly consumerEvents: Counter<'outcome'>;
  /** Messages the consumer is behind, by partition; refreshed at scrape time. */
  readonly consumerLag: Gauge<'partition'>;
  /** Waiting-queue members over all schedules; refreshed at scrape time. */
  readonly queueLength: Gauge;
  /** Active waiting-queue passes over all schedules; refreshed at scrape time. */
  readonly queueActivePasses: Gauge;
  /**
   * Wallet operations the wallet strategy answered, by strategy, type (`charge`, `payment`) and
   * result (`applied`, `replay`, or the error code such as `INSUFFICIENT_FUNDS`, `error` for a 500).
   */
  readonly walletOperations: Counter<'strategy' | 'type' | 'result'>;
  /**
   * Seconds a wallet operation waited for the user's wallet lock, by strategy: `pessimistic` its
   * `SELECT … FOR UPDATE` of the wallet row, `redis-lock` taking `userWalletLock:{userId}`.
   */
  readonly walletLockWait: Histogram<'strategy'>;
  /** Retries the `optimistic` wallet strategy made after losing a version check. */
  readonly walletOptimisticRetries: Counter;
  /** Pool connections by state (`total`, `free`, `in_use`); refreshed at scrape time. */
  readonly dbPoolConnections: Gauge<'state'>;
  /** Requests waiting for a pool connection; refreshed at scrape time. */
  readonly dbPoolQueue: Gauge;
  /** Sets the sources of the scrape-time gauges; sources not given keep their current setting. */
  setSources(sources: MetricSources): void;
}

/** Route label of requests no route matched, so unknown paths cannot explode the label set. */
export const UNMATCHED_ROUTE = '<unmatched>';

/**
 * Runs a scrape-time read; a failure keeps the gauge's last value (a scrape must not fail because
 * a datastore is briefly away).
 */
async function refresh<T>(read: (() => T | Promise<T>) | undefined, apply: (value: T) => void): Promise<void> {
  if (!read) return;
  try {
    apply(await read());
  } catch {
    // Keep the last value.
  }
}

/** Creates a registry with prom-client's default process metrics and the service metrics. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let sources: MetricSources = {};
  const readPool = (): PoolStats | undefined => {
    try {
      return sources.dbPool?.();
    } catch {
      return undefined;
    }
  };
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const outboxUnsent = new Gauge({
    name: 'outbox_unsent_events',
    help: 'Outbox events written but not yet published to Kafka.',
    registers: [registry],
    async collect() {
      await refresh(sources.unsentEvents, (n) => this.set(n));
    },
  });
  const seatLockAcquisitions = new Counter({
    name: 'seat_lock_acquisitions_total',
    help: 'Attempts to take a seat\'s Redis lock (SET NX PX), by result: acquired, or busy (held by another request: a lost race).',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const seatLockWait = new Histogram({
    name: 'seat_lock_wait_seconds',
    help: 'Seconds one attempt to take a seat\'s Redis lock took, whether acquired or busy.',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const dbRowLockWait = new Histogram({
    name: 'db_row_lock_wait_seconds',
    help: 'Seconds the pessimistic strategy spent on SELECT ... FOR UPDATE of a seat row (row lock wait plus the read).',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const dbLockTimeouts = new Counter({
    name: 'db_lock_timeouts_total',
    help: 'Row lock waits that ended in innodb_lock_wait_timeout (errno 1205).',
    registers: [registry],
  });
  const optimisticRetries = new Counter({
    name: 'optimistic_retries_total',
    help: 'Retries of the optimistic strategy after a lost version check.',
    registers: [registry],
  });
  const seatHolds = new Counter({
    name: 'seat_holds_total',
    help: 'Hold requests answered by the seat-hold strategy, by strategy and result (held, or the error code such as SEAT_LOCKED).',
    labelNames: ['strategy', 'result'] as const,
    registers: [registry],
  });
  const walletOperations = new Counter({
    name: 'wallet_operations_total',
    help: 'Wallet charges and payments answered by the wallet strategy, by strategy, type (charge, payment) and result (applied, replay, or the error code such as INSUFFICIENT_FUNDS).',
    labelNames: ['strategy', 'type', 'result'] as const,
    registers: [registry],
  });
  const walletLockWait = new Histogram({
    name: 'wallet_lock_wait_seconds',
    help: 'Seconds a wallet operation waited for the user\'s wallet lock (pessimistic: SELECT ... FOR UPDATE of the wallet row; redis-lock: taking userWalletLock:{userId}), by strategy.',
    labelNames: ['strategy'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const walletOptimisticRetries = new Counter({
    name: 'wallet_optimistic_retries_total',
    help: 'Retries of the optimistic wallet strategy after a lost version check.',
    registers: [registry],
  });
  const outboxPublished = new Counter({
    name: 'outbox_published_total',
    help: 'Outbox events published to Kafka and committed as sent.',
    registers: [registry],
  });
  const outboxPublishLag = new Histogram({
    name: 'outbox_publish_lag_seconds',
    help: 'Seconds from an outbox row\'s created_at to its sent_at.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const consumerEvents = new Counter({
    name: 'consumer_events_total',
    help: 'reservation.confirmed messages handled by the idempotent consumer, by outcome: applied, duplicate, foreign (not in this database\'s outbox) or invalid.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const consumerLag = new Gauge({
    name: 'consumer_lag_messages',
    help: 'Messages of reservation.confirmed the consumer has not processed yet (high watermark minus next offset), by partition.',
    labelNames: ['partition'] as const,
    registers: [registry],
    async collect() {
      await refresh(sources.consumerLag, (lag) => {
        for (const [partition, messages] of lag) this.set({ partition: String(partition) }, messages);
      });
    },
  });
  // prom-client collects the metrics of one scrape concurrently, so each gauge sets only its own
  // value; the two queue gauges share one Redis scan while it is in flight.
  let queueRead: Promise<WaitingQueueStats> | undefined;
  const readQueue = (): Promise<WaitingQueueStats> | undefined => {
    const read = sources.waitingQueue;
    if (!read) return undefined;
    queueRead ??= read().finally(() => {
      queueRead = undefined;
    });
    return queueRead;
  };
  const queueLength = new Gauge({
    name: 'queue_length',
    help: 'Members of the waiting queues (queue:{scheduleId} sorted sets), summed over schedules.',
    registers: [registry],
    async collect() {
      await refresh(readQueue, (stats) => stats && this.set(stats.queued));
    },
  });
  const queueActivePasses = new Gauge({
    name: 'queue_active_passes',
    help: 'Active waiting-queue passes (queue:pass:z:{scheduleId} sorted sets), summed over schedules.',
    registers: [registry],
    async collect() {
      await refresh(readQueue, (stats) => stats && this.set(stats.activePasses));
    },
  });
  const dbPoolConnections = new Gauge({
    name: 'db_pool_connections',
    help: 'mysql2 pool connections by state: total (open), free (idle), in_use.',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const stats = readPool();
      if (!stats) return;
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'free' }, stats.free);
      this.set({ state: 'in_use' }, stats.inUse);
    },
  });
  const dbPoolQueue = new Gauge({
    name: 'db_pool_queue_length',
    help: 'Requests waiting for a mysql2 pool connection.',
    registers: [registry],
    collect() {
      const stats = readPool();
      if (stats) this.set(stats.queued);
    },
  });

  // Zero series from the start, so rates and dashboards see every label before its first event.
  for (const result of ['acquired', 'busy'] as const) seatLockAcquisitions.inc({ result }, 0);
  for (const outcome of CONSUMER_OUTCOMES) consumerEvents.inc({ outcome }, 0);

  return {
    registry,
    httpDuration,
    outboxUnsent,
    seatLockAcquisitions,
    seatLockWait,
    dbRowLockWait,
    dbLockTimeouts,
    optimisticRetries,
    seatHolds,
    walletOperations,
    walletLockWait,
    walletOptimisticRetries,
    outboxPublished,
    outboxPublishLag,
    consumerEvents,
    consumerLag,
    queueLength,
    queueActivePasses,
    dbPoolConnections,
    dbPoolQueue,
    setSources(next) {
      sources = { ...sources, ...next };
    },
  };
}

/** Express middleware observing every request's duration once the answer is sent. */
export function httpMetricsMiddleware(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      // Routers are mounted at '/', so the route path is the whole pattern.
      const routePath: unknown = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof routePath === 'string' ? routePath : UNMATCHED_ROUTE;
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
    });
    next();
  };
}

/** Seconds elapsed since `start` (a `process.hrtime.bigint()` reading). */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
