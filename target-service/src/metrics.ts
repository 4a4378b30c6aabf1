/**
 * Prometheus metrics of one service instance, in its own registry so several instances can run
 * in one process (tests) without clashing on metric names.
 */
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The registry plus the metrics the service updates. */
export interface Metrics {
  readonly registry: Registry;
  /** Seconds per HTTP request, labelled method, route (the Express pattern) and status. */
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** Outbox rows not yet published; refreshed at scrape time by `setUnsentSource`. */
  readonly outboxUnsent: Gauge;
  /** Sets how the unsent-events gauge reads its value (returns a count, may throw). */
  setUnsentSource(read: () => Promise<number>): void;
}

/** Route label of requests no route matched, so unknown paths cannot explode the label set. */
export const UNMATCHED_ROUTE = '<unmatched>';

/** Creates a registry with prom-client's default process metrics and the service metrics. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  let readUnsent: (() => Promise<number>) | undefined;
  const outboxUnsent = new Gauge({
    name: 'outbox_unsent_events',
    help: 'Outbox events written but not yet published to Kafka.',
    registers: [registry],
    async collect() {
      if (!readUnsent) return;
      try {
        this.set(await readUnsent());
      } catch {
        // Keep the last value: a scrape must not fail because the database is briefly away.
      }
    },
  });
  return {
    registry,
    httpDuration,
    outboxUnsent,
    setUnsentSource(read) {
      readUnsent = read;
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
