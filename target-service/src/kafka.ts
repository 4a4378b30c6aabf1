/**
 * kafkajs client, producer and admin for the service. kafkajs logs only errors, through the
 * service logger, and each distinct message at most once a minute: during a broker outage it
 * would otherwise print on every retry of every relay tick.
 */
import { Kafka, logLevel, Partitioners, type Admin, type LogEntry, type Producer } from 'kafkajs';
import type { Logger } from './log.ts';

export type { Admin, Consumer, Kafka, Producer } from 'kafkajs';

/** The topic the outbox relay publishes to and the consumer reads. */
export const CONFIRMED_TOPIC = 'reservation.confirmed';

const REPEAT_WINDOW_MS = 60_000;

/**
 * Creates the kafkajs client.
 * @param brokers bootstrap brokers, `host:port` each.
 * @param clientId shows up in broker logs and metrics.
 */
export function createKafka(brokers: readonly string[], log: Logger, clientId = 'ticketbench-target'): Kafka {
  const lastSeen = new Map<string, number>();
  const write = (entry: LogEntry): void => {
    const { message, error } = entry.log as { message: string; error?: unknown };
    const text = `kafka ${entry.namespace}: ${message}${error !== undefined && !message.includes(String(error)) ? ` (${String(error)})` : ''}`;
    const now = Date.now();
    const seen = lastSeen.get(text);
    if (seen !== undefined && now - seen < REPEAT_WINDOW_MS) return;
    if (lastSeen.size > 1_000) lastSeen.clear();
    lastSeen.set(text, now);
    log.warn(text);
  };
  return new Kafka({
    clientId,
    brokers: [...brokers],
    logLevel: logLevel.ERROR,
    logCreator: () => write,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    // Bounded, so a down broker fails a startup or a relay tick within seconds.
    retry: { initialRetryTime: 200, maxRetryTime: 2_000, retries: 4 },
  });
}

/**
 * The outbox relay's producer: idempotent (acks = all, one request in flight), keyed by
 * reservation id with the default partitioner. Does not create topics: until the infra has
 * created `reservation.confirmed`, sends fail and the outbox keeps the rows.
 */
export function createRelayProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    // kafkajs defaults an idempotent producer to endless retries, which would stall a relay tick
    // for as long as Kafka is down; bounded retries plus the outbox give at-least-once instead.
    retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: 5 },
  });
}

/** Creates a kafkajs admin client (used for health checks). */
export function createAdmin(kafka: Kafka): Admin {
  return kafka.admin();
}
