/**
 * Cache-aside for the read endpoints (`TARGET_CACHE=on`): answers are kept in Redis as the JSON
 * text sent to the client, for at most `ttlMs` counted from when the database read *started*, so
 * an answer can never outlive the moment it was read by more than the TTL (the bound the
 * `seat-staleness` check holds the target to). Writes that change seats invalidate the keys of the
 * schedule (seat map) and of its concert (schedule list with availability).
 *
 * Stampede protection (a sale opening makes every reader miss at once): one load per key per
 * process (single flight: concurrent misses share one promise) and, across processes, a short
 * Redis lock `SET key:lock token NX PX` — who does not get it polls for the value the holder is
 * writing instead of querying MySQL, and loads itself only if the holder takes longer than the
 * lock lease. Redis failures never fail a read: the answer then comes from MySQL. An invalidation
 * also detaches a load in flight in this process, so readers arriving after a write never share a
 * load that began before it, and that load's answer is not stored.
 *
 * Keys are namespaced by database (`tbcache:{database}:…`), since one Redis serves every database
 * and worktree and schedule ids repeat across them.
 */
import { randomUUID } from 'node:crypto';
import { Counter, type Registry } from 'prom-client';
import type { Redis } from './redis.ts';

/** How the cache behaves. Durations in milliseconds. */
export interface ReadCacheOptions {
  /** False (`TARGET_CACHE=off`): every read goes to MySQL and nothing touches Redis. */
  readonly enabled: boolean;
  /** Longest life of a cached answer, counted from the start of the database read it came from. */
  readonly ttlMs: number;
  /** Namespace of every key, e.g. the database name. */
  readonly namespace: string;
  /**
   * Test-only fault (`TARGET_CACHE_FAULT=stale`, never set by the CLI): invalidations do nothing
   * and answers live 60 s whatever `ttlMs` says, so the staleness check must catch stale reads.
   */
  readonly staleFault?: boolean;
  /** Registry the cache counters go to (the service's own). */
  readonly registry?: Registry;
}

/** Outcome label of `read_cache_requests_total`. */
export type CacheResult = 'hit' | 'miss' | 'coalesced' | 'waited' | 'bypass' | 'error';

/** The cache the read routes and the write paths share. */
export interface ReadCache {
  readonly enabled: boolean;
  /**
   * The JSON text of the answer under `key`: from Redis on a hit, else from `load()` (once per
   * key however many callers miss at once), stored for the rest of the TTL.
   * @param key relative key, e.g. `seats:42`; namespaced here.
   * @throws whatever `load` throws (nothing is cached then).
   */
  read(key: string, load: () => Promise<unknown>): Promise<string>;
  /** Drops the seat map of the schedule and the schedule list of its concert. Never throws. */
  invalidateSchedule(scheduleId: number, concertId?: number): Promise<void>;
  /** Drops the cached concert pages (a concert was added). Never throws. */
  invalidateConcerts(): Promise<void>;
  /** Remembers a schedule's concert (immutable), so an invalidation needs no query. */
  rememberConcert(scheduleId: number, concertId: number): void;
  /** The current concert-page generation, part of each page's key (`'0'` when off or Redis fails). */
  concertsGeneration(): Promise<string>;
}

/** Seat map key of a schedule. */
export const seatsKey = (scheduleId: number): string => `seats:${scheduleId}`;
/** Schedule-list key of a concert. */
export const schedulesKey = (concertId: number): string => `schedules:${concertId}`;
/** Concert page key; `generation` changes whenever a concert is added. */
export const concertsKey = (generation: string, after: number, limit: number): string => `concerts:${generation}:${after}:${limit}`;

/** Lease of the stampede lock, ms: longer than a normal load, short enough to recover from a dead holder. */
export const LOCK_LEASE_MS = 2_000;
/** How often a caller that did not get the lock looks for the holder's value, ms. */
const POLL_MS = 5;
/** Life of the concert-page generation key after its last bump, ms. */
const GENERATION_LIFE_MS = 86_400_000;
/** TTL the stale fault uses, ms. */
const STALE_FAULT_TTL_MS = 60_000;
/** Releases the lock only if this caller still owns it (the lease may have passed to another). */
const RELEASE_LUA = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * Creates the cache over the service's ioredis client.
 * @param concertOf looks up a schedule's concert when it was not remembered (one MySQL query).
 */
export function createReadCache(redis: Redis, options: ReadCacheOptions, concertOf: (scheduleId: number) => Promise<number | undefined>): ReadCache {
  const prefix = `tbcache:${options.namespace}:`;
  const ttlMs = options.staleFault ? STALE_FAULT_TTL_MS : options.ttlMs;
  const requests = new Counter({
    name: 'read_cache_requests_total',
    help: 'Cached reads by result: hit, miss (loaded from MySQL), coalesced (shared an in-process load), waited (got the value another holder of the stampede lock wrote), bypass (cache off), error (Redis failed; read from MySQL).',
    labelNames: ['result'],
    registers: options.registry ? [options.registry] : [],
  });
  const invalidations = new Counter({
    name: 'read_cache_invalidations_total',
    help: 'Cache keys dropped because seats, schedules or concerts changed.',
    registers: options.registry ? [options.registry] : [],
  });
  const inflight = new Map<string, Promise<string>>();
  // Bumped by every invalidation of a key in this process: a load that began before one neither
  // serves readers who arrive after it nor stores its (possibly pre-write) answer.
  const epochs = new Map<string, number>();
  const epochOf = (full: string): number => epochs.get(full) ?? 0;
  const concerts = new Map<number, number>();
  const count = (result: CacheResult): void => requests.inc({ result });

  const fill = async (full: string, load: () => Promise<unknown>): Promise<string> => {
    const lockKey = `${full}:lock`;
    const token = randomUUID();
    let locked = false;
    try {
      locked = (await redis.set(lockKey, token, 'PX', LOCK_LEASE_MS, 'NX')) === 'OK';
      if (!locked) {
        const deadline = Date.now() + LOCK_LEASE_MS;
        while (Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
          const value = await redis.get(full);
          if (value !== null) {
            count('waited');
            return value;
          }
        }
      }
    } catch {
      // Redis is away: load from MySQL below.
    }
    count('miss');
    const startedAt = Date.now();
    const epoch = epochOf(full);
    const text = JSON.stringify(await load());
    // The TTL counts from the read's start: a value read before a write and stored after its
    // invalidation then still expires within ttlMs of the write.
    const remaining = ttlMs - (Date.now() - startedAt);
    try {
      if (remaining > 0 && epochOf(full) === epoch) await redis.set(full, text, 'PX', remaining);
      if (locked) await redis.eval(RELEASE_LUA, 1, lockKey, token);
    } catch {
      // Not cached this time; the answer is still right.
    }
    return text;
  };

  const drop = async (keys: string[]): Promise<void> => {
    if (!options.enabled || options.staleFault || keys.length === 0) return;
    for (const key of keys) {
      const full = prefix + key;
      epochs.set(full, epochOf(full) + 1);
      inflight.delete(full);
    }
    try {
      // The stampede lock goes too: its holder's load began before the write, so the next
      // reader must not wait for it.
      await redis.del(...keys.flatMap((k) => [prefix + k, `${prefix}${k}:lock`]));
      invalidations.inc(keys.length);
    } catch {
      // The TTL still bounds how long a stale answer lives.
    }
  };

  return {
    enabled: options.enabled,
    async read(key, load) {
      if (!options.enabled) {
        count('bypass');
        return JSON.stringify(await load());
      }
      const full = prefix + key;
      try {
        const hit = await redis.get(full);
        if (hit !== null) {
          count('hit');
          return hit;
        }
      } catch {
        count('error');
        return JSON.stringify(await load());
      }
      const running = inflight.get(full);
      if (running) {
        count('coalesced');
        return running;
      }
      const flight = fill(full, load).finally(() => {
        // Only its own entry: an invalidation may have let a newer load take the key's place.
        if (inflight.get(full) === flight) inflight.delete(full);
      });
      inflight.set(full, flight);
      return flight;
    },
    async invalidateSchedule(scheduleId, concertId) {
      if (!options.enabled || options.staleFault) return;
      let concert = concertId ?? concerts.get(scheduleId);
      if (concert === undefined) concert = await concertOf(scheduleId).catch(() => undefined);
      if (concert !== undefined) concerts.set(scheduleId, concert);
      await drop([seatsKey(scheduleId), ...(concert === undefined ? [] : [schedulesKey(concert)])]);
    },
    async invalidateConcerts() {
      if (!options.enabled || options.staleFault) return;
      try {
        // Expires after a day without new concerts (pages of an old generation died long before),
        // so the shared Redis keeps no key per database forever.
        await redis.multi().incr(`${prefix}concerts:generation`).pexpire(`${prefix}concerts:generation`, GENERATION_LIFE_MS).exec();
        invalidations.inc();
      } catch {
        // Pages expire within the TTL anyway.
      }
    },
    rememberConcert(scheduleId, concertId) {
      concerts.set(scheduleId, concertId);
    },
    async concertsGeneration() {
      if (!options.enabled) return '0';
      try {
        return (await redis.get(`${prefix}concerts:generation`)) ?? '0';
      } catch {
        return '0';
      }
    },
  };
}

/** A cache that is off: every read is loaded from MySQL, invalidations do nothing. */
export function disabledReadCache(): ReadCache {
  return {
    enabled: false,
    read: async (_key, load) => JSON.stringify(await load()),
    invalidateSchedule: async () => {},
    invalidateConcerts: async () => {},
    rememberConcert: () => {},
    concertsGeneration: async () => '0',
  };
}
