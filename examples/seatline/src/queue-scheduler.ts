/**
 * Admits waiting users: every advance interval (SEATLINE_QUEUE_ADVANCE_MS, default 200 ms), for
 * each queue-enabled performance, runs one `admitWaiting` step (expired tokens out, earliest
 * waiting users in up to the capacity).
 */
import type { Redis } from 'ioredis';
import type { RowDataPacket } from 'mysql2';
import type { Pool } from './db.ts';
import type { Logger } from './log.ts';
import { startLoop, type Loop } from './loop.ts';
import { admitWaiting, roomKeys } from './waiting-room.ts';

/**
 * One pass over every queue-enabled performance that has a line or live admissions.
 * @param capacity users admitted at once per performance.
 * @param tokenTtlMs lifetime of a new token in milliseconds.
 * @returns users admitted in this pass.
 * @throws the MySQL or Redis error.
 */
export async function scheduleQueuesOnce(pool: Pool, redis: Redis, capacity: number, tokenTtlMs: number): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT id FROM performance WHERE queue_enabled = 1');
  let admitted = 0;
  for (const row of rows) {
    const id = Number(row.id);
    const keys = roomKeys(id);
    // Performances nobody queues for cost one EXISTS, not a script run.
    if ((await redis.exists(keys.line, keys.active)) === 0) continue;
    admitted += await admitWaiting(redis, id, capacity, tokenTtlMs);
  }
  return admitted;
}

/** Starts the scheduler, a pass every `advanceMs`; see `scheduleQueuesOnce`. */
export function startQueueScheduler(pool: Pool, redis: Redis, capacity: number, tokenTtlMs: number, advanceMs: number, log: Logger): Loop {
  return startLoop('queue scheduler', advanceMs, () => scheduleQueuesOnce(pool, redis, capacity, tokenTtlMs), log);
}
