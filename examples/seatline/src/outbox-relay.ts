/**
 * The outbox relay: publishes `event_outbox` rows that are not yet published to Kafka, at least
 * once. Rows are claimed with FOR UPDATE SKIP LOCKED, so several instances share the outbox
 * without sending a row twice concurrently; a crash between Kafka's ack and the commit sends the
 * row again, which the consumer's processed_message table absorbs.
 */
import type { Producer } from 'kafkajs';
import type { RowDataPacket } from 'mysql2';
import { inTransaction, type Pool } from './db.ts';
import { BOOKING_PAID_TOPIC } from './kafka.ts';
import type { Logger } from './log.ts';
import { startLoop, type Loop } from './loop.ts';

/** Pause between relay ticks, in milliseconds. */
export const RELAY_INTERVAL_MS = 100;
/** Rows claimed per tick. */
export const RELAY_BATCH = 100;

/**
 * Claims up to 100 unpublished rows in id order, sends them (key = booking_uuid, value = payload,
 * acks from all replicas), marks them published and commits. When the send fails the
 * transaction rolls back and the rows wait for the next tick.
 * @returns how many rows were published.
 * @throws the Kafka or SQL error.
 */
export async function relayOutboxOnce(pool: Pool, producer: Producer): Promise<number> {
  // READ COMMITTED takes no gap locks, so payments adding outbox rows never wait on a relay
  // transaction that is held open across the Kafka round trip.
  return inTransaction(pool, async (conn) => {
    const [rows] = await conn.query<RowDataPacket[]>(
      `SELECT id, booking_uuid, payload FROM event_outbox WHERE published_at IS NULL ORDER BY id LIMIT ${RELAY_BATCH} FOR UPDATE SKIP LOCKED`,
    );
    if (rows.length === 0) return 0;
    await producer.send({
      topic: BOOKING_PAID_TOPIC,
      acks: -1,
      messages: rows.map((row) => ({ key: String(row.booking_uuid), value: String(row.payload) })),
    });
    await conn.query('UPDATE event_outbox SET published_at = NOW(6) WHERE id IN (?)', [rows.map((row) => Number(row.id))]);
    return rows.length;
  });
}

/** Starts relaying every 100 ms; see `relayOutboxOnce`. */
export function startOutboxRelay(pool: Pool, producer: Producer, log: Logger): Loop {
  return startLoop('outbox relay', RELAY_INTERVAL_MS, () => relayOutboxOnce(pool, producer), log);
}
