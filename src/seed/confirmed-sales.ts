/**
 * `ticketbench seed --confirmed N`: N confirmed sales on the seed's seats, as the bundled target
 * leaves them after a settled run, so that the checkers can be timed over a run far larger than
 * one machine can drive (issue 15: a million confirmed reservations). Each sale is what a hold
 * and a payment write (target-service/src/routes/payments.ts): a CONFIRMED reservation, its
 * payment, its confirmed-seat guard row, the seat SOLD, an outbox row; then the outbox is
 * published to Kafka with the relay's key and headers (target-service/src/outbox-relay.ts) and
 * applied as the idempotent consumer does (a `consumer_dedup` row per event, `sold_count`), and
 * the target's consumer group is committed at the topic's end.
 *
 * Two phases, both resumable:
 * - sales: seats `S1`… of the seed schedules in order, in batches of `batch` seats of one schedule,
 *   each batch in one transaction with its `seed_progress` row (`sales:{scheduleId}`), so a
 *   batch is written exactly once;
 * - publication: unsent outbox rows of the seed schedules in id order, `batch` at a time: sent to
 *   Kafka, then marked sent with their consumer rows in one transaction. A crash between the two
 *   sends a batch again on the next run, which is the relay's at-least-once delivery (the
 *   `kafka-events` check counts such copies as `redelivered`).
 * Bulk statements instead of the target's per-sale ones: the rows are the same, written 5,000 at a time.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Message } from 'kafkajs';
import mysql, { type Pool, type PoolConnection, type RowDataPacket } from 'mysql2/promise';
import { consumerGroupFor, eventSourceFor } from '../../contract/bundled-target.ts';
import { RESERVATION_CONFIRMED_TOPIC } from '../infra/kafka-admin.ts';
import { pushTo } from '../util/multimap.ts';
import { inTransaction } from '../util/transaction.ts';

/** What to sell: the first `confirmed` seats of `scheduleIds` (each with `seatsPerSchedule` seats `S1`…). */
export interface SalesPlan {
  readonly scheduleIds: readonly number[];
  readonly seatsPerSchedule: number;
  /** Total confirmed sales wanted (not an increment); at most scheduleIds × seatsPerSchedule. */
  readonly confirmed: number;
  /** The first this many seed users (`seed-user-1`…) buy, round robin. */
  readonly users: number;
  /** Sales per transaction and events per Kafka send. */
  readonly batch: number;
}

/** Progress of the sales seed, reported about every 250 ms and at each phase change. */
export interface SalesProgress {
  readonly phase: 'sales' | 'publish';
  /** Sales (phase `sales`) or events (phase `publish`) done of `total`, existing ones included. */
  readonly done: number;
  readonly total: number;
  readonly elapsedMs: number;
}

/** What a sales seed did. */
export interface SalesResult {
  /** Sales written by this run. */
  readonly salesInserted: number;
  /** Events published to Kafka by this run. */
  readonly eventsPublished: number;
  /** Schedules holding the sales (the first ⌈confirmed / seatsPerSchedule⌉ seed schedules). */
  readonly scheduleIds: readonly number[];
  /** Epoch ms of the first publication of these sales (kept from the first run): where a reader of the topic starts. */
  readonly publishedFromMs: number;
  readonly salesMs: number;
  readonly publishMs: number;
}

/** The event the bundled target writes to its outbox for a payment (target-service/src/routes/payments.ts). */
const EVENT_TYPE = 'ReservationConfirmed';
const PROGRESS_TICK_MS = 250;
const PUBLISHED_FROM = 'sales:published-from-ms';

/**
 * Writes the plan's missing sales, then publishes their unsent events (see the module comment).
 * @param mysqlUrl the service database (schema migrated, seats and users seeded)
 * @param kafkaBrokers `host:port` list; the topic must exist (`infra up` creates it)
 * @throws the driver's or kafkajs's error; running the same command again resumes
 */
export async function seedConfirmedSales(mysqlUrl: string, kafkaBrokers: readonly string[], plan: SalesPlan, onProgress: (p: SalesProgress) => void = () => {}): Promise<SalesResult> {
  const started = Date.now();
  const pool = mysql.createPool({ uri: mysqlUrl.replace(/^mariadb:/, 'mysql:'), connectionLimit: 2 });
  const scheduleIds = plan.scheduleIds.slice(0, Math.ceil(plan.confirmed / plan.seatsPerSchedule));
  try {
    let done = 0;
    const report = (phase: SalesProgress['phase'], total: number): void => onProgress({ phase, done, total, elapsedMs: Date.now() - started });
    const progress = await readProgress(pool);
    const [users] = await pool.query<RowDataPacket[]>("SELECT id FROM users WHERE name LIKE 'seed-user-%' ORDER BY id LIMIT ?", [plan.users]);
    const userIds = users.map((row) => Number(row.id));
    if (userIds.length === 0) throw new Error('no seed users to sell to (seed users first)');
    const wanted = (index: number): number => Math.min(plan.seatsPerSchedule, plan.confirmed - index * plan.seatsPerSchedule);
    done = scheduleIds.reduce((n, id, index) => n + Math.min(progress.get(`sales:${id}`) ?? 0, wanted(index)), 0);
    let salesInserted = 0;
    report('sales', plan.confirmed);
    let timer = setInterval(() => report('sales', plan.confirmed), PROGRESS_TICK_MS);
    try {
      for (const [index, scheduleId] of scheduleIds.entries()) {
        let from = progress.get(`sales:${scheduleId}`) ?? 0;
        while (from < wanted(index)) {
          const to = Math.min(from + plan.batch, wanted(index));
          await inTransaction(pool, (conn) => writeSales(conn, scheduleId, from, to, userIds, index * plan.seatsPerSchedule));
          salesInserted += to - from;
          done += to - from;
          from = to;
        }
      }
    } finally {
      clearInterval(timer);
    }
    report('sales', plan.confirmed);
    const salesMs = Date.now() - started;

    const publishStarted = Date.now();
    const total = plan.confirmed;
    const unsent = await countUnsent(pool, scheduleIds);
    done = total - unsent;
    // Before the first send: a reader of the topic starts here (a minute earlier, for clock slack).
    if (unsent > 0) await pool.query('INSERT IGNORE INTO seed_progress (item, done) VALUES (?, ?)', [PUBLISHED_FROM, Date.now()]);
    report('publish', total);
    timer = setInterval(() => report('publish', total), PROGRESS_TICK_MS);
    let eventsPublished = 0;
    const kafka = new Kafka({ clientId: 'ticketbench-seed', brokers: [...kafkaBrokers], logLevel: logLevel.NOTHING, retry: { retries: 5 } });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    const group = consumerGroupFor(mysqlUrl);
    const source = eventSourceFor(mysqlUrl);
    await producer.connect();
    try {
      const partitions = await partitionCount(kafka);
      for (;;) {
        const sent = await publishBatch(pool, producer, scheduleIds, plan.batch, partitions, group, source);
        if (sent === 0) break;
        eventsPublished += sent;
        done += sent;
      }
    } finally {
      clearInterval(timer);
      await producer.disconnect();
    }
    report('publish', total);
    // As if the target's consumer had read to the end: the checks wait for its group's offsets.
    await commitGroupAtEnd(kafka, group);
    const [[first]] = await pool.query<RowDataPacket[]>('SELECT done FROM seed_progress WHERE item = ?', [PUBLISHED_FROM]);
    return { salesInserted, eventsPublished, scheduleIds, publishedFromMs: Number(first?.done ?? publishStarted), salesMs, publishMs: Date.now() - publishStarted };
  } finally {
    await pool.end();
  }
}

/** Sales of seats `S{from+1}`…`S{to}` of a schedule and their progress row (caller's transaction). */
async function writeSales(conn: PoolConnection, scheduleId: number, from: number, to: number, userIds: readonly number[], userOffset: number): Promise<void> {
  const seatNos: string[] = [];
  const rows: string[] = [];
  for (let i = from + 1; i <= to; i++) {
    seatNos.push(`'S${i}'`);
    // Numbers and `S<digits>` only: nothing to escape. The hold ran its course: expiry after its payment.
    rows.push(`(${scheduleId},'S${i}',${userIds[(userOffset + i - 1) % userIds.length]},'CONFIRMED',NOW(6) + INTERVAL 5 MINUTE)`);
  }
  const seats = seatNos.join(',');
  await conn.query(`INSERT INTO reservations (schedule_id, seat_no, user_id, status, expires_at) VALUES ${rows.join(',')}`);
  const ofBatch = `FROM reservations r JOIN seats s ON s.schedule_id = r.schedule_id AND s.seat_no = r.seat_no WHERE r.schedule_id = ${scheduleId} AND r.seat_no IN (${seats}) AND r.status = 'CONFIRMED'`;
  await conn.query(`INSERT INTO payments (reservation_id, user_id, amount) SELECT r.id, r.user_id, s.price ${ofBatch}`);
  await conn.query(`INSERT INTO confirmed_seat_guard (schedule_id, seat_no, reservation_id) SELECT r.schedule_id, r.seat_no, r.id ${ofBatch}`);
  // A hold and a payment each move the seat's version once.
  await conn.query(`UPDATE seats SET status = 'SOLD', version = version + 2 WHERE schedule_id = ${scheduleId} AND seat_no IN (${seats})`);
  const [sales] = await conn.query<RowDataPacket[]>(`SELECT r.id, r.seat_no, r.user_id, p.id AS payment_id, p.amount FROM reservations r JOIN payments p ON p.reservation_id = r.id WHERE r.schedule_id = ${scheduleId} AND r.seat_no IN (${seats}) AND r.status = 'CONFIRMED'`);
  const confirmedAt = new Date().toISOString();
  const outbox = sales.map((sale) => {
    const event = { eventId: randomUUID(), reservationId: Number(sale.id), scheduleId, seatNo: String(sale.seat_no), userId: Number(sale.user_id), paymentId: Number(sale.payment_id), amount: Number(sale.amount), confirmedAt };
    return [event.eventId, RESERVATION_CONFIRMED_TOPIC, EVENT_TYPE, event.reservationId, scheduleId, JSON.stringify(event)];
  });
  await conn.query('INSERT INTO outbox_event (event_id, topic, event_type, aggregate_id, schedule_id, payload) VALUES ?', [outbox]);
  await conn.query('INSERT INTO seed_progress (item, done) VALUES (?, ?) ON DUPLICATE KEY UPDATE done = VALUES(done)', [`sales:${scheduleId}`, to]);
}

/**
 * Publishes up to `batch` unsent outbox rows of the schedules, then marks them sent and applies
 * them as the consumer group would, in one transaction; returns how many (0: none left).
 */
async function publishBatch(pool: Pool, producer: ReturnType<Kafka['producer']>, scheduleIds: readonly number[], batch: number, partitions: number, group: string, source: string): Promise<number> {
  return inTransaction(pool, async (conn) => {
    const [rows] = await conn.query<RowDataPacket[]>(
      `SELECT id, event_id, aggregate_id, schedule_id, payload FROM outbox_event WHERE sent_at IS NULL AND schedule_id IN (?) ORDER BY id LIMIT ${Number(batch)} FOR UPDATE SKIP LOCKED`,
      [scheduleIds],
    );
    if (rows.length === 0) return 0;
    // Partitions chosen here (round robin) so that each message's offset follows from its partition's base offset.
    const byPartition = new Map<number, RowDataPacket[]>();
    rows.forEach((row, i) => pushTo(byPartition, i % partitions, row));
    const messages: Message[] = [];
    for (const [partition, ofPartition] of byPartition) {
      for (const row of ofPartition) messages.push({ partition, key: String(row.aggregate_id), value: String(row.payload), headers: { 'event-id': String(row.event_id), source } });
    }
    const acks = await producer.send({ topic: RESERVATION_CONFIRMED_TOPIC, acks: -1, messages });
    const base = new Map(acks.map((a) => [a.partition, BigInt(a.baseOffset ?? '0')]));
    const consumed: unknown[][] = [];
    for (const [partition, ofPartition] of byPartition) {
      ofPartition.forEach((row, k) => consumed.push([group, row.event_id, row.aggregate_id, row.schedule_id, partition, String((base.get(partition) ?? 0n) + BigInt(k))]));
    }
    await conn.query('UPDATE outbox_event SET sent_at = NOW(6) WHERE id IN (?)', [rows.map((row) => row.id)]);
    await conn.query('INSERT IGNORE INTO consumer_dedup (consumer_group, event_id, reservation_id, schedule_id, kafka_partition, kafka_offset) VALUES ?', [consumed]);
    // Recounted rather than incremented, so that a batch sent again changes nothing.
    const touched = [...new Set(rows.map((row) => Number(row.schedule_id)))];
    await conn.query('UPDATE schedules s SET sold_count = (SELECT COUNT(*) FROM consumer_dedup d WHERE d.consumer_group = ? AND d.schedule_id = s.id) WHERE s.id IN (?)', [group, touched]);
    return rows.length;
  });
}

async function countUnsent(pool: Pool, scheduleIds: readonly number[]): Promise<number> {
  if (scheduleIds.length === 0) return 0;
  const [[row]] = await pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM outbox_event WHERE sent_at IS NULL AND schedule_id IN (?)', [scheduleIds]);
  return Number(row?.n ?? 0);
}

async function partitionCount(kafka: Kafka): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return Math.max(1, (await admin.fetchTopicOffsets(RESERVATION_CONFIRMED_TOPIC)).length);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Commits `group` at the high watermarks of the bundled target's topic, as its consumer leaves it
 * once it has read everything (it skips other sources' events). The group must have no live member.
 * @throws kafkajs's error
 */
export async function commitGroupAtEnd(kafka: Kafka, group: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(RESERVATION_CONFIRMED_TOPIC);
    await admin.setOffsets({ groupId: group, topic: RESERVATION_CONFIRMED_TOPIC, partitions: ends.map((e) => ({ partition: e.partition, offset: e.high })) });
  } finally {
    await admin.disconnect();
  }
}

async function readProgress(pool: Pool): Promise<Map<string, number>> {
  await pool.query('CREATE TABLE IF NOT EXISTS seed_progress (item VARCHAR(64) NOT NULL PRIMARY KEY, done BIGINT NOT NULL) ENGINE=InnoDB');
  const [rows] = await pool.query<RowDataPacket[]>("SELECT item, done FROM seed_progress WHERE item LIKE 'sales:%'");
  return new Map(rows.map((row) => [String(row.item), Number(row.done)]));
}
