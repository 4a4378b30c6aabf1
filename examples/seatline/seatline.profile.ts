/**
 * The target profile of the seatline example service (examples/seatline/): how ticketbench drives
 * and checks a service it did not write. Compared with profiles/bundled.ts, everything differs:
 * a JSON envelope whose `code` (not the HTTP status) says what happened, UUID user keys sent as a
 * header, UUID booking ids, setup by SQL (no fixture endpoint), a unique key instead of a guard
 * table, points in `user_point` with a history table, another Redis lock key, another topic and
 * event JSON. docs/profiles.md explains each field.
 */
import { defineProfile } from '../../src/profile/schema.ts';

// Microseconds since a fixed instant, computed by the database without time zone conversion.
const us = (column: string) => `TIMESTAMPDIFF(MICROSECOND, '2000-01-01 00:00:00', ${column})`;
// seatline's states and ledger reasons, in the canonical words the checks use.
const status = (column: string) => `CASE ${column} WHEN 'HOLDING' THEN 'HELD' WHEN 'PAID' THEN 'CONFIRMED' ELSE ${column} END`;
const ok = { status: [200], json: { path: 'code', in: ['OK'] } };
// The waiting room's answer, in the queue words the queue checks read.
const queueCapture = { state: { from: 'data.status', map: { WAITING: 'waiting', ACTIVE: 'admitted', NONE: 'absent' } }, position: 'data.rank', passToken: 'data.token', passExpiresAt: 'data.expiresAt' };

export default defineProfile({
  name: 'seatline',
  description: 'examples/seatline: envelope API, UUID keys, paid_seat unique key, user_point ledger, waiting room with tokens',
  start: {
    command: ['node', '--import', 'tsx', 'src/main.ts'],
    env: {
      SEATLINE_PORT: '{port}',
      SEATLINE_MYSQL_URL: '{mysqlUrl}',
      SEATLINE_REDIS_URL: '{redisUrl}',
      SEATLINE_KAFKA_BROKERS: '{kafkaBrokers}',
      SEATLINE_HOLD_TTL_MS: '{holdTtlMs}',
      SEATLINE_LOCK_TTL_MS: '{lockTtlMs}',
      SEATLINE_QUEUE_CAPACITY: '{queueCapacity}',
      SEATLINE_QUEUE_TOKEN_TTL_MS: '{queuePassTtlMs}',
      SEATLINE_QUEUE_ADVANCE_MS: '{queueAdvanceMs}',
    },
    health: '/health',
  },
  // No read cache: a seat map is read from the database every time.
  timings: { lockTtlMs: 3_000, holdTtlMs: 300_000, expirySweepMs: 500, cacheTtlMs: 0 },
  setup: {
    kind: 'sql',
    schedule: 'INSERT INTO performance (title, queue_enabled) VALUES ({name}, {queue})',
    seat: { seatNo: 'S{i}', sql: 'INSERT INTO performance_seat (performance_id, seat_code, price_point) VALUES ({scheduleId}, {seatNo}, {price})' },
    user: {
      userId: 'uuid',
      sql: [
        'INSERT INTO member (user_key) VALUES ({userId})',
        'INSERT INTO user_point (user_key, point) VALUES ({userId}, {points})',
        "INSERT INTO user_point_history (user_key, delta, reason, point_after) VALUES ({userId}, {points}, 'INIT', {points})",
      ],
    },
    defaults: { price: 50_000, points: 1_000_000 },
  },
  operations: {
    hold: {
      method: 'POST',
      path: '/v1/performances/{scheduleId}/seats/{seatNo}/hold',
      headers: { 'X-User-Key': '{userId}', 'X-Queue-Token': '{queueToken}' },
      ok,
      fail: [{ json: { path: 'code', in: ['SEAT_LOCKED', 'SEAT_UNAVAILABLE', 'SEAT_NOT_FOUND', 'QUEUE_TOKEN_REQUIRED'] } }, { status: ['4xx'] }],
      reasons: { 'lost-race': { json: { path: 'code', in: ['SEAT_LOCKED', 'SEAT_UNAVAILABLE'] } } },
      errorCode: 'code',
      capture: { reservationId: 'data.bookingUuid' },
    },
    pay: {
      method: 'POST',
      path: '/v1/bookings/{reservationId}/payments',
      headers: { 'X-User-Key': '{userId}' },
      body: {},
      ok,
      fail: [{ json: { path: 'code', in: ['BOOKING_NOT_FOUND', 'BOOKING_NOT_PAYABLE', 'POINT_NOT_ENOUGH', 'SEAT_ALREADY_PAID'] } }, { status: ['4xx'] }],
      reasons: { 'insufficient-funds': { json: { path: 'code', in: ['POINT_NOT_ENOUGH'] } } },
      errorCode: 'code',
      capture: { paymentId: 'data.paymentUuid', amount: 'data.usedPoint', balance: 'data.remainPoint' },
    },
    charge: {
      method: 'POST',
      path: '/v1/points/{userId}/charge',
      body: { point: '{amount}', requestKey: '{idempotencyKey}' },
      ok,
      replay: { json: { path: 'data.duplicated', in: [true] } },
      fail: [{ json: { path: 'code', in: ['USER_NOT_FOUND'] } }, { status: ['4xx'] }],
      errorCode: 'code',
      capture: { ledgerId: 'data.historyId', balance: 'data.point' },
    },
    balance: {
      method: 'GET',
      path: '/v1/points/{userId}',
      ok,
      errorCode: 'code',
      capture: { balance: 'data.point', version: 'data.version' },
    },
    queueEnter: {
      method: 'POST',
      path: '/v1/performances/{scheduleId}/waiting-room',
      headers: { 'X-User-Key': '{userId}' },
      ok,
      errorCode: 'code',
      capture: queueCapture,
    },
    queueStatus: {
      method: 'GET',
      path: '/v1/performances/{scheduleId}/waiting-room',
      headers: { 'X-User-Key': '{userId}' },
      ok,
      errorCode: 'code',
      capture: queueCapture,
    },
    seatMap: {
      method: 'GET',
      path: '/v1/performances/{scheduleId}/seats',
      ok,
      errorCode: 'code',
      available: { from: 'data.seats', where: { path: 'status', in: ['AVAILABLE'] }, pick: 'seatCode' },
    },
  },
  stores: {
    mysql: {
      database: 'seatline',
      queries: {
        seats: 'SELECT performance_id AS scheduleId, seat_code AS seatNo FROM performance_seat WHERE performance_id IN ({scheduleIds})',
        reservations: `SELECT r.booking_uuid AS id, r.performance_id AS scheduleId, r.seat_code AS seatNo, r.user_key AS userId, ${status('r.state')} AS status,
                              ${us('r.held_at')} AS createdUs, ${us('r.updated_at')} AS changedUs, ${us('r.hold_until')} AS expiresUs,
                              (SELECT ${us('p.created_at')} FROM payment p WHERE p.booking_uuid = r.booking_uuid) AS paidUs
                         FROM seat_reservation r WHERE r.performance_id IN ({scheduleIds})`,
        payments: 'SELECT p.payment_uuid AS id, p.booking_uuid AS reservationId, p.user_key AS userId FROM payment p JOIN seat_reservation r ON r.booking_uuid = p.booking_uuid WHERE r.performance_id IN ({scheduleIds})',
        // No guards query: the double-booking guard is the unique key on (performance_id, paid_seat).
        outbox: 'SELECT event_uuid AS eventId, booking_uuid AS reservationId, published_at IS NOT NULL AS sent FROM event_outbox WHERE performance_id IN ({scheduleIds})',
        consumed: 'SELECT message_uuid AS eventId, performance_id AS scheduleId FROM processed_message WHERE performance_id IN ({scheduleIds})',
        soldCounts: 'SELECT id AS scheduleId, paid_count AS soldCount FROM performance WHERE id IN ({scheduleIds})',
        wallets: 'SELECT user_key AS userId, point AS balance FROM user_point WHERE user_key IN ({userIds})',
        ledger: `SELECT id, user_key AS userId, delta AS amount, CASE reason WHEN 'INIT' THEN 'INITIAL' WHEN 'USE' THEN 'PAYMENT' ELSE reason END AS type,
                        request_key AS idempotencyKey, booking_uuid AS reservationId, point_after AS balanceAfter
                   FROM user_point_history WHERE user_key IN ({userIds})`,
        reservationPrices: `SELECT r.booking_uuid AS id, r.user_key AS userId, ${status('r.state')} AS status, s.price_point AS price
                              FROM seat_reservation r JOIN performance_seat s ON s.performance_id = r.performance_id AND s.seat_code = r.seat_code
                             WHERE r.user_key IN ({userIds})`,
        nowUs: `SELECT ${us('NOW(6)')} AS nowUs`,
      },
    },
    redis: {
      seatLockKey: 'lock:performance:{scheduleId}:seat:{seatNo}',
      // The line holds user keys; the active set holds tokens scored by their expiry. No event log.
      queue: { waiting: 'waiting-room:{scheduleId}:line', active: 'waiting-room:{scheduleId}:active' },
    },
    kafka: {
      topic: 'seatline.booking-paid',
      eventId: 'eventUuid',
      reservationId: 'payload.bookingUuid',
      scheduleId: 'payload.performanceId',
      where: { path: 'eventType', in: ['BOOKING_PAID'] },
    },
  },
});
