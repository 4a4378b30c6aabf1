/**
 * The idempotent consumer of `seatline.booking-paid`: applies each payment event to
 * performance.paid_count exactly once, however often Kafka delivers it.
 */
import type { Consumer, Kafka } from 'kafkajs';
import type { ResultSetHeader, RowDataPacket } from 'mysql2';
import { inTransaction, isDuplicateKey, type Pool } from './db.ts';
import { BOOKING_PAID_TOPIC, type BookingPaidEvent } from './kafka.ts';
import { describeError, type Logger } from './log.ts';

/**
 * The consumer group of a service on `database`. One group per database: each database's
 * service sees every event on the topic, and instances sharing a database share the partitions.
 */
export function consumerGroupFor(database: string): string {
  return `seatline-consumer.${database}`;
}

/** What happened to one message. */
export type Applied = 'applied' | 'duplicate' | 'foreign' | 'malformed';

/**
 * Parses a message value into an event.
 * @returns undefined when it is not JSON or lacks a field the consumer needs.
 */
export function parseEvent(value: string | null | undefined): BookingPaidEvent | undefined {
  if (!value) return undefined;
  try {
    const event = JSON.parse(value) as BookingPaidEvent;
    const p = event?.payload;
    if (typeof event.eventUuid !== 'string' || event.eventUuid.length !== 36) return undefined;
    if (typeof p?.bookingUuid !== 'string' || !Number.isSafeInteger(p.performanceId)) return undefined;
    return event;
  } catch {
    return undefined;
  }
}

/**
 * Applies one event in one transaction: records its eventUuid in processed_message and adds 1 to
 * the performance's paid_count. An eventUuid already recorded is a redelivery and changes nothing.
 * @returns `foreign` for an event whose booking is not a PAID reservation of this database: the
 *   topic is shared by services on other databases, whose events must not count here.
 * @throws the SQL error (kafkajs then redelivers the message).
 */
export async function applyEvent(pool: Pool, event: BookingPaidEvent): Promise<Applied> {
  const { bookingUuid, performanceId } = event.payload;
  const [ours] = await pool.query<RowDataPacket[]>("SELECT 1 FROM seat_reservation WHERE booking_uuid = ? AND performance_id = ? AND state = 'PAID'", [bookingUuid, performanceId]);
  if (ours.length === 0) return 'foreign';
  try {
    return await inTransaction(pool, async (conn) => {
      await conn.query('INSERT INTO processed_message (message_uuid, performance_id, booking_uuid) VALUES (?, ?, ?)', [event.eventUuid, performanceId, bookingUuid]);
      await conn.query<ResultSetHeader>('UPDATE performance SET paid_count = paid_count + 1 WHERE id = ?', [performanceId]);
      return 'applied' as const;
    });
  } catch (err) {
    if (isDuplicateKey(err, 'PRIMARY')) return 'duplicate';
    throw err;
  }
}

/**
 * Subscribes (group `seatline-consumer.{database}`, new groups start at the end of the topic) and
 * processes messages one by one; kafkajs commits each offset after its handler resolved.
 * Resolves once the consumer has joined its group, so no event published afterwards is missed.
 * @param joinTimeoutMs how long to wait for the group join.
 * @throws the Kafka error, or a timeout when the join does not happen in time.
 */
export async function startConsumer(kafka: Kafka, pool: Pool, database: string, log: Logger, joinTimeoutMs = 60_000): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId: consumerGroupFor(database) });
  let timer: NodeJS.Timeout | undefined;
  const joined = new Promise<void>((resolve, reject) => {
    consumer.on(consumer.events.GROUP_JOIN, () => resolve());
    timer = setTimeout(() => reject(new Error(`consumer did not join group ${consumerGroupFor(database)} within ${joinTimeoutMs} ms`)), joinTimeoutMs);
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: BOOKING_PAID_TOPIC, fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        const event = parseEvent(message.value?.toString());
        if (!event) {
          log.warn(`consumer: skipping unparseable message at partition ${partition} offset ${message.offset}`);
          return;
        }
        await applyEvent(pool, event);
      },
    });
    await joined;
  } catch (err) {
    await consumer.disconnect().catch(() => {});
    throw new Error(`Kafka consumer failed to start: ${describeError(err)}`);
  } finally {
    clearTimeout(timer);
  }
  return consumer;
}
