/**
 * Hold expiry: a short TARGET_HOLD_TTL_MS hold is swept back to AVAILABLE / EXPIRED, cannot be
 * paid afterwards, and the sweep never touches confirmed reservations or sold seats.
 */
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireHoldsOnce } from '../../target-service/src/hold-expiry.ts';
import { createPool, type Pool } from '../../target-service/src/db.ts';
import { silentLogger } from '../../target-service/src/log.ts';
import { startService, type RunningService } from '../../target-service/src/service.ts';
import { client, createTestDatabase, ensureConfirmedTopic, testSettings, waitFor } from './helpers.ts';

let service: RunningService;
let db: mysql.Connection;
let pool: Pool;
let api: ReturnType<typeof client>;
let fixture: { scheduleId: number; userIds: number[] };

async function rows(sql: string, params: unknown[] = []): Promise<RowDataPacket[]> {
  const [result] = await db.query<RowDataPacket[]>(sql, params);
  return result;
}

beforeAll(async () => {
  const url = await createTestDatabase('expiry');
  await ensureConfirmedTopic();
  service = await startService(testSettings(url, { holdTtlMs: 300, expirySweepMs: 50 }), { log: silentLogger });
  db = await mysql.createConnection(url);
  pool = createPool(url, 2);
  api = client(service.port);
  fixture = (await api.post('/admin/fixtures', { seats: 5, users: 3 })).body;
});

afterAll(async () => {
  await service?.close();
  await db?.end();
  await pool?.end();
});

describe('hold expiry', () => {
  it('expires a short hold: reservation EXPIRED, seat AVAILABLE, payment refused, seat holdable again', async () => {
    const held = await api.post('/api/reservations', { userId: fixture.userIds[0], scheduleId: fixture.scheduleId, seatNo: 'S1' });
    expect(held.status).toBe(201);
    const reservationId = held.body.reservationId as number;
    const expiresIn = Date.parse(held.body.expiresAt) - Date.now();
    expect(expiresIn).toBeLessThanOrEqual(300);

    await waitFor('reservation EXPIRED', async () => (await rows('SELECT status FROM reservations WHERE id = ?', [reservationId]))[0]?.status === 'EXPIRED', 10_000);
    const [seat] = await rows("SELECT status FROM seats WHERE schedule_id = ? AND seat_no = 'S1'", [fixture.scheduleId]);
    expect(seat?.status).toBe('AVAILABLE');

    const paid = await api.post(`/api/reservations/${reservationId}/payment`, { userId: fixture.userIds[0] });
    expect(paid.status).toBe(409);
    expect(paid.body.error.code).toBe('RESERVATION_NOT_HELD');

    const again = await api.post('/api/reservations', { userId: fixture.userIds[1], scheduleId: fixture.scheduleId, seatNo: 'S1' });
    expect(again.status).toBe(201);
  });

  it('refuses to pay a hold past expires_at even before the sweep ran', async () => {
    // A HELD row already past expiry; the sweep may or may not have reached it: either way 409.
    const [inserted] = await db.query<mysql.ResultSetHeader>(
      "INSERT INTO reservations (schedule_id, seat_no, user_id, status, expires_at) VALUES (?, 'S5', ?, 'HELD', NOW(6) - INTERVAL 1 SECOND)",
      [fixture.scheduleId, fixture.userIds[2]],
    );
    const paid = await api.post(`/api/reservations/${inserted.insertId}/payment`, { userId: fixture.userIds[2] });
    expect(paid.status).toBe(409);
    expect(paid.body.error.code).toBe('RESERVATION_NOT_HELD');
  });

  it('never touches confirmed reservations or sold seats', async () => {
    await db.query("UPDATE seats SET status = 'SOLD' WHERE schedule_id = ? AND seat_no = 'S3'", [fixture.scheduleId]);
    const [confirmed] = await db.query<mysql.ResultSetHeader>(
      "INSERT INTO reservations (schedule_id, seat_no, user_id, status, expires_at) VALUES (?, 'S3', ?, 'CONFIRMED', NOW(6) - INTERVAL 1 HOUR)",
      [fixture.scheduleId, fixture.userIds[2]],
    );
    await expireHoldsOnce(pool);
    const [reservation] = await rows('SELECT status FROM reservations WHERE id = ?', [confirmed.insertId]);
    expect(reservation?.status).toBe('CONFIRMED');
    const [seat] = await rows("SELECT status FROM seats WHERE schedule_id = ? AND seat_no = 'S3'", [fixture.scheduleId]);
    expect(seat?.status).toBe('SOLD');
  });
});
