/**
 * Check 3 — Redis: no seat lock is left behind once the holds that took it have ended.
 * Locks are request-scoped (the bundled target: `SET seat:lock:{scheduleId}:{seatNo} owner NX PX
 * ttl`, released by an owner-checked Lua script; the key is the profile's `stores.redis.seatLockKey`),
 * so after the load phase none should remain. A lock still carrying a
 * lease may belong to a request that timed out (`info`) and is allowed until its lease runs out:
 * `collect` waits at most one lease for those, then reads again. A lock without expiry, or one
 * still present after that wait, is an orphan.
 */
import { renderText } from '../profile/template.ts';
import { defineChecker } from './checker.ts';
import { CheckSkipped, type EvidenceRow, resultFromViolations } from './types.ts';

/**
 * The SCAN pattern of a schedule's seat locks: the profile's key template with `{scheduleId}`
 * filled in, every other variable a wildcard and glob characters escaped.
 */
export function seatLockPattern(template: string, scheduleId: number): string {
  const escaped = template.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
  return renderText(escaped.replace(/\{(?!scheduleId\})[A-Za-z_][A-Za-z0-9_]*\}/g, '\u0000'), { scheduleId })!.replaceAll('\u0000', '*');
}

/** Seat locks of this run's schedules still in Redis after the bounded wait. */
export interface OrphanLocksSnapshot {
  readonly locks: readonly { key: string; pttlMs: number }[];
  /** How long collect waited for leased locks to expire, ms. */
  readonly waitedMs: number;
}

export const orphanLocksChecker = defineChecker<OrphanLocksSnapshot>({
  id: 'orphan-locks',
  title: 'No seat lock left behind in Redis',

  async collect({ redis, profile, profileName }, scope) {
    const template = profile.redis?.seatLockKey;
    if (template === undefined) throw new CheckSkipped(`profile "${profileName}" gives no stores.redis.seatLockKey (the service keeps no seat locks in Redis, or says not where)`);
    const read = async () => {
      const locks: { key: string; pttlMs: number }[] = [];
      for (const scheduleId of scope.scheduleIds) {
        const keys: string[] = [];
        let cursor = '0';
        do {
          const [next, batch] = await redis.scan(cursor, 'MATCH', seatLockPattern(template, scheduleId), 'COUNT', 1000);
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
