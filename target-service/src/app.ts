/**
 * Builds the Express app from injected dependencies, so tests can run it in-process against
 * real datastores and `service.ts` only wires pools and background workers around it.
 */
import express, { type Express } from 'express';
import type { Pool } from './db.ts';
import { errorHandler, notFoundHandler } from './errors.ts';
import type { SeatHoldStrategy } from './hold-strategies/index.ts';
import type { Logger } from './log.ts';
import { httpMetricsMiddleware, type Metrics } from './metrics.ts';
import { fixturesRoutes } from './routes/fixtures.ts';
import { healthRoutes, type HealthChecks } from './routes/health.ts';
import { paymentRoutes } from './routes/payments.ts';
import { queueRoutes } from './routes/queue.ts';
import type { Advancer } from './queue/advancer.ts';
import type { WaitingQueue } from './queue/waiting-queue.ts';
import { readRoutes } from './routes/reads.ts';
import { paymentInvalidator } from './cache-invalidation.ts';
import { disabledReadCache, type ReadCache } from './read-cache.ts';
import { reservationRoutes } from './routes/reservations.ts';
import { scheduleRoutes } from './routes/schedules.ts';
import { walletRoutes } from './routes/wallet.ts';
import type { WalletStrategy } from './wallet-strategies/index.ts';

/** Everything the HTTP layer needs. */
export interface AppDeps {
  readonly pool: Pool;
  /** The seat-hold strategy `POST /api/reservations` runs; payments ask it about the guard row. */
  readonly holdStrategy: SeatHoldStrategy;
  /** The wallet strategy charges and payments debit and credit points through. */
  readonly walletStrategy: WalletStrategy;
  readonly metrics: Metrics;
  /** Checks `/health` runs, by name. */
  readonly healthChecks: HealthChecks;
  readonly log: Logger;
  /** The waiting queue (schedules created with one); absent: no queue endpoints, no pass gate. */
  readonly queue?: WaitingQueue;
  /** Woken when someone enters a queue. */
  readonly advancer?: Pick<Advancer, 'wake'>;
  /** Read cache of the read endpoints (`TARGET_CACHE`); absent = off. */
  readonly readCache?: ReadCache;
  /** TEST ONLY (`TARGET_EXPIRY_FAULT=pay-after-expiry`): payments confirm holds whose time is up. */
  readonly acceptExpiredHolds?: boolean;
}

/** Creates the app: JSON body parsing, request metrics, every route, 404 and error handlers. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Answers are fresh by nature; ETag hashing would only cost CPU under load.
  app.set('etag', false);
  app.use(httpMetricsMiddleware(deps.metrics));
  app.use(express.json({ limit: '100kb' }));
  const readCache = deps.readCache ?? disabledReadCache();
  app.use(fixturesRoutes(deps.pool, deps.holdStrategy, deps.queue));
  app.use(reservationRoutes(deps.pool, deps.holdStrategy, deps.metrics, deps.queue));
  app.use(paymentRoutes(deps.pool, deps.holdStrategy, deps.walletStrategy, deps.metrics, deps.queue, paymentInvalidator(deps.pool, readCache), deps.acceptExpiredHolds === true, deps.log));
  if (deps.queue) app.use(queueRoutes(deps.queue, deps.advancer));
  app.use(readRoutes(deps.pool, readCache));
  app.use(walletRoutes(deps.pool, deps.walletStrategy, deps.metrics));
  app.use(scheduleRoutes(deps.pool));
  app.use(healthRoutes(deps.healthChecks, deps.metrics));
  app.use(notFoundHandler);
  app.use(errorHandler(deps.log));
  return app;
}
