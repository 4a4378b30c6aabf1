/**
 * The reservation operations scenarios perform against the bundled target's API, recorded in the
 * history with the shapes the checkers expect: `hold` {scheduleId, seatNo, userId} →
 * {reservationId, attempts}; `pay` {reservationId, userId} → {paymentId}. And the figures a
 * reservation scenario reports from its history.
 */
import { z } from 'zod';
import type { History } from '../engine/history.ts';
import type { HttpResponse } from '../engine/http-client.ts';
import { classifyUnexpected, ok, type OpResult, type VuContext } from '../engine/vu.ts';

const holdAnswer = z.object({ reservationId: z.number().int().positive() });
const payAnswer = z.object({ paymentId: z.number().int().positive() });

/** What a hold asks for. */
export interface HoldRequest {
  readonly scheduleId: number;
  readonly seatNo: string;
  readonly userId: number;
}

/**
 * `POST /api/reservations`. A 201 without a readable reservation id is `info`: it may still be a
 * hold, and must never count as a silent success. 409 and other 4xx are `fail`.
 */
export function holdSeat(vu: VuContext, request: HoldRequest): Promise<OpResult> {
  return vu.op('hold', { scheduleId: request.scheduleId, seatNo: request.seatNo, userId: request.userId }, async () => {
    const res = await vu.http.request('hold', 'POST', '/api/reservations', request);
    const attempts = holdAttempts(res);
    if (res.status !== 201) {
      const outcome = classifyUnexpected(res);
      return attempts === undefined ? outcome : { ...outcome, result: { ...outcome.result, attempts } };
    }
    const body = holdAnswer.safeParse(res.json);
    if (!body.success) return { type: 'info', error: `201 without a reservationId: ${res.text.slice(0, 120)}` };
    return ok({ reservationId: body.data.reservationId, status: 201, ...(attempts === undefined ? {} : { attempts }) });
  });
}

/** `POST /api/reservations/:id/payment`, recorded as `pay`. */
export function payReservation(vu: VuContext, reservationId: number, userId: number): Promise<OpResult> {
  return vu.op('pay', { reservationId, userId }, async () => {
    const res = await vu.http.request('pay', 'POST', `/api/reservations/${reservationId}/payment`, { userId });
    if (res.status !== 201) return classifyUnexpected(res);
    const body = payAnswer.safeParse(res.json);
    return body.success ? ok({ paymentId: body.data.paymentId, status: 201 }) : { type: 'info', error: `201 without a paymentId: ${res.text.slice(0, 120)}` };
  });
}

/** The target's `Hold-Attempts` header (DB write attempts of its strategy), when present. */
function holdAttempts(res: HttpResponse): number | undefined {
  const raw = res.headers['hold-attempts'];
  const value = Number(Array.isArray(raw) ? raw[0] : raw);
  return raw !== undefined && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/**
 * Figures of a reservation run from its history:
 * - `holdAttempts`, `holdsOk`, `conflicts` (holds answered 409), `paysOk`;
 * - `seatsSold` (distinct seats with an acknowledged payment) of `seats`;
 * - `attemptsPerSale` = hold attempts / acknowledged payments;
 * - `sellOutMs`: when the last seat was paid for, ms after the load started (only when every
 *   seat sold);
 * - `targetRetries`: extra DB write attempts the target reported (`Hold-Attempts` − 1).
 */
export function reservationResults(history: History, seats: number): Record<string, number | string> {
  const holds = history.byF('hold');
  const pays = history.byF('pay').filter((op) => op.type === 'ok');
  const seatOf = new Map<number, string>();
  for (const op of holds) if (op.type === 'ok') seatOf.set(Number(op.result['reservationId']), `${op.value['scheduleId']}/${op.value['seatNo']}`);
  const soldSeats = new Set(pays.map((op) => seatOf.get(Number(op.value['reservationId']))).filter((s) => s !== undefined));
  const retries = holds.reduce((sum, op) => sum + Math.max(0, Number(op.result['attempts'] ?? 1) - 1), 0);
  const results: Record<string, number | string> = {
    holdAttempts: holds.length,
    holdsOk: holds.filter((op) => op.type === 'ok').length,
    conflicts: holds.filter((op) => op.result['status'] === 409).length,
    paysOk: pays.length,
    seatsSold: soldSeats.size,
    seats,
    attemptsPerSale: pays.length > 0 ? Math.round((holds.length / pays.length) * 100) / 100 : 0,
    targetRetries: retries,
  };
  if (soldSeats.size >= seats && pays.length > 0) results['sellOutMs'] = Math.round(Math.max(...pays.map((op) => op.completeUs)) / 1000);
  return results;
}
