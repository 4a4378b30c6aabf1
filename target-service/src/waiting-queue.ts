/**
 * Redis keys of the waiting queue (seed 001's design: `queue:{scheduleId}`, `queue:pass:z:{scheduleId}`,
 * `queue:pass:{scheduleId}:{userId}`) and the scrape-time read behind the `queue_length` and
 * `queue_active_passes` gauges.
 *
 * Every key carries a namespace — the service's database name — after `queue:`'s fixed words,
 * because Redis is shared by every database (other runs, test databases, worktrees) whose
 * schedule ids start at 1 and so collide: `queue:{ns}:{scheduleId}` and
 * `queue:pass:z:{ns}:{scheduleId}`. The logic lives in `queue/`.
 */
import type { Redis } from './redis.ts';
import type { WaitingQueueStats } from './metrics.ts';

/**
 * The queue namespace of a service: the database name of its MySQL URL (`ticketbench` for
 * `mysql://root@127.0.0.1:3306/ticketbench`), with characters other than `[A-Za-z0-9_-]` replaced
 * by `_` so a key never holds a `:` of its own.
 */
export function queueNamespaceFor(mysqlUrl: string): string {
  let name = 'default';
  try {
    name = decodeURIComponent(new URL(mysqlUrl).pathname.replace(/^\//, '')) || 'default';
  } catch {
    // An unparsable URL never reaches here in practice (config validates it); keep a fixed name.
  }
  return name.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** The waiting users of a schedule: `queue:{ns}:{scheduleId}` (sorted set, score = arrival µs). */
export function queueKey(namespace: string, scheduleId: number): string {
  return `queue:${namespace}:${scheduleId}`;
}

/** The admitted users holding a pass: `queue:pass:z:{ns}:{scheduleId}` (sorted set, score = expiry ms). */
export function queuePassKey(namespace: string, scheduleId: number): string {
  return `queue:pass:z:${namespace}:${scheduleId}`;
}

/** Every key of one schedule's queue; `passPrefix` + userId is that user's pass token key. */
export interface QueueKeys {
  /** Waiting users, sorted set, score = arrival time in µs (Redis clock, strictly increasing). */
  readonly waiting: string;
  /** Active passes, sorted set, member = userId, score = expiry in ms (Redis clock). */
  readonly passes: string;
  /** Prefix of `queue:pass:{ns}:{scheduleId}:{userId}` = the pass token (string, PX = pass TTL). */
  readonly passPrefix: string;
  /** Settings and counters, hash: capacity, passTtlMs, advanceMs, lastUs, admitted, firstAdmitMs. */
  readonly conf: string;
  /** Users ever admitted, set (a user is admitted at most once). */
  readonly admitted: string;
  /**
   * Event log, list of CSV strings in the order they happened (Redis clock, ms):
   * `e,user,atMs,entryUs` enter; `a,user,atMs,entryUs,expiryMs` admit; `x,user,atMs,expiryMs`
   * expired pass removed; `r,user,atMs,reason` pass released early (`paid` | `left`);
   * `l,user,atMs` left the waiting line; `t,atMs,expired,admitted,activeAfter,waitingAfter,slot`
   * one advancement that changed something or found users waiting (slot = ⌊ms / advanceMs⌋ claimed).
   */
  readonly log: string;
  /** Prefix of the per-interval advancement claim `queue:advance:{ns}:{scheduleId}:{slot}`. */
  readonly advancePrefix: string;
}

/** All keys of a schedule's queue in namespace `namespace`. */
export function queueKeys(namespace: string, scheduleId: number): QueueKeys {
  return {
    waiting: queueKey(namespace, scheduleId),
    passes: queuePassKey(namespace, scheduleId),
    passPrefix: `queue:pass:${namespace}:${scheduleId}:`,
    conf: `queue:conf:${namespace}:${scheduleId}`,
    admitted: `queue:admitted:${namespace}:${scheduleId}`,
    log: `queue:log:${namespace}:${scheduleId}`,
    advancePrefix: `queue:advance:${namespace}:${scheduleId}:`,
  };
}

/** The set of schedule ids with a queue in a namespace (what the advancer walks). */
export function queueRegistryKey(namespace: string): string {
  return `queue:schedules:${namespace}`;
}

/** Bounds of one read, so a scrape stays cheap however many keys Redis holds. */
export const WAITING_QUEUE_SCAN = {
  /** SCAN COUNT hint per round trip. */
  count: 500,
  /** Most SCAN round trips per read; past it the sums cover the keys seen so far. */
  maxRounds: 20,
  /** Most queue keys summed per read. */
  maxKeys: 2_000,
} as const;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Sums ZCARD over this namespace's `queue:{ns}:{id}` and `queue:pass:z:{ns}:{id}` keys, found with
 * a bounded SCAN (`MATCH queue:*`; other namespaces' keys are skipped). A key of another type
 * under the same pattern is ignored.
 * @throws the Redis client's error when Redis cannot be reached.
 */
export async function readWaitingQueue(redis: Redis, namespace: string, bounds = WAITING_QUEUE_SCAN): Promise<WaitingQueueStats> {
  const ns = escapeRegExp(namespace);
  const queueRe = new RegExp(`^queue:${ns}:\\d+$`);
  const passRe = new RegExp(`^queue:pass:z:${ns}:\\d+$`);
  const queueKeysFound: string[] = [];
  const passKeys: string[] = [];
  let cursor = '0';
  for (let round = 0; round < bounds.maxRounds; round += 1) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', 'queue:*', 'COUNT', bounds.count);
    for (const key of keys) {
      if (queueKeysFound.length + passKeys.length >= bounds.maxKeys) break;
      if (passRe.test(key)) passKeys.push(key);
      else if (queueRe.test(key)) queueKeysFound.push(key);
    }
    cursor = next;
    if (cursor === '0' || queueKeysFound.length + passKeys.length >= bounds.maxKeys) break;
  }
  const sum = async (keys: readonly string[]): Promise<number> => {
    if (keys.length === 0) return 0;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.zcard(key);
    const replies = (await pipeline.exec()) ?? [];
    // A WRONGTYPE reply (a non-sorted-set key matching the pattern) counts as 0.
    return replies.reduce((total, [err, n]) => total + (err === null && typeof n === 'number' ? n : 0), 0);
  };
  const [queued, activePasses] = await Promise.all([sum(queueKeysFound), sum(passKeys)]);
  return { queued, activePasses };
}
