/**
 * A committed payment is acknowledged even when Redis fails right after the commit: the
 * housekeeping that follows (queue pass release, cache drop) is best effort. Found by the
 * restart-redis nemesis (committed payments answered 500 while Redis was down). Redis is reached
 * through the nemesis's relay, which the test closes to take Redis away from this service only.
 */
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { startLinkProxy } from '../../src/nemesis/link-proxy.ts';
import type { Logger } from '../../target-service/src/log.ts';
import { startService } from '../../target-service/src/service.ts';
import { client, createTestDatabase, ensureConfirmedTopic, testSettings } from './helpers.ts';

const lines: string[] = [];
const log: Logger = { info: () => undefined, warn: (m) => lines.push(m), error: (m) => lines.push(m) };
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

describe('after a payment commits', () => {
  it('answers 201 although Redis is gone, and the payment is in MySQL', async () => {
    const url = await createTestDatabase('after_commit');
    await ensureConfirmedTopic();
    const link = await startLinkProxy('redis', { host: '127.0.0.1', port: 6379 });
    cleanups.push(() => link.close());
    const service = await startService(testSettings(url, { redisUrl: `redis://127.0.0.1:${link.port}`, strategy: 'pessimistic', walletStrategy: 'pessimistic' }), { log });
    cleanups.push(() => service.close());
    const api = client(service.port);
    const fixture = (await api.post('/admin/fixtures', { seats: 2, users: 2 })).body as { scheduleId: number; seatNos: string[]; userIds: number[] };
    const held = await api.post('/api/reservations', { userId: fixture.userIds[0], scheduleId: fixture.scheduleId, seatNo: 'S1' });
    expect(held.status).toBe(201);

    await link.close();
    const paid = await api.post(`/api/reservations/${held.body.reservationId}/payment`, { userId: fixture.userIds[0] });
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({ reservationId: held.body.reservationId, status: 'CONFIRMED', applied: true });
    const db = await mysql.createConnection(url);
    cleanups.push(() => db.end());
    const [rows] = await db.query<RowDataPacket[]>('SELECT status FROM reservations WHERE id = ?', [held.body.reservationId]);
    expect(rows[0]?.status).toBe('CONFIRMED');
    expect(lines.join('\n')).toMatch(new RegExp(`payment ${paid.body.paymentId} committed; an after-commit step failed`));
  }, 60_000);
});
