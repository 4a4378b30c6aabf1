/**
 * The reservation operations scenarios perform against the bundled target's API, recorded in the
 * history with the shapes the checkers expect: `hold` {scheduleId, seatNo, userId} →
 * {reservationId, attempts}; `pay` {reservationId, userId, amount?, idempotencyKey?} →
 * {paymentId, amount?, balance?, applied?}. And the figures a reservation scenario reports from
 * its history.
 */
import { z } from 'zod';
import type { History } from '../engine/history.ts';
import type { HttpResponse } from '../engine/http-client.ts';
import { classifyUnexpected, ok, type OpResult, type VuContext } from '../engine/vu.ts';

const holdAnswer = z.object({ reservationId: z.number().int().positive() });
const payAnswer = z.object({
  paymentId: z.number().int().positive(),
  // The bundled target debits the seat price from the wallet and says so; other targets may not.
  amount: z.number().int().optional(),
  balance: z.number().int().optional(),
});

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

/** What a wallet scenario adds to a payment. */
export interface PayOptions {
  /** The seat price the payment debits, points: recorded so the wallet checks can account for it. */
  readonly amount?: number;
  /** Sent to the target; a retry with it is answered the first result (200, `applied: false`). */
  readonly idempotencyKey?: string;
}

/**
 * `POST /api/reservations/:id/payment`, recorded as `pay`. 201 is `ok` (`applied: true`); 200 (a
 * replayed idempotency key) is `ok` with `applied: false`; 4xx (e.g. 402 INSUFFICIENT_FUNDS, 409)
 * is `fail`; anything else, or a success without a payment id, is `info`.
 */
export function payReservation(vu: VuContext, reservationId: number, userId: number, options: PayOptions = {}): Promise<OpResult> {
  const value = { reservationId, userId, ...(options.amount === undefined ? {} : { amount: options.amount }), ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }) };
  return vu.op('pay', value, async () => {
    const body = { userId, ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }) };
    const res = await vu.http.request('pay', 'POST', `/api/reservations/${reservationId}/payment`, body);
    if (res.status !== 201 && !(res.status === 200 && options.idempotencyKey !== undefined)) return classifyUnexpected(res);
    const answer = payAnswer.safeParse(res.json);
    if (!answer.success) return { type: 'info', error: `${res.status} without a paymentId: ${res.text.slice(0, 120)}` };
    const { paymentId, amount, balance } = answer.data;
    return ok({ paymentId, status: res.status, ...(amount === undefined ? {} : { amount }), ...(balance === undefined ? {} : { balance }), ...(options.idempotencyKey === undefined ? {} : { applied: res.status === 201 }) });
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
  // A reduce, not Math.max(...list): spreading 10^5+ values overflows the call stack.
  if (soldSeats.size >= seats && pays.length > 0) results['sellOutMs'] = Math.round(pays.reduce((latest, op) => Math.max(latest, op.completeUs), 0) / 1000);
  return results;
}
