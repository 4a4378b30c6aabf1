/**
 * Starting and stopping the whole service: database and schema, Redis, the Kafka topic, the
 * background workers, then the HTTP server.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import type { Consumer, Producer } from 'kafkajs';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { startConsumer } from './consumer.ts';
import { createPool, databaseName, ensureDatabase, type Pool } from './db.ts';
import { startExpirySweeper } from './expiry-sweeper.ts';
import { createKafka, ensureTopic } from './kafka.ts';
import { describeError, type Logger } from './log.ts';
import type { Loop } from './loop.ts';
import { startOutboxRelay } from './outbox-relay.ts';
import { QUEUE_OVER_ADMIT } from './faults.ts';
import { startQueueScheduler } from './queue-scheduler.ts';
import { applySchema } from './schema.ts';

/** A started service. */
export interface Service {
  /** The port the HTTP server listens on. */
  readonly port: number;
  /** Stops accepting requests, stops the workers, closes every client. Never rejects. */
  close(): Promise<void>;
}

// Each step's failure names the server that failed, so the one-line startup error is actionable.
async function step<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw new Error(`${what}: ${describeError(err)}`);
  }
}

/**
 * Starts everything and listens once it is all ready.
 * @throws Error naming the step that failed (MySQL, schema, Redis, Kafka, HTTP port); pieces
 *   already started are closed again.
 */
export async function startService(config: Config, log: Logger): Promise<Service> {
  const database = databaseName(config.mysqlUrl);
  const closers: (() => Promise<unknown>)[] = [];
  const closeAll = async (): Promise<void> => {
    // Reverse start order: the HTTP server and the workers go before the clients they use.
    for (const close of closers.reverse()) await close().catch((err: unknown) => log.warn(`close: ${describeError(err)}`));
    closers.length = 0;
  };
  try {
    await step(`MySQL at ${config.mysqlUrl}`, () => ensureDatabase(config.mysqlUrl));
    await step('applying schema.sql', () => applySchema(config.mysqlUrl));
    const pool: Pool = createPool(config.mysqlUrl);
    closers.push(() => pool.end());

    const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
    closers.push(() => redis.quit());
    await step(`Redis at ${config.redisUrl}`, () => redis.connect());

    const kafka = createKafka(config.kafkaBrokers, log);
    await step(`Kafka at ${config.kafkaBrokers.join(',')}`, () => ensureTopic(kafka));
    const producer: Producer = kafka.producer({ allowAutoTopicCreation: false });
    closers.push(() => producer.disconnect());
    await step('Kafka producer', () => producer.connect());

    const loops: Loop[] = [];
    closers.push(() => Promise.all(loops.map((loop) => loop.stop())));
    loops.push(startOutboxRelay(pool, producer, log));
    const consumer: Consumer = await step('Kafka consumer', () => startConsumer(kafka, pool, database, log));
    closers.push(() => consumer.disconnect());
    loops.push(startExpirySweeper(pool, log));
    // The broken variant counts its capacity wrong: a few more users are admitted than it allows.
    const admitUpTo = config.fault === 'queue-over-admit' ? config.queueCapacity + QUEUE_OVER_ADMIT : config.queueCapacity;
    loops.push(startQueueScheduler(pool, redis, admitUpTo, config.queueTokenTtlMs, config.queueAdvanceMs, log));

    let ready = true;
    const server: Server = createApp({ config, pool, redis, log }, () => ready).listen(config.port);
    closers.push(async () => {
      ready = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive sockets would hold close() open until the client hangs up.
      server.closeIdleConnections();
      await closed;
    });
    await step(`HTTP port ${config.port}`, async () => {
      await Promise.race([once(server, 'listening'), once(server, 'error').then(([err]) => Promise.reject(err))]);
    });
    return { port: (server.address() as AddressInfo).port, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
