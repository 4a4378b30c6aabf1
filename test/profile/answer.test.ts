// How a profile reads answers: envelopes, statuses, reasons, unreadable bodies; and its templates.
import { describe, expect, it } from 'vitest';
import type { HttpResponse } from '../../src/engine/http-client.ts';
import { classifyAnswer } from '../../src/profile/answer.ts';
import { operationSchema } from '../../src/profile/schema.ts';
import { buildRequest } from '../../src/profile/target-ops.ts';
import { readPath, renderJson, renderSql, renderText } from '../../src/profile/template.ts';
import { seatLockPattern } from '../../src/checks/orphan-locks.ts';

function answer(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, headers, json, text, latencyMs: 1 };
}

// An envelope service: HTTP 200 for every business outcome, the `code` field tells them apart.
const envelopeHold = operationSchema.parse({
  method: 'POST',
  path: '/v1/performances/{scheduleId}/seats/{seatNo}/hold',
  headers: { 'X-User-Key': '{userId}', 'X-Queue-Token': '{queueToken}' },
  ok: { status: [200], json: { path: 'code', in: ['OK'] } },
  fail: [{ json: { path: 'code', in: ['SEAT_LOCKED', 'SEAT_UNAVAILABLE', 'SOLD_OUT'] } }, { status: ['4xx'] }],
  reasons: { 'sold-out': { json: { path: 'code', in: ['SOLD_OUT'] } }, 'lost-race': { json: { path: 'code', in: ['SEAT_LOCKED', 'SEAT_UNAVAILABLE'] } } },
  errorCode: 'code',
  capture: { reservationId: 'data.bookingUuid' },
});
const holdContract = { required: ['reservationId'], integers: ['attempts'] };

describe('classifyAnswer', () => {
  it('reads an ok envelope and its string id', () => {
    const r = classifyAnswer(envelopeHold, holdContract, answer(200, { code: 'OK', data: { bookingUuid: 'b-1' } }));
    expect(r).toEqual({ type: 'ok', result: { status: 200, reservationId: 'b-1' } });
  });

  it('makes a business refusal at HTTP 200 a definite fail, with its code and reason', () => {
    const lost = classifyAnswer(envelopeHold, holdContract, answer(200, { code: 'SEAT_LOCKED', data: null }));
    expect(lost).toMatchObject({ type: 'fail', result: { status: 200, code: 'SEAT_LOCKED', reason: 'lost-race' }, error: 'SEAT_LOCKED' });
    const soldOut = classifyAnswer(envelopeHold, holdContract, answer(200, { code: 'SOLD_OUT', data: null }));
    expect(soldOut.result?.['reason']).toBe('sold-out');
    expect(classifyAnswer(envelopeHold, holdContract, answer(400, { code: 'BAD_REQUEST' })).type).toBe('fail');
  });

  it('an ok answer without the id, an unknown code or a body that is not JSON is info, with the first 200 bytes as evidence', () => {
    const noId = classifyAnswer(envelopeHold, holdContract, answer(200, { code: 'OK', data: {} }));
    expect(noId).toMatchObject({ type: 'info' });
    expect(noId.error).toMatch(/^200 without reservationId: \{"code":"OK"/);
    const unknown = classifyAnswer(envelopeHold, holdContract, answer(200, { code: 'MAINTENANCE' }));
    expect(unknown).toMatchObject({ type: 'info', result: { code: 'MAINTENANCE' } });
    const html = classifyAnswer(envelopeHold, holdContract, answer(502, `<html>${'x'.repeat(500)}</html>`));
    expect(html.type).toBe('info');
    expect(html.error!.length).toBeLessThan(230);
    expect(html.error).toContain('<html>xxx');
  });

  it('a read never reports info: what it cannot read is a fail', () => {
    const read = operationSchema.parse({ method: 'GET', path: '/w/{userId}', ok: { status: [200] }, capture: { balance: 'data.point' } });
    expect(classifyAnswer(read, { required: ['balance'], read: true }, answer(200, 'oops')).type).toBe('fail');
    expect(classifyAnswer(read, { required: ['balance'], read: true }, answer(503, 'down')).type).toBe('fail');
  });

  it('marks a replayed idempotency key applied: false, a header capture becomes a number, a mapped value is translated', () => {
    const charge = operationSchema.parse({
      method: 'POST',
      path: '/c',
      ok: { status: [200, 201] },
      replay: { json: { path: 'data.duplicated', in: [true] } },
      capture: { ledgerId: 'data.id', attempts: 'header:x-attempts', state: { from: 'data.status', map: { ACTIVE: 'admitted' } } },
    });
    const contract = { required: ['ledgerId'], integers: ['attempts'] };
    expect(classifyAnswer(charge, contract, answer(200, { data: { id: 7, duplicated: true, status: 'ACTIVE' } }, { 'x-attempts': '3' }), true).result).toEqual({
      status: 200,
      ledgerId: 7,
      attempts: 3,
      state: 'admitted',
      applied: false,
    });
    expect(classifyAnswer(charge, contract, answer(201, { data: { id: 8, duplicated: false } }), true).result?.['applied']).toBe(true);
  });
});

describe('templates', () => {
  it('builds a request: path variables encoded, headers without a value left out, typed body leaves', () => {
    const built = buildRequest({ ...envelopeHold, body: { seat: '{seatNo}', schedule: '{scheduleId}', note: 'hold {seatNo}', token: '{queueToken}' } }, { scheduleId: 12, seatNo: 'A 1', userId: 'u-1' });
    expect(built).toEqual({ method: 'POST', path: '/v1/performances/12/seats/A%201/hold', headers: { 'X-User-Key': 'u-1' }, body: { seat: 'A 1', schedule: 12, note: 'hold A 1' } });
  });

  it('a path variable with no value is an error in the profile', () => {
    expect(() => buildRequest(envelopeHold, { scheduleId: 1 })).toThrow(/path variable has no value/);
  });

  it('binds SQL variables as parameters, expanding lists and never splicing values', () => {
    expect(renderSql('SELECT * FROM t WHERE a IN ({ids}) AND b = {name}', { ids: [1, 2, 3], name: "x'; DROP TABLE t; --" })).toEqual({
      sql: 'SELECT * FROM t WHERE a IN (?, ?, ?) AND b = ?',
      params: [1, 2, 3, "x'; DROP TABLE t; --"],
    });
    expect(renderSql('a IN ({ids})', { ids: [] }).sql).toBe('a IN (NULL)');
    expect(() => renderSql('{missing}', {})).toThrow(/\{missing\} has no value/);
  });

  it('reads paths and renders text', () => {
    expect(readPath({ a: { b: [{ c: 5 }] } }, 'a.b.0.c')).toBe(5);
    expect(readPath({ a: 1 }, 'a.b')).toBeUndefined();
    expect(renderText('x{a}y', {})).toBeUndefined();
    expect(renderJson(['{a}', '{b}'], { a: 1 })).toEqual([1]);
  });

  it('turns a seat lock key template into a SCAN pattern of one schedule', () => {
    expect(seatLockPattern('seat:lock:{scheduleId}:{seatNo}', 12)).toBe('seat:lock:12:*');
    expect(seatLockPattern('lock:performance:{scheduleId}:seat:{seatNo}', 3)).toBe('lock:performance:3:seat:*');
    expect(seatLockPattern('odd*key:{scheduleId}', 1)).toBe('odd\\*key:1');
  });
});
