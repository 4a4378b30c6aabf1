/**
 * Transactional-outbox relay: publishes unsent `outbox_event` rows to Kafka and marks them sent.
 * Rows are claimed with `FOR UPDATE SKIP LOCKED`, so several relays (service instances) share
 * the work without sending a row twice at once; a row is sent at least once (a crash between
 * the Kafka ack and the commit resends it, and the consumer deduplicates).
 */
import type { Producer } from 'kafkajs';
import type { RowDataPacket } from 'mysql2';
import { inTransaction, type Pool } from './db.ts';
import type { Logger } from './log.ts';
import type { Metrics } from './metrics.ts';
import { startLoop, type Loop } from './timing.ts';

/** Rows claimed per tick. */
export const OUTBOX_BATCH = 100;

/**
 * Publishes one batch: claims up to `batchSize` unsent rows in id order, sends them (key =
 * reservation id, headers `event-id` and `source`, acks = all), sets `sent_at`, commits.
 * @param source which service database the events come from (see `eventSourceFor`)
 * @param metrics when given, counts the rows sent and observes each one's `sent_at − created_at`
 *   once the commit made them sent.
 * When the send fails the transaction rolls back and the rows stay unsent for the next tick.
 * @returns how many rows were sent (0 when none were waiting).
 * @throws the Kafka or database error.
 */
export async function relayOutboxOnce(
  pool: Pool,
  producer: Producer,
  source: string,
  batchSize = OUTBOX_BATCH,
  metrics?: Pick<Metrics, 'outboxPublished' | 'outboxPublishLag'>,
): Promise<number> {
  // READ COMMITTED: no gap locks, so payments inserting new outbox rows never wait on the relay,
  // which keeps its transaction open across the Kafka round trip.
  const lagsSeconds = await inTransaction(
    pool,
    async (conn): Promise<number[]> => {
      const [rows] = await conn.query<RowDataPacket[]>(
        `SELECT id, event_id, topic, aggregate_id, payload FROM outbox_event WHERE sent_at IS NULL ORDER BY id LIMIT ${Number(batchSize)} FOR UPDATE SKIP LOCKED`,
      );
      if (rows.length === 0) return [];
      const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
      for (const row of rows) {
        const messages = byTopic.get(String(row.topic)) ?? [];
        messages.push({ key: String(row.aggregate_id), value: String(row.payload), headers: { 'event-id': String(row.event_id), source } });
        byTopic.set(String(row.topic), messages);
      }
      await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      const ids = rows.map((row) => Number(row.id));
      await conn.query('UPDATE outbox_event SET sent_at = NOW(6) WHERE id IN (?)', [ids]);
      if (!metrics) return ids.map(() => 0);
      // Read back rather than timed here: the lag is defined by the two database timestamps.
      const [lags] = await conn.query<RowDataPacket[]>('SELECT TIMESTAMPDIFF(MICROSECOND, created_at, sent_at) AS lag_us FROM outbox_event WHERE id IN (?)', [ids]);
      return lags.map((row) => Math.max(0, Number(row.lag_us)) / 1e6);
    },
    'READ COMMITTED',
  );
  if (metrics && lagsSeconds.length > 0) {
    metrics.outboxPublished.inc(lagsSeconds.length);
    for (const lag of lagsSeconds) metrics.outboxPublishLag.observe(lag);
  }
  return lagsSeconds.length;
}

/** Number of outbox rows not yet sent (feeds the `outbox_unsent_events` gauge). */
export async function countUnsentEvents(pool: Pool): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM outbox_event WHERE sent_at IS NULL');
  return Number(rows[0]?.n ?? 0);
}

/**
 * Starts relaying every `pollMs` milliseconds (immediately again after a full batch).
 * Failures (Kafka or database down) are logged once per outage and retried on the next tick.
 * @param metrics see `relayOutboxOnce`.
 */
export function startOutboxRelay(
  pool: Pool,
  producer: Producer,
  source: string,
  pollMs: number,
  log: Logger,
  metrics?: Pick<Metrics, 'outboxPublished' | 'outboxPublishLag'>,
): Loop {
  return startLoop('outbox relay', pollMs, async () => (await relayOutboxOnce(pool, producer, source, OUTBOX_BATCH, metrics)) === OUTBOX_BATCH, log);
}
