/**
 * Talking to a Kafka cluster through kafkajs' admin client: is it reachable, and creating the
 * topic the bundled target publishes to. kafkajs is kept silent and fails fast, so a dead
 * broker costs seconds, not kafkajs' default minute of retries.
 */
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { TicketbenchError } from '../errors.ts';
import { oneLineError } from './error-text.ts';
import { pollUntil } from './polling.ts';
import type { ProbeResult } from './types.ts';

/** The topic of confirmed reservations (outbox relay → consumer). */
export const RESERVATION_CONFIRMED_TOPIC = 'reservation.confirmed';

/** Partitions of RESERVATION_CONFIRMED_TOPIC when `infra up` creates it. */
export const RESERVATION_CONFIRMED_PARTITIONS = 3;

/**
 * Runs `work` with a connected admin client; always disconnects.
 * @param timeoutMs connection timeout per broker in milliseconds (requests get 2.5× that).
 */
export async function withKafkaAdmin<T>(brokers: readonly string[], timeoutMs: number, work: (admin: Admin) => Promise<T>): Promise<T> {
  const kafka = new Kafka({
    clientId: 'ticketbench-infra',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    requestTimeout: Math.round(timeoutMs * 2.5),
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await work(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Connects and runs describeCluster. Never throws. The version is always 'unknown' here:
 * kafkajs cannot read a broker's version (the caller knows it for brokers it started).
 * @param timeoutMs connection timeout in milliseconds.
 */
export async function probeKafka(brokers: readonly string[], timeoutMs = 2_000): Promise<ProbeResult> {
  try {
    const cluster = await withKafkaAdmin(brokers, timeoutMs, (admin) => admin.describeCluster());
    if (cluster.brokers.length === 0) return { reachable: false, version: 'unknown', error: 'the cluster reports no brokers' };
    return { reachable: true, version: 'unknown' };
  } catch (err) {
    return { reachable: false, version: 'unknown', error: oneLineError(err) };
  }
}

/**
 * Creates `topic` with `partitions` partitions and replication factor 1 unless it exists.
 * A broker that has just started may refuse at first (not yet unfenced), so failures are
 * retried for up to `timeoutMs` (default 30 000 ms).
 * @returns true when this call created the topic.
 * @throws TicketbenchError INFRA_UNAVAILABLE when it still fails after `timeoutMs`.
 */
export async function ensureTopic(
  brokers: readonly string[],
  topic: string = RESERVATION_CONFIRMED_TOPIC,
  partitions: number = RESERVATION_CONFIRMED_PARTITIONS,
  timeoutMs = 30_000,
): Promise<boolean> {
  let lastError: unknown;
  const outcome = await pollUntil(async () => {
    try {
      return await withKafkaAdmin(brokers, 2_000, async (admin) => {
        if ((await admin.listTopics()).includes(topic)) return 'exists' as const;
        // false means another client created it between the two calls.
        const created = await admin.createTopics({
          topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
          waitForLeaders: true,
          timeout: 10_000,
        });
        return created ? ('created' as const) : ('exists' as const);
      });
    } catch (err) {
      lastError = err;
      return undefined;
    }
  }, timeoutMs, 1_000);
  if (outcome === undefined) {
    throw new TicketbenchError(
      'INFRA_UNAVAILABLE',
      `Could not create Kafka topic ${topic} on ${brokers.join(',')}: ${oneLineError(lastError)}; check the broker's log or create the topic yourself.`,
      { cause: lastError },
    );
  }
  return outcome === 'created';
}
