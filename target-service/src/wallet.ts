/**
 * Points wallets: charges, reads, and the ledger every balance change writes. Idempotency is
 * handled here, the same way for every wallet strategy, so that the strategies differ only in how
 * they serialise the balance update: a key already in the user's ledger is answered with the
 * first result (`applied: false`) without touching the wallet, and the ledger's unique
 * (user_id, idempotency_key) refuses a key that two concurrent requests both try to apply (the
 * loser's transaction, balance update included, is rolled back and it answers the winner's
 * result). Amounts are whole points. Sources: seeds 000 and 002 (point charge and payment),
 * Stripe-style idempotency keys, Jepsen's bank test (balance = sum of the ledger).
 */
import type { ResultSetHeader, RowDataPacket } from 'mysql2';
import { z } from 'zod';
import type { Pool, PoolConnection } from './db.ts';
import { HttpError, isDuplicateKey } from './errors.ts';
import type { Metrics } from './metrics.ts';
import type { WalletStrategy } from './wallet-strategies/index.ts';
import { readWallet } from './wallet-strategies/wallet-queries.ts';
import { MAX_CHARGE_POINTS } from '../../contract/bundled-target.ts';

/** Largest amount one charge may add, points. */
export { MAX_CHARGE_POINTS } from '../../contract/bundled-target.ts';

/** Ledger row types. `INITIAL` is the fixture's opening balance. */
export type LedgerType = 'INITIAL' | 'CHARGE' | 'PAYMENT' | 'REFUND';

/**
 * An idempotency key: 1–100 printable ASCII characters without spaces (compared exactly,
 * case-sensitive: the column is `ascii_bin`).
 */
export const idempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{1,100}$/, 'must be 1 to 100 printable ASCII characters without spaces');

/** The body of `POST /api/users/:id/wallet/charge`: a positive whole amount up to MAX_CHARGE_POINTS. */
export const chargeBodySchema = z.object({
  amount: z.int().min(1).max(MAX_CHARGE_POINTS),
  idempotencyKey: idempotencyKeySchema,
});

/** One ledger row. Points signed: + INITIAL, CHARGE, REFUND; − PAYMENT. */
export interface LedgerRow {
  readonly id: number;
  readonly userId: number;
  readonly amount: number;
  readonly type: LedgerType;
  readonly idempotencyKey: string | null;
  readonly reservationId: number | null;
  /** The balance right after this row, points. */
  readonly balanceAfter: number;
}

/** The answer to a charge: 201 when `applied`, 200 for a replay of a key already applied. */
export interface ChargeResult {
  readonly ledgerId: number;
  readonly userId: number;
  /** Points added. */
  readonly amount: number;
  /** Balance right after this charge was applied (for a replay: after the first application), points. */
  readonly balance: number;
  /** False when the key had been applied before: nothing changed now. */
  readonly applied: boolean;
}

/** A wallet as `GET /api/users/:id/wallet` answers it. */
export interface WalletView {
  readonly userId: number;
  /** Points. */
  readonly balance: number;
  /** Bumped by every change. */
  readonly version: number;
}

/** Response header set on answers that replay an idempotency key's first result. */
export const IDEMPOTENT_REPLAY_HEADER = 'Idempotent-Replay';

/** The ledger insert found the (user, key) already taken by a committed row; the transaction rolls back. */
export class IdempotencyKeyTaken extends Error {
  constructor(readonly userId: number, readonly key: string) {
    super(`idempotency key ${key} of user ${userId} is already in the ledger`);
    this.name = 'IdempotencyKeyTaken';
  }
}

/**
 * Inserts one ledger row in the caller's transaction.
 * @returns the row id
 * @throws IdempotencyKeyTaken when (user, key) is already in the ledger; the driver's error otherwise.
 */
export async function insertLedgerRow(conn: PoolConnection, row: Omit<LedgerRow, 'id'>): Promise<number> {
  try {
    const [result] = await conn.execute<ResultSetHeader>(
      'INSERT INTO wallet_ledger (user_id, amount, type, idempotency_key, reservation_id, balance_after) VALUES (?, ?, ?, ?, ?, ?)',
      [row.userId, row.amount, row.type, row.idempotencyKey, row.reservationId, row.balanceAfter],
    );
    return result.insertId;
  } catch (err) {
    if (isDuplicateKey(err) && row.idempotencyKey !== null) throw new IdempotencyKeyTaken(row.userId, row.idempotencyKey);
    throw err;
  }
}

/** The user's ledger row with this idempotency key, if any (a plain, committed read). */
export async function findLedgerRowByKey(db: Pool | PoolConnection, userId: number, key: string): Promise<LedgerRow | undefined> {
  const [rows] = await db.execute<RowDataPacket[]>(
    'SELECT id, user_id, amount, type, idempotency_key, reservation_id, balance_after FROM wallet_ledger WHERE user_id = ? AND idempotency_key = ?',
    [userId, key],
  );
  const row = rows[0];
  return row ? toLedgerRow(row) : undefined;
}

function toLedgerRow(row: RowDataPacket): LedgerRow {
  return {
    id: Number(row.id),
    userId: Number(row.user_id),
    amount: Number(row.amount),
    type: String(row.type) as LedgerType,
    idempotencyKey: row.idempotency_key === null ? null : String(row.idempotency_key),
    reservationId: row.reservation_id === null ? null : Number(row.reservation_id),
    balanceAfter: Number(row.balance_after),
  };
}

/** 409 IDEMPOTENCY_KEY_REUSED: the key was applied to a different request; nothing changed. */
export function keyReused(key: string, first: LedgerRow): HttpError {
  const what = first.reservationId === null ? `${first.type} of ${first.amount} points` : `${first.type} of ${first.amount} points for reservation ${first.reservationId}`;
  return new HttpError(409, 'IDEMPOTENCY_KEY_REUSED', `Idempotency key ${key} was already used for a different request (${what}); nothing was changed.`);
}

/**
 * Reads a wallet.
 * @throws HttpError 404 WALLET_NOT_FOUND.
 */
export async function getWallet(pool: Pool, userId: number): Promise<WalletView> {
  const { balance, version } = await readWallet(pool, userId);
  return { userId, balance, version };
}

/**
 * Charges `amount` points to the user's wallet through the wallet strategy, at most once per
 * idempotency key: a key already applied answers its first result with `applied: false`.
 * @param amount points, a positive whole number (validated by the route)
 * @throws HttpError 404 WALLET_NOT_FOUND, 409 IDEMPOTENCY_KEY_REUSED (the key was applied to a
 *   different amount or a payment), and the strategy's 409s (WALLET_BUSY, WALLET_CONFLICT,
 *   WALLET_LOCK_LOST); nothing is changed by any of them.
 */
export async function chargeWallet(pool: Pool, strategy: WalletStrategy, userId: number, amount: number, key: string): Promise<ChargeResult> {
  const replay = (first: LedgerRow): ChargeResult => {
    if (first.type !== 'CHARGE' || first.amount !== amount) throw keyReused(key, first);
    return { ledgerId: first.id, userId, amount, balance: first.balanceAfter, applied: false };
  };
  const before = await findLedgerRowByKey(pool, userId, key);
  if (before) return replay(before);
  try {
    return await strategy.apply(userId, async () => ({
      delta: amount,
      write: async (conn, balanceAfter) => {
        const ledgerId = await insertLedgerRow(conn, { userId, amount, type: 'CHARGE', idempotencyKey: key, reservationId: null, balanceAfter });
        return { ledgerId, userId, amount, balance: balanceAfter, applied: true };
      },
    }));
  } catch (err) {
    if (!(err instanceof IdempotencyKeyTaken)) throw err;
    // A concurrent request with the same key committed first; ours was rolled back.
    const first = await findLedgerRowByKey(pool, userId, key);
    if (!first) throw err;
    return replay(first);
  }
}

/**
 * Counts one wallet operation in `wallet_operations_total` once it settles, and passes the
 * outcome through.
 * @param type `charge` or `payment`
 * @param applied whether a settled result changed the wallet (false: a replay)
 */
export async function countWalletOperation<T>(metrics: Metrics | undefined, strategy: string, type: 'charge' | 'payment', operation: Promise<T>, applied: (result: T) => boolean): Promise<T> {
  try {
    const result = await operation;
    metrics?.walletOperations.inc({ strategy, type, result: applied(result) ? 'applied' : 'replay' });
    return result;
  } catch (err) {
    metrics?.walletOperations.inc({ strategy, type, result: err instanceof HttpError ? err.code : 'error' });
    throw err;
  }
}
