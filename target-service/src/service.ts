/**
 * Starts one service instance: datastore clients (checked before the port opens), the HTTP app,
 * the outbox relay, the hold-expiry sweep and the idempotent consumer; `close()` stops them in
 * reverse order.
 */
import { createServer, type Server } from 'node:http';
import type { RowDataPacket } from 'mysql2';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.ts';
import { readConsumerLag, startConfirmedConsumer, type ConfirmedConsumer } from './confirmed-consumer.ts';
import type { TargetSettings } from './config.ts';
import { redactUrl } from '../../src/config/connections.ts';
import { eventSourceFor } from './config.ts';
import { SoldSeats } from './sold-seats.ts';
import { createPool, fillPool, readPoolStats, type Pool } from './db.ts';
import { createHoldStrategy } from './hold-strategies/index.ts';
import { concertLookup, withCacheInvalidation } from './cache-invalidation.ts';
import { createReadCache } from './read-cache.ts';
import { countDbStatements } from './db-statements.ts';
import { databaseOf } from './config.ts';
import { startHoldExpiry } from './hold-expiry.ts';
import { createAdmin, createKafka, createRelayProducer, type Admin } from './kafka.ts';
import { createStderrLogger, describe, type Logger } from './log.ts';
import { createMetrics } from './metrics.ts';
import { countUnsentEvents, startOutboxRelay } from './outbox-relay.ts';
import { createRedis, type Redis } from './redis.ts';
import type { HealthChecks } from './routes/health.ts';
import { cachedFor, withTimeout, type Loop } from './timing.ts';
import { queueNamespaceFor, readWaitingQueue } from './waiting-queue.ts';
import { startAdvancerThread } from './queue/advancer-thread.ts';
import { WaitingQueue } from './queue/waiting-queue.ts';
import { createWalletStrategy } from './wallet-strategies/index.ts';

/** A started service. */
export interface RunningService {
  /** The port actually bound on `settings.host` (useful with port 0). */
  readonly port: number;
  /** Test only: crash the idempotent consumer between apply and commit, and start it again (the nemesis's `kill-consumer`). */
  readonly consumerCrash: Pick<ConfirmedConsumer, 'crashAfterNextApply' | 'restartAfterCrash'>;
  /** Stops HTTP, relay, sweep and consumer, then closes the clients. Idempotent. */
  close(): Promise<void>;
}

/** Optional knobs for embedding (tests). */
export interface StartOptions {
  /** Defaults to a stderr logger. */
  readonly log?: Logger;
}

/** A datastore that could not be reached at startup; the message says which and where. */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

const STARTUP_CHECK_MS = 10_000;
// The consumer lag gauge asks Kafka at most this often; scrapes in between reuse the last answer.
const CONSUMER_LAG_REFRESH_MS = 5_000;
// A scrape-time read that takes longer leaves its gauge at the last value rather than stall /metrics.
const SCRAPE_READ_TIMEOUT_MS = 2_000;
// Keep-alive connections get this long to finish in-flight requests on close.
const HTTP_DRAIN_MS = 2_000;

/**
 * Starts the service with validated settings and resolves once it accepts requests.
 * @throws UnknownStrategyError for an unknown `strategy`, UnknownWalletStrategyError for an unknown
 *   `walletStrategy`; StartupError when MySQL, Redis or Kafka
 *   cannot be reached within 10 s, the schema tables are missing, or the port cannot be bound
 *   (everything opened is closed again).
 */
export async function startService(settings: TargetSettings, options: StartOptions = {}): Promise<RunningService> {
  const log = options.log ?? createStderrLogger();
  const cleanups: (() => Promise<unknown>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((err: unknown) => log.warn(`close: ${describe(err)}`));
    }
  };

  try {
    const pool = createPool(settings.mysqlUrl, settings.dbPoolSize);
    cleanups.push(() => pool.end());
    const redis = createRedis(settings.redisUrl, log);
    cleanups.push(() => quitRedis(redis));
    const kafka = createKafka(settings.kafkaBrokers, log);
    const producer = createRelayProducer(kafka);
    cleanups.push(() => producer.disconnect());
    const admin = createAdmin(kafka);
    cleanups.push(() => admin.disconnect());
    const metrics = createMetrics();
    countDbStatements(pool, metrics.registry);
    // Built before any I/O so an unknown name fails without waiting on connections.
    const readCache = createReadCache(
      redis,
      { enabled: settings.cache === 'on', ttlMs: settings.cacheTtlMs, namespace: databaseOf(settings.mysqlUrl), staleFault: settings.cacheFault === 'stale', registry: metrics.registry },
      concertLookup(pool),
    );
    const holdStrategy = withCacheInvalidation(createHoldStrategy(settings.strategy, {
      pool,
      redis,
      log,
      metrics,
      holdTtlMs: settings.holdTtlMs,
      lockTtlMs: settings.lockTtlMs,
      optimisticRetries: settings.optimisticRetries,
      optimisticBackoffMs: settings.optimisticBackoffMs,
      holdFault: settings.holdFault,
      // The broken expire-paid sweep sells seats back: there a sale is not final.
      ...(settings.expiryFault === 'expire-paid' ? {} : { soldSeats: new SoldSeats() }),
    }), readCache);
    const walletStrategy = createWalletStrategy(settings.walletStrategy, {
      pool,
      redis,
      log,
      metrics,
      lockTtlMs: settings.walletLockTtlMs,
      lockWaitMs: settings.walletLockWaitMs,
      optimisticRetries: settings.walletOptimisticRetries,
      optimisticBackoffMs: settings.optimisticBackoffMs,
    });

    // allSettled: a failed check must not leave another connection attempt running unobserved.
    const checks = await Promise.allSettled([
      check(pool.query('SELECT 1'), `MySQL at ${redactUrl(settings.mysqlUrl)}`)
        .then(() => checkSchema(pool, settings.mysqlUrl))
        .then(() => fillPool(pool, settings.dbPoolSize)),
      check(redis.connect(), `Redis at ${redactUrl(settings.redisUrl)}`),
      check(producer.connect(), `Kafka at ${settings.kafkaBrokers.join(',')}`),
      check(admin.connect(), `Kafka at ${settings.kafkaBrokers.join(',')}`),
    ]);
    const failed = checks.find((c): c is PromiseRejectedResult => c.status === 'rejected');
    if (failed) throw failed.reason;

    // Workers first, server last: close() runs in reverse, so HTTP stops accepting before they stop.
    const relay: Loop = startOutboxRelay(pool, producer, eventSourceFor(settings.mysqlUrl), settings.outboxPollMs, log, metrics);
    cleanups.push(() => relay.stop());
    const sweep: Loop = startHoldExpiry(pool, settings.expirySweepMs, log, holdStrategy.onSeatsFreed?.bind(holdStrategy), settings.expiryFault);
    if (settings.expiryFault !== 'none') log.warn(`TARGET_EXPIRY_FAULT=${settings.expiryFault}: hold expiry is deliberately broken (test only)`);
    cleanups.push(() => sweep.stop());
    const queue = new WaitingQueue(redis, queueNamespaceFor(settings.mysqlUrl), settings.queueFault);
    if (settings.holdFault !== 'none') log.warn(`TARGET_HOLD_FAULT=${settings.holdFault}: seat holds are deliberately broken (test only)`);
    if (settings.queueFault !== 'none') log.warn(`TARGET_QUEUE_FAULT=${settings.queueFault}: the queue advancement is deliberately broken (test only)`);
    const advancer = await startAdvancerThread(queue, redis, settings.redisUrl, log);
    cleanups.push(() => advancer.stop());
    const consumer: ConfirmedConsumer = startConfirmedConsumer(kafka, pool, settings.consumerGroup, log, metrics, eventSourceFor(settings.mysqlUrl), settings.consumerFault);
    if (settings.consumerFault !== 'none') log.warn(`TARGET_CONSUMER_FAULT=${settings.consumerFault}: the consumer is deliberately not idempotent (test only)`);
    cleanups.push(() => consumer.stop());

    metrics.setSources({
      unsentEvents: () => countUnsentEvents(pool),
      // Two Kafka admin round trips: at most once per CONSUMER_LAG_REFRESH_MS, bounded in time.
      consumerLag: cachedFor(CONSUMER_LAG_REFRESH_MS, () =>
        withTimeout(readConsumerLag(admin, settings.consumerGroup, consumer.processed), SCRAPE_READ_TIMEOUT_MS, 'consumer lag'),
      ),
      waitingQueue: () => withTimeout(readWaitingQueue(redis, queue.namespace), SCRAPE_READ_TIMEOUT_MS, 'waiting queue'),
      dbPool: () => readPoolStats(pool),
    });
    const app = createApp({ pool, holdStrategy, walletStrategy, metrics, healthChecks: healthChecks(pool, redis, admin), log, queue, advancer, readCache, acceptExpiredHolds: settings.expiryFault === 'pay-after-expiry' });
    const server = await listen(app, settings.host, settings.port);
    cleanups.push(() => closeServer(server));
    const port = (server.address() as AddressInfo).port;

    let closing: Promise<void> | undefined;
    return { port, consumerCrash: consumer, close: () => (closing ??= closeAll()) };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

async function check(promise: Promise<unknown>, what: string): Promise<void> {
  try {
    await withTimeout(promise, STARTUP_CHECK_MS, 'connecting');
  } catch (err) {
    throw new StartupError(`${what} is not reachable: ${describe(err)}`, { cause: err });
  }
}

// Tables every request path touches; a missing one means the migrations were not applied.
const REQUIRED_TABLES = ['concerts', 'schedules', 'seats', 'users', 'reservations', 'payments', 'confirmed_seat_guard', 'outbox_event', 'consumer_dedup', 'wallets', 'wallet_ledger'];

async function checkSchema(pool: Pool, url: string): Promise<void> {
  const [rows] = await pool.query<RowDataPacket[]>(
    'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN (?)',
    [REQUIRED_TABLES],
  );
  const present = new Set(rows.map((row) => String(row.name)));
  const missing = REQUIRED_TABLES.filter((t) => !present.has(t));
  if (missing.length > 0) {
    throw new StartupError(`MySQL database at ${redactUrl(url)} lacks table(s) ${missing.join(', ')}; apply target-service/migrations (ticketbench infra up).`);
  }
}

function healthChecks(pool: Pool, redis: Redis, admin: Admin): HealthChecks {
  return {
    mysql: async () => {
      await pool.query('SELECT 1');
    },
    redis: async () => {
      const reply = await redis.ping();
      if (reply !== 'PONG') throw new Error(`PING answered ${reply}`);
    },
    kafka: async () => {
      // A metadata round trip: proves a broker answers now, not merely that we once connected.
      await admin.describeCluster();
    },
  };
}

async function quitRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    await redis.quit();
  } else {
    redis.disconnect();
  }
}

function listen(app: ReturnType<typeof createApp>, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(app);
    server.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', (err) => reject(new StartupError(`Cannot listen on ${host}:${port}: ${describe(err)}`, { cause: err })));
  });
}

async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), HTTP_DRAIN_MS);
  await closed;
  clearTimeout(timer);
}
