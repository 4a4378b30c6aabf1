/**
 * The Kafka client, the topic, and the paid-booking event that travels on it.
 */
import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from './log.ts';

/** The topic payments are announced on. */
export const BOOKING_PAID_TOPIC = 'seatline.booking-paid';

/** What the outbox stores and the relay publishes for each payment (the Kafka message value). */
export interface BookingPaidEvent {
  readonly eventUuid: string;
  readonly eventType: 'BOOKING_PAID';
  /** ISO-8601 time of the payment. */
  readonly occurredAt: string;
  readonly payload: {
    readonly bookingUuid: string;
    readonly performanceId: number;
    readonly seatCode: string;
    readonly userKey: string;
  };
}

/**
 * Creates the client. kafkajs logs only errors, as warnings through `log`.
 * @param brokers `host:port` each.
 */
export function createKafka(brokers: readonly string[], log: Logger): Kafka {
  const write = (entry: LogEntry): void => log.warn(`kafka ${entry.namespace}: ${String(entry.log.message)}`);
  return new Kafka({
    clientId: 'seatline',
    brokers: [...brokers],
    logLevel: logLevel.ERROR,
    logCreator: () => write,
    connectionTimeout: 3_000,
    // Bounded so that a dead broker fails startup or one relay tick within seconds.
    retry: { initialRetryTime: 200, maxRetryTime: 2_000, retries: 5 },
  });
}

/**
 * Creates the topic (3 partitions, replication factor 1) unless it exists. Another instance may
 * create it at the same moment; "already exists" counts as success.
 * @throws the Kafka error otherwise.
 */
export async function ensureTopic(kafka: Kafka): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if ((await admin.listTopics()).includes(BOOKING_PAID_TOPIC)) return;
    await admin.createTopics({ topics: [{ topic: BOOKING_PAID_TOPIC, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true }).catch((err: unknown) => {
      if (!/already exists/i.test(String((err as Error).message))) throw err;
    });
  } finally {
    await admin.disconnect();
  }
}
