/**
 * The wallet operations scenarios perform against the bundled target's API, recorded in the
 * history with the shapes the wallet checks expect (src/checks/wallet-snapshot.ts):
 * `charge` {userId, amount, idempotencyKey} → {ledgerId, balance, applied, status};
 * `wallet-read` {userId} → {balance, version}. Amounts in points.
 */
import { z } from 'zod';
import { classifyUnexpected, fail, ok, type OpResult, type VuContext } from '../engine/vu.ts';

const chargeAnswer = z.object({ ledgerId: z.number().int().positive(), balance: z.number().int(), applied: z.boolean() });
const walletAnswer = z.object({ balance: z.number().int(), version: z.number().int() });

/** What a charge asks for. */
export interface ChargeRequest {
  readonly userId: number;
  /** Points to add, a positive whole number. */
  readonly amount: number;
  /** Same key = same charge: the target applies it at most once. */
  readonly idempotencyKey: string;
}

/**
 * `POST /api/users/:id/wallet/charge`, recorded as `charge`. 201 is `ok` (applied now), 200 is
 * `ok` with `applied: false` (a replay of a key applied before); 4xx is `fail` (nothing changed:
 * 400 bad amount, 409 busy wallet or reused key); anything else, or a success whose body cannot be
 * read, is `info`: the charge may have been applied.
 */
export function chargeWallet(vu: VuContext, request: ChargeRequest): Promise<OpResult> {
  return vu.op('charge', { userId: request.userId, amount: request.amount, idempotencyKey: request.idempotencyKey }, async () => {
    const res = await vu.http.request('charge', 'POST', `/api/users/${request.userId}/wallet/charge`, { amount: request.amount, idempotencyKey: request.idempotencyKey });
    if (res.status !== 201 && res.status !== 200) return classifyUnexpected(res);
    const body = chargeAnswer.safeParse(res.json);
    if (!body.success) return { type: 'info', error: `${res.status} without a ledgerId: ${res.text.slice(0, 120)}` };
    return ok({ ledgerId: body.data.ledgerId, balance: body.data.balance, applied: body.data.applied, status: res.status });
  });
}

/**
 * `GET /api/users/:id/wallet`, recorded as `wallet-read`: a balance sampled during the load. A
 * read changes nothing, so an unreadable answer is `fail` rather than `info` (Jepsen: a failed
 * read may be `fail`); only `ok` reads are judged.
 */
export function readWallet(vu: VuContext, userId: number): Promise<OpResult> {
  return vu.op('wallet-read', { userId }, async () => {
    const res = await vu.http.request('wallet-read', 'GET', `/api/users/${userId}/wallet`);
    if (res.status !== 200) return classifyUnexpected(res);
    const body = walletAnswer.safeParse(res.json);
    return body.success ? ok({ balance: body.data.balance, version: body.data.version }) : fail({ status: res.status }, `unreadable wallet: ${res.text.slice(0, 120)}`);
  });
}
