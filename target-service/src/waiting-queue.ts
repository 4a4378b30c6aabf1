/**
 * Keys of the waiting queue and the scrape-time read behind the `queue_length` and
 * `queue_active_passes` gauges.
 *
 * The queue itself is not built yet. Its design keeps, per schedule, a sorted set of waiting
 * users `queue:{scheduleId}` and a sorted set of admitted users holding a pass
 * `queue:pass:z:{scheduleId}`. The gauges already read those keys, so they are real now (0 while
 * nothing writes them) and become meaningful the day the queue lands, without a dashboard change.
 */
import type { Redis } from './redis.ts';
import type { WaitingQueueStats } from './metrics.ts';

/** The waiting users of a schedule: `queue:{scheduleId}` (sorted set). */
export function queueKey(scheduleId: number): string {
  return `queue:${scheduleId}`;
}

/** The admitted users holding a pass for a schedule: `queue:pass:z:{scheduleId}` (sorted set). */
export function queuePassKey(scheduleId: number): string {
  return `queue:pass:z:${scheduleId}`;
}

const QUEUE_KEY = /^queue:\d+$/;
const PASS_KEY = /^queue:pass:z:\d+$/;

/** Bounds of one read, so a scrape stays cheap however many keys Redis holds. */
export const WAITING_QUEUE_SCAN = {
  /** SCAN COUNT hint per round trip. */
  count: 500,
  /** Most SCAN round trips per read; past it the sums cover the keys seen so far. */
  maxRounds: 20,
  /** Most queue keys summed per read. */
  maxKeys: 2_000,
} as const;

/**
 * Sums ZCARD over every `queue:{id}` and `queue:pass:z:{id}` key, found with a bounded SCAN
 * (`MATCH queue:*`; Redis is shared across databases, so schedules of other runs count too).
 * A key of another type under the same pattern is ignored.
 * @throws the Redis client's error when Redis cannot be reached.
 */
export async function readWaitingQueue(redis: Redis, bounds = WAITING_QUEUE_SCAN): Promise<WaitingQueueStats> {
  const queueKeys: string[] = [];
  const passKeys: string[] = [];
  let cursor = '0';
  for (let round = 0; round < bounds.maxRounds; round += 1) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', 'queue:*', 'COUNT', bounds.count);
    for (const key of keys) {
      if (queueKeys.length + passKeys.length >= bounds.maxKeys) break;
      if (PASS_KEY.test(key)) passKeys.push(key);
      else if (QUEUE_KEY.test(key)) queueKeys.push(key);
    }
    cursor = next;
    if (cursor === '0' || queueKeys.length + passKeys.length >= bounds.maxKeys) break;
  }
  const sum = async (keys: readonly string[]): Promise<number> => {
    if (keys.length === 0) return 0;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.zcard(key);
    const replies = (await pipeline.exec()) ?? [];
    // A WRONGTYPE reply (a non-sorted-set key matching the pattern) counts as 0.
    return replies.reduce((total, [err, n]) => total + (err === null && typeof n === 'number' ? n : 0), 0);
  };
  const [queued, activePasses] = await Promise.all([sum(queueKeys), sum(passKeys)]);
  return { queued, activePasses };
}
