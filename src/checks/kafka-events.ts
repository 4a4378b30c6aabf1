/**
 * Check 4 — Kafka: read the profile's topic (the bundled target's `reservation.confirmed`) from
 * this run's start and require exactly one event per CONFIRMED reservation, no event for anything
 * else, the outbox fully sent, the idempotent consumer caught up (every event in the profile's
 * `consumed` rows) and each schedule's sold count equal to the events consumed for it (a
 * redelivery applied twice would break it); the parts whose rows the profile does not give are
 * not judged. The design's relay is at-least-once (a crash between the broker's ack and the outbox
 * commit sends a row again): a redelivered copy of an event already on the topic (same event id)
 * is counted and shown as `redelivered`, not failed; two *different* events for one reservation,
 * or a copy applied twice (the sold count above the events consumed), fail.
 * `collect` first waits (bounded by scope.settleTimeoutMs) for the outbox and consumer to settle
 * and, with a consumer group, for the group to commit up to the topic's end (so a copy redelivered
 * after a consumer crash has been applied, or not, before the sold counts are read), then reports
 * whatever is still missing. Anomaly names follow Jepsen's Kafka workload
 * (`lost-write`, `duplicate`) where they mean the same.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { StoresSpec } from '../profile/schema.ts';
import type { Id } from '../profile/target-ops.ts';
import { readPath } from '../profile/template.ts';
import { canonicalRows, hasQuery, idKey, type CanonicalRow } from './canonical.ts';
import { countKinds, type KindPhrases } from './headline.ts';
import { defineChecker, type CheckScope, type StoreClients } from './checker.ts';
import { CheckSkipped, type EvidenceRow, resultFromViolations } from './types.ts';
import { pushTo } from '../util/multimap.ts';

/** The profile's description of the service's events. */
type KafkaSpec = NonNullable<StoresSpec['kafka']>;

/** An event read back from the topic. */
export interface TopicEvent {
  readonly eventId: string;
  readonly reservationId: Id;
  readonly scheduleId: number;
  readonly partition: number;
  readonly offset: string;
}

/** What the check reads; `null` parts are ones the profile does not give (those anomalies are not judged). */
export interface KafkaEventsSnapshot {
  readonly confirmedIds: readonly Id[];
  readonly outbox: readonly { eventId: string; reservationId: Id; sent: boolean }[] | null;
  readonly consumedEventIds: readonly string[] | null;
  readonly soldCounts: readonly { scheduleId: number; soldCount: number; consumed: number }[] | null;
  readonly events: readonly TopicEvent[];
  /** False when the topic could not be read to its end within the time allowed. */
  readonly topicReadComplete: boolean;
  /** False when the outbox or consumer had not caught up when the wait ran out. */
  readonly settled: boolean;
  readonly waitedMs: number;
}

export const kafkaEventsChecker = defineChecker<KafkaEventsSnapshot>({
  id: 'kafka-events',
  title: 'Exactly one Kafka event per confirmed reservation, consumed once',

  async collect(stores, scope) {
    const spec = stores.profile.kafka;
    if (spec === undefined) throw new CheckSkipped(`profile "${stores.profileName}" gives no stores.kafka (the service publishes no events, or says not where)`);
    const started = Date.now();
    // The settle wait's last reads are the rows judged: they are fresh, taken once everything settled.
    const { settled, outbox, consumed } = await waitForSettle(stores, scope);
    const waitedMs = Date.now() - started;
    // The reservations an earlier check of the run read serve when they agree with the settled
    // outbox (every event's reservation CONFIRMED, as many as there are); a payment that committed
    // after that read would disagree, and then they are read again.
    let reservations = await canonicalRows(stores, scope, 'reservations');
    if (outbox === null || !agrees(reservations, outbox)) reservations = await canonicalRows(stores, scope, 'reservations', { fresh: true });
    const sold = hasQuery(stores, 'soldCounts') && consumed !== null ? await canonicalRows(stores, scope, 'soldCounts', { fresh: true }) : null;
    const { events, complete } = await readTopicSince(stores.kafka, spec, scope);
    const consumedBySchedule = new Map<number, number>();
    for (const c of consumed ?? []) consumedBySchedule.set(Number(c.scheduleId), (consumedBySchedule.get(Number(c.scheduleId)) ?? 0) + 1);
    return {
      confirmedIds: reservations.filter((r) => r.status === 'CONFIRMED').map((r) => r.id as Id),
      outbox: outbox?.map((o) => ({ eventId: String(o.eventId), reservationId: o.reservationId as Id, sent: Boolean(Number(o.sent)) })) ?? null,
      consumedEventIds: consumed?.map((c) => String(c.eventId)) ?? null,
      soldCounts: sold?.map((s) => ({ scheduleId: Number(s.scheduleId), soldCount: Number(s.soldCount), consumed: consumedBySchedule.get(Number(s.scheduleId)) ?? 0 })) ?? null,
      events,
      topicReadComplete: complete,
      settled,
      waitedMs,
    };
  },

  check(_history, snap) {
    const violations: EvidenceRow[] = [];
    const confirmed = new Set(snap.confirmedIds.map(idKey));
    const eventsByReservation = new Map<string, TopicEvent[]>();
    for (const e of snap.events) pushTo(eventsByReservation, idKey(e.reservationId), e);
    const outboxByReservation = new Map((snap.outbox ?? []).map((o) => [idKey(o.reservationId), o]));
    const consumed = snap.consumedEventIds === null ? null : new Set(snap.consumedEventIds);

    let redelivered = 0;
    for (const id of snap.confirmedIds) {
      const events = eventsByReservation.get(idKey(id)) ?? [];
      const distinct = new Set(events.map((e) => e.eventId));
      redelivered += events.length - distinct.size;
      if (snap.outbox !== null && !outboxByReservation.has(idKey(id))) violations.push({ anomaly: 'missing-outbox', reservationId: id, detail: 'CONFIRMED without an outbox row' });
      if (events.length === 0) violations.push({ anomaly: 'lost-write', reservationId: id, detail: 'no event on the topic' });
      if (distinct.size > 1) violations.push({ anomaly: 'duplicate', reservationId: id, detail: `${distinct.size} different events (${[...distinct].join(', ')}) at ${events.map((e) => `${e.partition}:${e.offset}`).join(', ')}` });
    }
    for (const [id, events] of eventsByReservation) {
      if (!confirmed.has(id)) violations.push({ anomaly: 'unexpected-event', reservationId: events[0]!.reservationId, detail: `${events.length} event(s) for a reservation that is not CONFIRMED` });
    }
    for (const o of snap.outbox ?? []) {
      if (!o.sent) violations.push({ anomaly: 'unsent-outbox', reservationId: o.reservationId, detail: `event ${o.eventId} still unsent after ${snap.waitedMs} ms` });
    }
    const outboxEventIds = snap.outbox === null ? null : new Set(snap.outbox.map((o) => o.eventId));
    // Each event once: its redelivered copies are the same event.
    const seen = new Set<string>();
    const firstCopies = snap.events.filter((e) => !seen.has(e.eventId) && seen.add(e.eventId));
    for (const e of firstCopies) {
      // An event the outbox never wrote is published for something the database does not have: the
      // consumer is right to skip it, and waiting longer would change nothing.
      if (outboxEventIds !== null && !outboxEventIds.has(e.eventId)) {
        violations.push({ anomaly: 'event-without-outbox', reservationId: e.reservationId, detail: `event ${e.eventId} at ${e.partition}:${e.offset} has no outbox row: published for something the database does not have` });
      } else if (consumed !== null && !consumed.has(e.eventId)) {
        violations.push({ anomaly: 'not-consumed', reservationId: e.reservationId, detail: `event ${e.eventId} not consumed (no \`consumed\` row) after ${snap.waitedMs} ms` });
      }
    }
    for (const s of snap.soldCounts ?? []) {
      if (s.soldCount !== s.consumed) violations.push({ anomaly: 'sold-count-mismatch', reservationId: 0, detail: `schedule ${s.scheduleId}: sold_count ${s.soldCount}, consumed events ${s.consumed}` });
    }

    const result = resultFromViolations(
      {
        id: 'kafka-events',
        title: 'Exactly one Kafka event per confirmed reservation, consumed once',
        counts: {
          confirmed: snap.confirmedIds.length,
          ...(snap.outbox === null ? {} : { outboxRows: snap.outbox.length }),
          eventsOnTopic: snap.events.length,
          redelivered,
          ...(snap.consumedEventIds === null ? {} : { consumed: snap.consumedEventIds.length }),
          waitedMs: snap.waitedMs,
        },
      },
      violations,
      `${snap.events.length} event(s) for ${snap.confirmedIds.length} confirmed reservation(s)${redelivered > 0 ? ` (${redelivered} redelivered copy(ies) of an event already on the topic: at-least-once delivery, applied once)` : ''}, outbox sent, consumer caught up`,
      (n) => `${n} event anomaly(ies): ${countKinds(violations, EVENT_ANOMALY_PHRASES)}`,
    );
    if (result.verdict === 'pass' && !snap.topicReadComplete) {
      return { ...result, verdict: 'unknown', summary: 'could not read the topic to its end in time; nothing missing among what was read' };
    }
    return result;
  },
});

/** How the headline words each kind of event anomaly. */
const EVENT_ANOMALY_PHRASES: KindPhrases = {
  'missing-outbox': (n) => `${n} CONFIRMED reservation(s) without an outbox row`,
  'lost-write': (n) => `${n} CONFIRMED reservation(s) with no event on the topic`,
  duplicate: (n) => `${n} reservation(s) with more than one different event on the topic`,
  'unexpected-event': (n) => `${n} reservation(s) that are not CONFIRMED yet have an event`,
  'unsent-outbox': (n) => `${n} outbox row(s) never sent`,
  'event-without-outbox': (n) => `${n} event(s) on the topic with no outbox row (published for something the database does not have)`,
  'not-consumed': (n) => `${n} event(s) the consumer did not apply in time`,
  'sold-count-mismatch': (n) => `${n} schedule(s) whose sold_count differs from the events consumed`,
};

/** True when the CONFIRMED reservations are exactly those the outbox rows are for. */
function agrees(reservations: readonly CanonicalRow<'reservations'>[], outbox: readonly CanonicalRow<'outbox'>[]): boolean {
  const confirmed = new Set<string>();
  for (const r of reservations) if (r.status === 'CONFIRMED') confirmed.add(idKey(r.id));
  const ofOutbox = new Set<string>();
  for (const o of outbox) ofOutbox.add(idKey(o.reservationId));
  if (ofOutbox.size !== confirmed.size) return false;
  for (const id of ofOutbox) if (!confirmed.has(id)) return false;
  return true;
}

/**
 * Polls until no outbox row of the run is unsent and the consumer has every sent event (or, for a
 * profile without an outbox, one consumed event per CONFIRMED reservation), as far as the
 * profile's `outbox`, `consumed` and `reservations` queries tell; or the timeout. Returns the last
 * rows of `outbox` and `consumed` it read (null for a query the profile does not give).
 */
async function waitForSettle(stores: StoreClients, scope: CheckScope): Promise<{ settled: boolean; outbox: CanonicalRow<'outbox'>[] | null; consumed: CanonicalRow<'consumed'>[] | null }> {
  const withOutbox = hasQuery(stores, 'outbox');
  const withConsumed = hasQuery(stores, 'consumed');
  const deadline = Date.now() + scope.settleTimeoutMs;
  for (;;) {
    const outbox = withOutbox ? await canonicalRows(stores, scope, 'outbox', { fresh: true }) : null;
    const consumed = withConsumed ? await canonicalRows(stores, scope, 'consumed', { fresh: true }) : null;
    if (!withOutbox && !withConsumed) return { settled: true, outbox, consumed };
    // Without an outbox, the events to expect are the CONFIRMED reservations.
    const expected = outbox ?? (await canonicalRows(stores, scope, 'reservations', { fresh: true })).filter((r) => r.status === 'CONFIRMED').map(() => ({ sent: 1 }));
    const consumedCount = consumed === null ? expected.length : consumed.length;
    if (expected.every((o) => Boolean(Number(o.sent))) && consumedCount >= expected.length) {
      // Every event has a consumed row, but a copy redelivered after a consumer crash may still be on
      // its way: a consumer that applies it twice shows only once it has. So also wait (same deadline)
      // until the consumer group has committed up to the topic's end as it is now.
      if (scope.consumerGroup !== '' && stores.profile.kafka !== undefined) await waitForGroup(stores.kafka, stores.profile.kafka.topic, scope.consumerGroup, deadline);
      return { settled: true, outbox, consumed };
    }
    if (Date.now() >= deadline) return { settled: false, outbox, consumed };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Waits until `group` has committed at least the topic's current high watermark on every partition, or `deadline`; true when it did. */
async function waitForGroup(kafka: Kafka, topic: string, group: string, deadline: number): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    for (;;) {
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
      if (ends.every((e) => BigInt(e.high) <= BigInt(e.low) || (at.get(e.partition) ?? -1n) >= BigInt(e.high))) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } catch {
    // The judgement goes on with what the database says.
    return false;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads the topic from the offsets at the run's start (minus a minute of clock slack) up to the
 * high watermarks seen now, with a throwaway consumer group that commits nothing.
 */
async function readTopicSince(kafka: Kafka, spec: KafkaSpec, scope: CheckScope): Promise<{ events: TopicEvent[]; complete: boolean }> {
  const RESERVATION_CONFIRMED = spec.topic;
  const admin = kafka.admin();
  await admin.connect();
  let starts: { partition: number; offset: string }[];
  let ends: { partition: number; high: string }[];
  try {
    starts = await admin.fetchTopicOffsetsByTimestamp(RESERVATION_CONFIRMED, scope.runStartedAtMs - 60_000);
    ends = (await admin.fetchTopicOffsets(RESERVATION_CONFIRMED)).map((p) => ({ partition: p.partition, high: p.high }));
  } finally {
    await admin.disconnect();
  }
  const wanted = new Set(scope.scheduleIds);
  const events: TopicEvent[] = [];
  const remaining = new Map<number, bigint>();
  const startByPartition = new Map(starts.map((s) => [s.partition, BigInt(s.offset === '-1' ? '0' : s.offset)]));
  for (const e of ends) {
    const start = startByPartition.get(e.partition) ?? 0n;
    const high = BigInt(e.high);
    if (high > start) remaining.set(e.partition, high);
  }
  if (remaining.size === 0) return { events, complete: true };

  const groupId = `ticketbench-check-${randomUUID()}`;
  // Large fetches and whole batches: a run's topic may hold a million events (bench:checks), and
  // kafkajs's per-message path and its default 1 MiB per partition made reading it most of the check.
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, sessionTimeout: 10_000, rebalanceTimeout: 10_000, maxBytesPerPartition: 16 * 1024 * 1024, maxBytes: 48 * 1024 * 1024 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: RESERVATION_CONFIRMED, fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const high = remaining.get(batch.partition);
          if (high === undefined) return;
          const last = Number(high) - 1;
          for (const message of batch.messages) {
            const event = parseEvent(spec, message, batch.partition);
            const source = spec.source === undefined ? undefined : message.headers?.[spec.source.header]?.toString();
            if (event && wanted.has(event.scheduleId) && (scope.eventSource === undefined || source === scope.eventSource)) events.push(event);
            if (Number(message.offset) >= last) {
              remaining.delete(batch.partition);
              if (remaining.size === 0) resolve();
              break;
            }
          }
        },
      });
      for (const [partition] of remaining) {
        consumer.seek({ topic: RESERVATION_CONFIRMED, partition, offset: String(startByPartition.get(partition) ?? 0n) });
      }
    });
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), Math.max(10_000, scope.settleTimeoutMs)).unref());
    const outcome = await Promise.race([done.then(() => 'done' as const), timeout]);
    return { events, complete: outcome === 'done' };
  } finally {
    await consumer.disconnect().catch(() => undefined);
    const cleanup = kafka.admin();
    await cleanup.connect().then(() => cleanup.deleteGroups([groupId])).catch(() => undefined).finally(() => cleanup.disconnect());
  }
}

/**
 * The event's ids, read where the profile says (a JSON path in the value, `key`, or `header:NAME`);
 * undefined for a message that is not one of the service's events (unparseable, filtered out by
 * `where`, or without an id).
 */
function parseEvent(spec: KafkaSpec, message: KafkaMessage, partition: number): TopicEvent | undefined {
  let body: unknown;
  try {
    body = JSON.parse(message.value?.toString() ?? '');
  } catch {
    body = undefined;
  }
  if (spec.where && !spec.where.in.some((v) => v === readPath(body, spec.where!.path))) return undefined;
  const field = (where: string): unknown => {
    if (where === 'key') return message.key?.toString();
    if (where.startsWith('header:')) return message.headers?.[where.slice('header:'.length)]?.toString();
    return readPath(body, where);
  };
  const eventId = field(spec.eventId);
  const reservationId = field(spec.reservationId);
  const scheduleId = Number(field(spec.scheduleId));
  if ((typeof eventId !== 'string' && typeof eventId !== 'number') || (typeof reservationId !== 'string' && typeof reservationId !== 'number') || !Number.isFinite(scheduleId)) return undefined;
  return { eventId: String(eventId), reservationId, scheduleId, partition, offset: message.offset };
}
