/**
 * Check 3 — Redis: no seat lock is left behind once the holds that took it have ended.
 * Locks are request-scoped (`SET seat:lock:{scheduleId}:{seatNo} owner NX PX ttl`, released by an
 * owner-checked Lua script), so after the load phase none should remain. A lock still carrying a
 * lease may belong to a request that timed out (`info`) and is allowed until its lease runs out:
 * `collect` waits at most one lease for those, then reads again. A lock without expiry, or one
 * still present after that wait, is an orphan.
 */
import { defineChecker } from './checker.ts';
import { type EvidenceRow, resultFromViolations } from './types.ts';

/** Key prefix of the bundled target's seat locks (seed 001: `seat:lock:{scheduleId}:{seatNo}`). */
export const SEAT_LOCK_PREFIX = 'seat:lock:';

/** Seat locks of this run's schedules still in Redis after the bounded wait. */
export interface OrphanLocksSnapshot {
  readonly locks: readonly { key: string; pttlMs: number }[];
  /** How long collect waited for leased locks to expire, ms. */
  readonly waitedMs: number;
}

export const orphanLocksChecker = defineChecker<OrphanLocksSnapshot>({
  id: 'orphan-locks',
  title: 'No seat lock left behind in Redis',

  async collect({ redis }, scope) {
    const read = async () => {
      const locks: { key: string; pttlMs: number }[] = [];
      for (const scheduleId of scope.scheduleIds) {
        const keys: string[] = [];
        let cursor = '0';
        do {
          const [next, batch] = await redis.scan(cursor, 'MATCH', `${SEAT_LOCK_PREFIX}${scheduleId}:*`, 'COUNT', 1000);
          cursor = next;
          keys.push(...batch);
        } while (cursor !== '0');
        for (const key of keys) {
          const pttl = await redis.pttl(key);
          if (pttl !== -2) locks.push({ key, pttlMs: pttl });
        }
      }
      return locks;
    };
    let locks = await read();
    const longestLease = Math.max(0, ...locks.map((l) => l.pttlMs));
    if (longestLease <= 0) return { locks, waitedMs: 0 };
    const waitMs = Math.min(longestLease, scope.lockTtlMs) + 100;
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    locks = await read();
    return { locks, waitedMs: waitMs };
  },

  check(_history, snap) {
    const violations: EvidenceRow[] = snap.locks.map((l) => ({
      anomaly: 'orphan-lock',
      key: l.key,
      pttlMs: l.pttlMs,
      detail: l.pttlMs === -1 ? 'lock has no expiry: it will never be released' : `still held ${snap.waitedMs} ms after the load ended`,
    }));
    return resultFromViolations(
      { id: 'orphan-locks', title: 'No seat lock left behind in Redis', counts: { locksLeft: snap.locks.length, waitedMs: snap.waitedMs } },
      violations,
      snap.waitedMs > 0 ? `no seat lock left (waited ${snap.waitedMs} ms for leased locks to expire)` : 'no seat lock left',
      (n) => `${n} seat lock(s) left behind in Redis`,
    );
  },
});
