/**
 * The bundled target (`target-service/`) described as a target profile: the default when no
 * `--profile` is given. Everything ticketbench knows of that service's API, schema, Redis keys and
 * Kafka events is here (plus the strategy tables in contract/bundled-target.ts); docs/profiles.md
 * explains each field. Canonical statuses are the bundled target's own: HELD, CONFIRMED, EXPIRED,
 * CANCELLED; ledger types INITIAL, CHARGE, PAYMENT, REFUND.
 */
import { defineProfile } from '../src/profile/schema.ts';

// Microseconds since a fixed instant, computed by the database without time zone conversion.
const us = (column: string) => `TIMESTAMPDIFF(MICROSECOND, '2000-01-01 00:00:00', ${column})`;

export default defineProfile({
  name: 'bundled',
  description: "ticketbench's reference reservation service (target-service/): Redis seat lock + guard table, point wallet, outbox → Kafka → idempotent consumer",
  start: 'bundled',
  setup: {
    kind: 'http',
    method: 'POST',
    path: '/admin/fixtures',
    body: {
      seats: '{seats}',
      users: '{users}',
      name: '{name}',
      price: '{price}',
      points: '{points}',
      queue: { capacity: '{queueCapacity}', passTtlMs: '{queuePassTtlMs}', advanceMs: '{queueAdvanceMs}' },
    },
    ok: { status: [201] },
    capture: { concertId: 'concertId', scheduleId: 'scheduleId', seatNos: 'seatNos', userIds: 'userIds', price: 'price', points: 'points' },
  },
  operations: {
    hold: {
      method: 'POST',
      path: '/api/reservations',
      body: { scheduleId: '{scheduleId}', seatNo: '{seatNo}', userId: '{userId}', queuePass: '{queueToken}' },
      ok: { status: [201] },
      reasons: { 'sold-out': { status: [409], json: { path: 'error.code', in: ['SOLD_OUT'] } }, 'lost-race': { status: [409] } },
      capture: { reservationId: 'reservationId', attempts: 'header:hold-attempts' },
    },
    pay: {
      method: 'POST',
      path: '/api/reservations/{reservationId}/payment',
      body: { userId: '{userId}', idempotencyKey: '{idempotencyKey}' },
      ok: { status: [201, 200] },
      // 200: a retry with an idempotency key already applied, answered with the first result.
      replay: { status: [200] },
      reasons: { 'insufficient-funds': { status: [402] } },
      capture: { paymentId: 'paymentId', amount: 'amount', balance: 'balance' },
    },
    charge: {
      method: 'POST',
      path: '/api/users/{userId}/wallet/charge',
      body: { amount: '{amount}', idempotencyKey: '{idempotencyKey}' },
      ok: { status: [201, 200] },
      replay: { status: [200] },
      capture: { ledgerId: 'ledgerId', balance: 'balance' },
    },
    balance: {
      method: 'GET',
      path: '/api/users/{userId}/wallet',
      ok: { status: [200] },
      capture: { balance: 'balance', version: 'version' },
    },
    queueEnter: {
      method: 'POST',
      path: '/api/schedules/{scheduleId}/queue',
      body: { userId: '{userId}' },
      ok: { status: [201, 200] },
      capture: { state: 'state', position: 'position', estimatedWaitMs: 'estimatedWaitMs', passToken: 'passToken', passExpiresAt: 'passExpiresAt', entered: 'entered' },
    },
    queueStatus: {
      method: 'GET',
      path: '/api/schedules/{scheduleId}/queue/status?userId={userId}',
      ok: { status: [200] },
      capture: { state: 'state', position: 'position', estimatedWaitMs: 'estimatedWaitMs', passToken: 'passToken', passExpiresAt: 'passExpiresAt', entered: 'entered' },
    },
    queueLeave: {
      method: 'POST',
      path: '/api/schedules/{scheduleId}/queue/leave',
      body: { userId: '{userId}' },
      ok: { status: [200] },
      capture: { left: 'left', released: 'released' },
    },
    seatMap: {
      method: 'GET',
      path: '/api/schedules/{scheduleId}/available-seats',
      ok: { status: [200] },
      available: { from: 'seatNos' },
    },
    scheduleList: { method: 'GET', path: '/api/concerts/{concertId}/schedules', ok: { status: [200] } },
    concertList: { method: 'GET', path: '/api/concerts?limit=20', ok: { status: [200] } },
  },
  stores: {
    mysql: {
      queries: {
        seats: 'SELECT schedule_id AS scheduleId, seat_no AS seatNo FROM seats WHERE schedule_id IN ({scheduleIds})',
        reservations: `SELECT r.id, r.schedule_id AS scheduleId, r.seat_no AS seatNo, r.user_id AS userId, r.status,
                              ${us('r.created_at')} AS createdUs, ${us('r.updated_at')} AS changedUs, ${us('r.expires_at')} AS expiresUs,
                              (SELECT ${us('p.created_at')} FROM payments p WHERE p.reservation_id = r.id) AS paidUs
                         FROM reservations r WHERE r.schedule_id IN ({scheduleIds})`,
        payments: 'SELECT p.id, p.reservation_id AS reservationId, p.user_id AS userId FROM payments p JOIN reservations r ON r.id = p.reservation_id WHERE r.schedule_id IN ({scheduleIds})',
        guards: 'SELECT schedule_id AS scheduleId, seat_no AS seatNo, reservation_id AS reservationId FROM confirmed_seat_guard WHERE schedule_id IN ({scheduleIds})',
        outbox: 'SELECT event_id AS eventId, aggregate_id AS reservationId, sent_at IS NOT NULL AS sent FROM outbox_event WHERE schedule_id IN ({scheduleIds}) AND topic = {topic}',
        consumed: 'SELECT event_id AS eventId, schedule_id AS scheduleId FROM consumer_dedup WHERE consumer_group = {consumerGroup} AND schedule_id IN ({scheduleIds})',
        soldCounts: 'SELECT id AS scheduleId, sold_count AS soldCount FROM schedules WHERE id IN ({scheduleIds})',
        wallets: 'SELECT user_id AS userId, balance FROM wallets WHERE user_id IN ({userIds})',
        ledger: 'SELECT id, user_id AS userId, amount, type, idempotency_key AS idempotencyKey, reservation_id AS reservationId, balance_after AS balanceAfter FROM wallet_ledger WHERE user_id IN ({userIds}) ORDER BY id',
        reservationPrices: 'SELECT r.id, r.user_id AS userId, r.status, s.price FROM reservations r JOIN seats s ON s.schedule_id = r.schedule_id AND s.seat_no = r.seat_no WHERE r.user_id IN ({userIds})',
        nowUs: `SELECT ${us('NOW(6)')} AS nowUs`,
      },
    },
    redis: {
      seatLockKey: 'seat:lock:{scheduleId}:{seatNo}',
      // Namespaced by the service's database (target-service/src/waiting-queue.ts), which keeps an
      // event log of each queue the checks replay.
      queue: {
        waiting: 'queue:{database}:{scheduleId}',
        active: 'queue:pass:z:{database}:{scheduleId}',
        passPrefix: 'queue:pass:{database}:{scheduleId}:',
        log: 'queue:log:{database}:{scheduleId}',
      },
    },
    kafka: {
      topic: 'reservation.confirmed',
      eventId: 'eventId',
      reservationId: 'reservationId',
      scheduleId: 'scheduleId',
      consumerGroup: 'ticketbench-target.{database}',
      source: { header: 'source', value: 'ticketbench-target/{database}' },
    },
  },
});
