/**
 * Idempotent consumer of `reservation.confirmed`: per event, one transaction inserts the
 * `consumer_dedup` row (a duplicate key means "already processed": skip) and increments
 * `schedules.sold_count`. Redelivery, relay resends and replays therefore change nothing.
 *
 * Events whose id is not in this database's outbox are skipped too: several runs against
 * different databases may share one broker, and with `fromBeginning` a new group would
 * otherwise count another database's sales.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import type { ResultSetHeader } from 'mysql2';
import { z } from 'zod';
import { inTransaction, type Pool } from './db.ts';
import { isDuplicateKey } from './errors.ts';
import { CONFIRMED_TOPIC } from './kafka.ts';
import { describe, OutageLog, type Logger } from './log.ts';
import type { Metrics } from './metrics.ts';

/** The fields of a confirmation event the consumer relies on. */
const eventSchema = z.object({
  eventId: z.string().min(1).max(36),
  reservationId: z.int().positive(),
  scheduleId: z.int().positive(),
});

/** Test-only broken consumers (`TARGET_CONSUMER_FAULT`); `none` is the real one. */
export const CONSUMER_FAULTS = ['none', 'no-dedup'] as const;
export type ConsumerFault = (typeof CONSUMER_FAULTS)[number];

/** What happened to one message. */
export type ConsumeOutcome = 'applied' | 'duplicate' | 'foreign' | 'invalid';

/** A Kafka message as the consumer sees it. */
export interface ConfirmedMessage {
  readonly value: Buffer | string | null;
  readonly partition: number;
  /** Kafka offset, decimal string. */
  readonly offset: string;
  /** The relay's `source` header (which service database published it), when present. */
  readonly source?: string;
}

/**
 * Applies one message. Never throws for a bad payload (`invalid`); throws database errors so
 * kafkajs retries the message.
 * @param groupId the consumer group, part of the deduplication key.
 * @param ownSource this service's `source` header value (see `eventSourceFor`): a message from
 *   another source is `foreign` without touching MySQL, which keeps a new group's catch-up over a
 *   topic shared with other databases fast. Messages without the header get the outbox lookup.
 */
export async function applyConfirmedMessage(pool: Pool, groupId: string, message: ConfirmedMessage, ownSource?: string, fault: ConsumerFault = 'none'): Promise<ConsumeOutcome> {
  if (ownSource !== undefined && message.source !== undefined && message.source !== ownSource) return 'foreign';
  let event: z.output<typeof eventSchema>;
  try {
    const parsed = eventSchema.safeParse(JSON.parse(message.value === null ? 'null' : message.value.toString()));
    if (!parsed.success) return 'invalid';
    event = parsed.data;
  } catch {
    return 'invalid';
  }
  return inTransaction(
    pool,
    async (conn) => {
      let inserted: ResultSetHeader;
      try {
        [inserted] = await conn.execute<ResultSetHeader>(
          `INSERT INTO consumer_dedup (consumer_group, event_id, reservation_id, schedule_id, kafka_partition, kafka_offset)
           SELECT ?, event_id, aggregate_id, schedule_id, ?, ? FROM outbox_event WHERE event_id = ? AND aggregate_id = ? AND schedule_id = ?`,
          [groupId, message.partition, message.offset, event.eventId, event.reservationId, event.scheduleId],
        );
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        if (fault !== 'no-dedup') return 'duplicate';
        // The broken build: the dedup row is written but not obeyed.
        inserted = { affectedRows: 1 } as ResultSetHeader;
      }
      if (inserted.affectedRows === 0) return 'foreign';
      await conn.execute('UPDATE schedules SET sold_count = sold_count + 1 WHERE id = ?', [event.scheduleId]);
      return 'applied';
    },
    // Plain reads of outbox_event: no shared locks that would make the relay wait.
    'READ COMMITTED',
  );
}

/** A running consumer. */
export interface ConfirmedConsumer {
  /**
   * Per partition, the offset after the last message this instance finished handling (the next
   * one it would read); partitions it has not handled a message of are absent.
   */
  readonly processed: ReadonlyMap<number, bigint>;
  /**
   * Test only (the nemesis's `kill-consumer`): the next message this instance applies crashes the
   * consumer after its transaction committed and before its offset is committed, the window an
   * idempotent consumer exists for. The consumer stays down until `restartAfterCrash`.
   * @returns where it crashed, once it did; rejects when `restartAfterCrash` disarms it first.
   */
  crashAfterNextApply(): Promise<ConsumerCrash>;
  /** Test only: starts a crashed consumer again (it reads on from the group's committed offsets); disarms a pending crash. */
  restartAfterCrash(): Promise<void>;
  /** Leaves the group (waiting for the message in progress) and stops reconnecting. */
  stop(): Promise<void>;
}

/** Where a test-only crash happened: the message applied whose offset was never committed. */
export interface ConsumerCrash {
  readonly eventId: string;
  readonly partition: number;
  /** Kafka offset, decimal string. */
  readonly offset: string;
}

/** Thrown inside the message handler to abandon the message as a crash would. */
class InjectedCrash extends Error {}

/** One partition's offsets as kafkajs admin `fetchTopicOffsets` answers them (decimal strings). */
export interface PartitionWatermarks {
  readonly partition: number;
  readonly high: string;
  readonly low: string;
}

/** One partition's committed offset as kafkajs admin `fetchOffsets` answers it (`-1` = none). */
export interface CommittedOffset {
  readonly partition: number;
  readonly offset: string;
}

/**
 * Messages behind per partition: high watermark − the next offset to process, where that is the
 * later of what this instance processed and what the group committed (another instance may own
 * the partition), or the low watermark when neither exists (the group reads from the beginning).
 * Never negative.
 */
export function computeConsumerLag(
  watermarks: readonly PartitionWatermarks[],
  committed: readonly CommittedOffset[],
  processed: ReadonlyMap<number, bigint>,
): Map<number, number> {
  const committedBy = new Map(committed.map((c) => [c.partition, BigInt(c.offset)]));
  const lag = new Map<number, number>();
  for (const w of watermarks) {
    const candidates = [processed.get(w.partition), committedBy.get(w.partition)].filter((o): o is bigint => o !== undefined && o >= 0n);
    const next = candidates.length > 0 ? candidates.reduce((a, b) => (a > b ? a : b)) : BigInt(w.low);
    const behind = BigInt(w.high) - next;
    lag.set(w.partition, Number(behind > 0n ? behind : 0n));
  }
  return lag;
}

/**
 * Reads the consumer lag with two admin round trips (topic watermarks and the group's committed
 * offsets). Callers throttle it: see `cachedFor` in timing.ts.
 * @throws the Kafka error.
 */
export async function readConsumerLag(admin: Admin, groupId: string, processed: ReadonlyMap<number, bigint>): Promise<Map<number, number>> {
  const [watermarks, groupOffsets] = await Promise.all([admin.fetchTopicOffsets(CONFIRMED_TOPIC), admin.fetchOffsets({ groupId, topics: [CONFIRMED_TOPIC] })]);
  const committed = groupOffsets.find((t) => t.topic === CONFIRMED_TOPIC)?.partitions ?? [];
  return computeConsumerLag(watermarks, committed, processed);
}

const RECONNECT_MS = 1_000;

function eventIdOf(value: Buffer | null): string {
  try {
    return String((JSON.parse(value?.toString() ?? 'null') as { eventId?: unknown } | null)?.eventId ?? '?');
  } catch {
    return '?';
  }
}

/**
 * Starts consuming in the background (returns at once). Until the topic exists or Kafka is
 * reachable it retries every second, logging once per outage.
 * @param metrics when given, counts each handled message by outcome.
 * @param ownSource this service's event source; other sources' events are skipped without MySQL.
 * @param fault test only: a deliberately broken consumer (see CONSUMER_FAULTS).
 */
export function startConfirmedConsumer(kafka: Kafka, pool: Pool, groupId: string, log: Logger, metrics?: Pick<Metrics, 'consumerEvents'>, ownSource?: string, fault: ConsumerFault = 'none'): ConfirmedConsumer {
  const abort = new AbortController();
  const outage = new OutageLog(log, 'confirmed consumer');
  let consumer: Consumer | undefined;
  let foreign = 0;
  let restarting: Promise<void> | undefined;
  const processed = new Map<number, bigint>();
  let crash: { resolve(where: ConsumerCrash): void; reject(err: Error): void } | undefined;
  let crashed: Promise<void> | undefined;

  const handle = async ({ partition, message }: EachMessagePayload): Promise<void> => {
    const source = message.headers?.['source']?.toString();
    const outcome = await applyConfirmedMessage(pool, groupId, { value: message.value, partition, offset: message.offset, ...(source === undefined ? {} : { source }) }, ownSource, fault);
    if (crash && outcome === 'applied') {
      // Committed in MySQL, not in Kafka: leave the group without resolving this offset, so the
      // message comes again to whoever takes the partition.
      const armed = crash;
      crash = undefined;
      metrics?.consumerEvents.inc({ outcome });
      const down = consumer;
      consumer = undefined;
      crashed = down?.disconnect().catch(() => {});
      armed.resolve({ eventId: eventIdOf(message.value), partition, offset: message.offset });
      throw new InjectedCrash('test-only crash after apply, before commit');
    }
    processed.set(partition, BigInt(message.offset) + 1n);
    metrics?.consumerEvents.inc({ outcome });
    if (outcome === 'invalid') {
      log.warn(`confirmed consumer: skipped unparsable message at ${CONFIRMED_TOPIC}[${partition}]@${message.offset}`);
    } else if (outcome === 'foreign' && foreign++ === 0) {
      log.info('confirmed consumer: skipping events not in this database\'s outbox (other runs share the broker); further ones silently');
    }
  };

  const connectOnce = async (): Promise<void> => {
    // A short fetch long-poll: a graceful stop waits for the fetch in flight.
    // A 10 s session (kafkajs defaults to 30 s): a member that vanished without leaving the group
    // (a crashed or killed instance) holds up the next rebalance for at most that long.
    const c = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 1_000, sessionTimeout: 10_000, rebalanceTimeout: 10_000, heartbeatInterval: 1_000 });
    consumer = c;
    c.on(c.events.CRASH, (event) => {
      // kafkajs restarts by itself when `restart` is true; otherwise start over from scratch.
      if (!event.payload.restart && !abort.signal.aborted && crashed === undefined) {
        outage.failed(event.payload.error);
        restarting ??= c
          .disconnect()
          .catch(() => {})
          .then(() => run())
          .finally(() => {
            restarting = undefined;
          });
      }
    });
    await c.connect();
    await c.subscribe({ topic: CONFIRMED_TOPIC, fromBeginning: true });
    await c.run({ partitionsConsumedConcurrently: 3, eachMessage: handle });
  };

  const run = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      try {
        await connectOnce();
        outage.succeeded();
        return;
      } catch (err) {
        outage.failed(err);
        await consumer?.disconnect().catch(() => {});
        consumer = undefined;
        await sleep(RECONNECT_MS, undefined, { signal: abort.signal }).catch(() => {});
      }
    }
  };

  const started = run().catch((err: unknown) => log.error(`confirmed consumer stopped: ${describe(err)}`));
  return {
    processed,
    crashAfterNextApply: () =>
      new Promise<ConsumerCrash>((resolve, reject) => {
        crash = { resolve, reject };
      }),
    async restartAfterCrash() {
      crash?.reject(new Error('restarted before any event arrived'));
      crash = undefined;
      if (crashed === undefined) return;
      await crashed;
      crashed = undefined;
      restarting = run().finally(() => {
        restarting = undefined;
      });
    },
    async stop() {
      abort.abort();
      // Disconnecting first cuts short a connect or subscribe that is still retrying.
      await consumer?.disconnect().catch(() => {});
      await started;
      await crashed;
      await restarting;
      await consumer?.disconnect().catch(() => {});
    },
  };
}
