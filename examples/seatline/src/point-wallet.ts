/**
 * Point balances: reading one, and charging with an idempotency key — the safe path (row lock)
 * and the `lost-update-points` fault (unlocked read-modify-write).
 */
import type { ResultSetHeader, RowDataPacket } from 'mysql2';
import { inTransaction, isDuplicateKey, type Pool, type PoolConnection } from './db.ts';
import { FAULT_RACE_WINDOW_MS } from './faults.ts';

/** The largest single charge, in points. */
export const MAX_CHARGE_POINT = 10_000_000;

/** A user's balance and how often it changed. */
export type BalanceOutcome = { readonly code: 'OK'; readonly point: number; readonly version: number } | { readonly code: 'USER_NOT_FOUND' };

/** The outcome of a charge; `duplicated` means the request key was already applied. */
export type ChargeOutcome =
  | { readonly code: 'OK'; readonly historyId: number; readonly point: number; readonly duplicated: boolean }
  | { readonly code: 'USER_NOT_FOUND' };

/** A charge: whose points, how many (1..10 000 000), and the caller's idempotency key (1..100 chars). */
export interface ChargeRequest {
  readonly userKey: string;
  readonly point: number;
  readonly requestKey: string;
}

/**
 * Reads a balance.
 * @throws the SQL error.
 */
export async function readBalance(pool: Pool, userKey: string): Promise<BalanceOutcome> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT point, version FROM user_point WHERE user_key = ?', [userKey]);
  const row = rows[0];
  return row ? { code: 'OK', point: Number(row.point), version: Number(row.version) } : { code: 'USER_NOT_FOUND' };
}

type Db = Pick<PoolConnection, 'query'>;

// The earlier application of this request key, answered with today's balance.
async function previousCharge(db: Db, request: ChargeRequest): Promise<ChargeOutcome | undefined> {
  const [rows] = await db.query<RowDataPacket[]>(
    'SELECT h.id, p.point FROM user_point_history h JOIN user_point p ON p.user_key = h.user_key WHERE h.user_key = ? AND h.request_key = ?',
    [request.userKey, request.requestKey],
  );
  const row = rows[0];
  return row ? { code: 'OK', historyId: Number(row.id), point: Number(row.point), duplicated: true } : undefined;
}

async function insertCharge(db: Db, request: ChargeRequest, pointAfter: number): Promise<number> {
  const [result] = await db.query<ResultSetHeader>("INSERT INTO user_point_history (user_key, delta, reason, request_key, point_after) VALUES (?, ?, 'CHARGE', ?, ?)", [
    request.userKey,
    request.point,
    request.requestKey,
    pointAfter,
  ]);
  return result.insertId;
}

// Two requests with one key may both pass the duplicate check; the loser's insert hits
// uq_point_request, its transaction rolls back, and it answers like any later duplicate.
async function answerRace(pool: Pool, request: ChargeRequest, err: unknown): Promise<ChargeOutcome> {
  if (!isDuplicateKey(err, 'uq_point_request')) throw err;
  const previous = await previousCharge(pool, request);
  if (!previous) throw err;
  return previous;
}

/**
 * Charges points once per (user, requestKey): a key seen before changes nothing and answers
 * `duplicated: true` with the current balance. The user's point row is locked first, so charges
 * of one user apply one after another.
 * @returns USER_NOT_FOUND when the user has no user_point row.
 * @throws SQL errors.
 */
export async function chargePoints(pool: Pool, request: ChargeRequest): Promise<ChargeOutcome> {
  try {
    return await inTransaction(pool, async (conn): Promise<ChargeOutcome> => {
      const previous = await previousCharge(conn, request);
      if (previous) return previous;
      const [rows] = await conn.query<RowDataPacket[]>('SELECT point FROM user_point WHERE user_key = ? FOR UPDATE', [request.userKey]);
      if (!rows[0]) return { code: 'USER_NOT_FOUND' };
      const after = Number(rows[0].point) + request.point;
      await conn.query('UPDATE user_point SET point = point + ?, version = version + 1, updated_at = NOW(6) WHERE user_key = ?', [request.point, request.userKey]);
      return { code: 'OK', historyId: await insertCharge(conn, request, after), point: after, duplicated: false };
    });
  } catch (err) {
    return answerRace(pool, request, err);
  }
}

/**
 * The `lost-update-points` fault: reads the balance without a lock, pauses a few milliseconds,
 * then writes `point = <read value> + amount`. Concurrent charges overwrite each other, so the
 * balance ends below the sum of the charges while every history row claims success.
 */
export async function chargePointsLossy(pool: Pool, request: ChargeRequest): Promise<ChargeOutcome> {
  try {
    return await inTransaction(pool, async (conn): Promise<ChargeOutcome> => {
      const previous = await previousCharge(conn, request);
      if (previous) return previous;
      const [rows] = await conn.query<RowDataPacket[]>('SELECT point FROM user_point WHERE user_key = ?', [request.userKey]);
      if (!rows[0]) return { code: 'USER_NOT_FOUND' };
      const after = Number(rows[0].point) + request.point;
      await new Promise((resolve) => setTimeout(resolve, FAULT_RACE_WINDOW_MS));
      await conn.query('UPDATE user_point SET point = ?, version = version + 1, updated_at = NOW(6) WHERE user_key = ?', [after, request.userKey]);
      return { code: 'OK', historyId: await insertCharge(conn, request, after), point: after, duplicated: false };
    });
  } catch (err) {
    return answerRace(pool, request, err);
  }
}
