/** Reads and errors every wallet strategy shares. Points are whole numbers. */
import type { ResultSetHeader, RowDataPacket } from 'mysql2';
import type { Pool, PoolConnection } from '../db.ts';
import { HttpError } from '../errors.ts';
import type { WalletState } from './types.ts';

const ER_LOCK_WAIT_TIMEOUT = 1205;
const ER_LOCK_DEADLOCK = 1213;

/**
 * Reads a wallet row. With `forUpdate` (inside a transaction) it takes the row's exclusive lock.
 * @throws HttpError 404 WALLET_NOT_FOUND when the user has no wallet.
 */
export async function readWallet(db: Pool | PoolConnection, userId: number, forUpdate = false): Promise<WalletState> {
  const [rows] = await db.execute<RowDataPacket[]>(`SELECT balance, version FROM wallets WHERE user_id = ?${forUpdate ? ' FOR UPDATE' : ''}`, [userId]);
  const row = rows[0];
  if (!row) throw walletNotFound(userId);
  return { balance: Number(row.balance), version: Number(row.version) };
}

/**
 * The balance after adding `delta` to `balance`.
 * @throws HttpError 402 INSUFFICIENT_FUNDS when it would be negative (the caller has changed nothing yet).
 */
export function balanceAfter(userId: number, balance: number, delta: number): number {
  const after = balance + delta;
  if (after < 0) {
    throw new HttpError(402, 'INSUFFICIENT_FUNDS', `User ${userId} has ${balance} points; this needs ${-delta}. Nothing was changed.`);
  }
  return after;
}

/** 404 WALLET_NOT_FOUND. */
export function walletNotFound(userId: number): HttpError {
  return new HttpError(404, 'WALLET_NOT_FOUND', `User ${userId} has no wallet.`);
}

/** 409 WALLET_BUSY: the user's wallet could not be locked in time; nothing changed, retry later. */
export function walletBusy(userId: number, why: string): HttpError {
  return new HttpError(409, 'WALLET_BUSY', `The wallet of user ${userId} is busy (${why}); nothing was changed, retry later.`);
}

/** True for a lock wait timeout (1205) or a deadlock (1213): the transaction was rolled back. */
export function isLockContention(err: unknown): boolean {
  const errno = (err as { errno?: unknown } | null)?.errno;
  return errno === ER_LOCK_WAIT_TIMEOUT || errno === ER_LOCK_DEADLOCK;
}

/** Writes the new balance and bumps the version, unconditionally (the caller serialised the writers). */
export async function writeBalance(conn: PoolConnection, userId: number, balance: number): Promise<void> {
  await conn.execute('UPDATE wallets SET balance = ?, version = version + 1, updated_at = NOW(6) WHERE user_id = ?', [balance, userId]);
}

/**
 * Writes the new balance only if the version is still `version`.
 * @returns false when another writer changed the wallet since it was read (nothing written).
 */
export async function writeBalanceIfVersion(conn: PoolConnection, userId: number, balance: number, version: number): Promise<boolean> {
  const [result] = await conn.execute<ResultSetHeader>(
    'UPDATE wallets SET balance = ?, version = version + 1, updated_at = NOW(6) WHERE user_id = ? AND version = ?',
    [balance, userId, version],
  );
  return result.affectedRows === 1;
}
