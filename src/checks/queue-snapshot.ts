/**
 * What the queue checks read from Redis (the only I/O: `collectQueueSnapshot`) and how they read
 * the client history (pure). Redis side: the target's event log of the schedule's queue when it
 * keeps one (the bundled target: QueueKeys.log in target-service/src/waiting-queue.ts; other
 * services are judged without it) and the final state of its keys (the profile's
 * `stores.redis.queue`). Client
 * side, as src/scenario/queue-ops.ts records it: `queue-enter`, `queue-status` (the pass token
 * once admitted), `queue-abandon`, `hold` {pass: own | none | other}, and the `queue-sample` ops
 * the scenario took from Redis during the load ({redisMs, active, waiting, oldestUser?,
 * oldestExpiryMs?}). Times: log and samples in epoch ms of Redis's clock; history in µs since the
 * load started.
 */
import type { History, Op } from '../engine/history.ts';
import type { Id } from '../profile/target-ops.ts';
import { normId } from './canonical.ts';
import { checkerFamily, type CheckScope, type QueueScope, type StoreClients } from './checker.ts';

/** One event of the target's queue log. */
export type QueueEvent =
  | { readonly kind: 'enter'; readonly user: number; readonly atMs: number; readonly entryUs: number }
  | { readonly kind: 'admit'; readonly user: number; readonly atMs: number; readonly entryUs: number; readonly expiryMs: number }
  | { readonly kind: 'expire'; readonly user: number; readonly atMs: number; readonly expiryMs: number }
  | { readonly kind: 'release'; readonly user: number; readonly atMs: number; readonly reason: string }
  | { readonly kind: 'leave'; readonly user: number; readonly atMs: number }
  | { readonly kind: 'tick'; readonly atMs: number; readonly expired: number; readonly admitted: number; readonly activeAfter: number; readonly waitingAfter: number };

/** The queue as read after the load. */
export interface QueueSnapshot {
  /** The target's queue log; null when the service keeps none (the log's parts are not judged). */
  readonly log: readonly QueueEvent[] | null;
  /** Log lines that could not be parsed (count). */
  readonly unparsed: number;
  /** Redis clock when the final state was read, epoch ms. */
  readonly nowMs: number;
  /** Users still waiting at the end. */
  readonly waiting: readonly Id[];
  /** Passes still in the pass set at the end: member (a user, or a pass token) and expiry (epoch ms). */
  readonly passes: readonly { readonly user: Id; readonly expiryMs: number }[];
  /** Users with a pass token key at the end (services whose pass keys name the user). */
  readonly passKeys: readonly Id[];
  /** How long the collect waited for the last passes to end, ms. */
  readonly drainWaitMs: number;
}

/** Parses one log line (`e,user,atMs,entryUs`, …); undefined when it is not one. */
export function parseQueueEvent(line: string): QueueEvent | undefined {
  const p = line.split(',');
  const n = (i: number) => Number(p[i]);
  switch (p[0]) {
    case 'e':
      return { kind: 'enter', user: n(1), atMs: n(2), entryUs: n(3) };
    case 'a':
      return { kind: 'admit', user: n(1), atMs: n(2), entryUs: n(3), expiryMs: n(4) };
    case 'x':
      return { kind: 'expire', user: n(1), atMs: n(2), expiryMs: n(3) };
    case 'r':
      return { kind: 'release', user: n(1), atMs: n(2), reason: String(p[3]) };
    case 'l':
      return { kind: 'leave', user: n(1), atMs: n(2) };
    case 't':
      return { kind: 'tick', atMs: n(1), expired: n(2), admitted: n(3), activeAfter: n(4), waitingAfter: n(5) };
    default:
      return undefined;
  }
}

const snapshots = new WeakMap<CheckScope, Promise<QueueSnapshot>>();

/**
 * Reads the queue's log and final state once per scope (the four queue checks share it). First
 * waits, at most one pass TTL + two advance intervals + slack, for the pass set to empty: passes
 * abandoned near the end of the load are still running their TTL.
 * @throws Error when the scope has no `queue` (not a queue scenario); the Redis client's error.
 */
export function collectQueueSnapshot(stores: StoreClients, scope: CheckScope): Promise<QueueSnapshot> {
  let pending = snapshots.get(scope);
  if (!pending) {
    pending = readSnapshot(stores, scope);
    snapshots.set(scope, pending);
  }
  return pending;
}

async function readSnapshot({ redis }: StoreClients, scope: CheckScope): Promise<QueueSnapshot> {
  const q = requireQueue(scope);
  const started = Date.now();
  const deadline = started + q.passTtlMs + 2 * q.advanceMs + q.slackMs;
  while ((await redis.zcard(q.keys.passes)) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, Math.min(50, q.advanceMs)));
  const drainWaitMs = Date.now() - started;
  const lines = q.keys.log === undefined ? undefined : await redis.lrange(q.keys.log, 0, -1);
  const log: QueueEvent[] | null = lines === undefined ? null : [];
  let unparsed = 0;
  for (const line of lines ?? []) {
    const event = parseQueueEvent(line);
    if (event) log!.push(event);
    else unparsed += 1;
  }
  const [time, waiting, passes] = (await redis.multi().time().zrange(q.keys.waiting, 0, -1).zrange(q.keys.passes, 0, -1, 'WITHSCORES').exec()) ?? [];
  const [sec, usec] = time?.[1] as [string, string];
  const passList = (passes?.[1] as string[]) ?? [];
  const passKeys: Id[] = [];
  const prefix = q.keys.passPrefix;
  let cursor = prefix === undefined ? '0' : undefined;
  while (prefix !== undefined && cursor !== '0') {
    const [next, keys] = await redis.scan(cursor ?? '0', 'MATCH', `${prefix}*`, 'COUNT', 1000);
    for (const key of keys) passKeys.push(normId(key.slice(prefix.length)));
    cursor = next;
  }
  const pairs: { user: Id; expiryMs: number }[] = [];
  for (let i = 0; i < passList.length; i += 2) pairs.push({ user: normId(passList[i]), expiryMs: Number(passList[i + 1]) });
  return {
    log,
    unparsed,
    nowMs: Number(sec) * 1000 + Math.floor(Number(usec) / 1000),
    waiting: ((waiting?.[1] as string[]) ?? []).map(normId),
    passes: pairs,
    passKeys,
    drainWaitMs,
  };
}

/** The scope's queue, or an error a checker turns into `unknown`. */
export function requireQueue(scope: CheckScope): QueueScope {
  if (!scope.queue) throw new Error('this run has no queue in its scope (not a queue scenario)');
  return scope.queue;
}

/** Defines one of the queue checkers: they all read collectQueueSnapshot and judge `scope.queue`. */
export const defineQueueChecker = checkerFamily(collectQueueSnapshot, requireQueue);

/** What the client saw of one user. */
export interface ClientUser {
  readonly user: Id;
  /** The acknowledged `queue-enter` op. */
  enter?: Op;
  /** `queue-status` ops answering `waiting`, in completion order. */
  readonly waitingPolls: Op[];
  /** The first `queue-status` op answering `admitted`. */
  admittedAt?: Op;
  /** Distinct pass tokens the user was shown. */
  readonly tokens: Set<string>;
  /** The pass's expiry the client was shown first, epoch ms on the service's clock, when it said. */
  passExpiresAtMs?: number;
  abandoned: boolean;
}

/** Per user, what the client history says (pure). */
export function clientUsers(history: History): Map<Id, ClientUser> {
  const users = new Map<Id, ClientUser>();
  const get = (user: Id): ClientUser => {
    let u = users.get(user);
    if (!u) users.set(user, (u = { user, waitingPolls: [], tokens: new Set(), abandoned: false }));
    return u;
  };
  for (const op of history.ops()) {
    if (op.type !== 'ok') continue;
    const userId = normId(op.value['userId']);
    if (op.f === 'queue-enter') get(userId).enter ??= op;
    else if (op.f === 'queue-status') {
      const u = get(userId);
      if (op.result['state'] === 'waiting') u.waitingPolls.push(op);
      else if (op.result['state'] === 'admitted') {
        u.admittedAt ??= op;
        if (typeof op.result['passExpiresAt'] === 'number') u.passExpiresAtMs ??= op.result['passExpiresAt'];
        if (typeof op.result['passToken'] === 'string') u.tokens.add(op.result['passToken']);
      }
    } else if (op.f === 'queue-abandon') get(userId).abandoned = true;
  }
  return users;
}

/**
 * Who owns a pass-set member: the member itself when it is a user id, else the user the client
 * was shown that token for (services whose pass set holds tokens); the member when unknown.
 */
export function passOwner(member: Id, users: ReadonlyMap<Id, ClientUser>, tokenOwners: ReadonlyMap<string, Id>): Id {
  return users.has(member) ? member : (tokenOwners.get(String(member)) ?? member);
}

/** Each pass token the client was shown, with its user. */
export function tokenOwners(users: ReadonlyMap<Id, ClientUser>): Map<string, Id> {
  const owners = new Map<string, Id>();
  for (const u of users.values()) for (const token of u.tokens) owners.set(token, u.user);
  return owners;
}

/** `queue-sample` ops that read Redis, in completion order. */
export function queueSamples(history: History): Op[] {
  return history.byF('queue-sample').filter((op) => op.type === 'ok' && typeof op.result['redisMs'] === 'number');
}

/** Nearest-rank percentile of `values` (0 when empty); `p` in (0, 100]. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * Scenario results of a queue run from the client history: users entered, admitted (seen), passes
 * abandoned, holds and payments, probes refused and accepted, users who gave up, passes missed
 * (the target admitted the user but the pass had expired by the client's next poll); queue wait
 * p50/p95 as the client saw it (enter acknowledged → first status with a pass, ms); the measured
 * admission rate (passes seen per second between the first and the last) against the configured
 * ceiling (capacity per advance interval) and floor (capacity per TTL + interval, when every pass
 * runs its full TTL).
 */
export function queueClientResults(history: History, options: { capacity: number; passTtlMs: number; advanceMs: number }): Record<string, number | string> {
  const users = clientUsers(history);
  const waits: number[] = [];
  const seen: number[] = [];
  for (const u of users.values()) {
    if (!u.admittedAt) continue;
    seen.push(u.admittedAt.completeUs);
    if (u.enter) waits.push((u.admittedAt.completeUs - u.enter.completeUs) / 1000);
  }
  const holds = history.byF('hold');
  // Loops, not Math.max(...seen): spreading 10^5+ admissions overflows the call stack.
  let first = Infinity;
  let last = -Infinity;
  for (const t of seen) {
    if (t < first) first = t;
    if (t > last) last = t;
  }
  const span = seen.length > 1 ? (last - first) / 1e6 : 0;
  const round1 = (n: number) => Math.round(n * 10) / 10;
  return {
    entered: [...users.values()].filter((u) => u.enter).length,
    admitted: seen.length,
    abandoned: [...users.values()].filter((u) => u.abandoned).length,
    holdsOk: holds.filter((op) => op.type === 'ok' && op.value['pass'] === 'own').length,
    paysOk: history.byF('pay').filter((op) => op.type === 'ok').length,
    probesRefused: holds.filter((op) => op.value['pass'] !== 'own' && op.type === 'fail').length,
    probesAccepted: holds.filter((op) => op.value['pass'] !== 'own' && op.type !== 'fail').length,
    gaveUp: history.byF('queue-leave').length,
    // Admitted by the target but the pass expired before the client polled (a slow client, not a fault).
    passesMissed: history.byF('queue-status').filter((op) => op.type === 'ok' && op.result['state'] === 'done').length,
    waitP50Ms: Math.round(percentile(waits, 50)),
    waitP95Ms: Math.round(percentile(waits, 95)),
    waitMaxMs: Math.round(percentile(waits, 100)),
    admissionRatePerS: span > 0 ? round1(seen.length / span) : 0,
    configuredRateCeilingPerS: round1((options.capacity * 1000) / options.advanceMs),
    configuredRateFloorPerS: round1((options.capacity * 1000) / (options.passTtlMs + options.advanceMs)),
    samples: queueSamples(history).length,
  };
}

/**
 * Interleaves lists of offending rows (first of each, then second of each, …), so that evidence
 * cut at MAX_EVIDENCE rows still shows every kind of violation found.
 */
export function interleave<T>(...lists: readonly (readonly T[])[]): T[] {
  const out: T[] = [];
  const longest = Math.max(0, ...lists.map((l) => l.length));
  for (let i = 0; i < longest; i++) for (const list of lists) if (i < list.length) out.push(list[i]!);
  return out;
}
