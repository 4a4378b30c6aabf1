/**
 * Queue check 3 — redistribution: every pass that was not used stops counting within its TTL +
 * one advance interval (+ `slackMs` of timer lateness) and its slot goes to the next user.
 * - Reclaim delay of each expired pass = when the advancement removed it − its expiry (target
 *   log, Redis clock); reported as p50/p95/max, each must be ≤ interval + slack.
 * - Every advancement that left users waiting must have filled every slot (active = capacity).
 * - Cross-checks from the client alone: every Redis sample's oldest pass must not be older than
 *   interval + slack past its expiry; every pass the client abandoned must have been reclaimed
 *   (an expiry in the log, when the service keeps one) and be gone at the end.
 */
import type { Id } from '../profile/target-ops.ts';
import { clientUsers, defineQueueChecker, interleave, passOwner, percentile, queueSamples, tokenOwners, type QueueSnapshot } from './queue-snapshot.ts';
import { type EvidenceRow, resultFromViolations } from './types.ts';

const ID = 'queue-redistribution';
const TITLE = 'Abandoned passes reclaimed within TTL + one advance interval';

/** Check `queue-redistribution`: reclaim delays, idle slots while users wait, and the client's view. */
export const queueRedistributionChecker = defineQueueChecker(ID, TITLE, (history, snap, q) => {
  const bound = q.advanceMs + q.slackMs;
  const late: EvidenceRow[] = [];
  const idle: EvidenceRow[] = [];
  const stale: EvidenceRow[] = [];
  const never: EvidenceRow[] = [];
  const delays: number[] = [];
  const expired = new Set<Id>();
  let idleTicks = 0;
  for (const e of snap.log ?? []) {
    if (e.kind === 'expire') {
      const delay = e.atMs - e.expiryMs;
      delays.push(delay);
      expired.add(e.user);
      if (delay > bound || delay < 0) late.push({ anomaly: 'late-reclaim', user: e.user, delayMs: delay, boundMs: bound, detail: `pass of user ${e.user} expired at ${e.expiryMs} and was removed ${delay} ms later (bound ${bound} ms)` });
    } else if (e.kind === 'tick' && e.waitingAfter > 0 && e.activeAfter < q.capacity) {
      idleTicks += 1;
      idle.push({ anomaly: 'idle-slot', user: null, delayMs: null, boundMs: null, detail: `advancement at ${e.atMs} left ${q.capacity - e.activeAfter} slot(s) free while ${e.waitingAfter} user(s) waited` });
    }
  }
  let staleSamples = 0;
  let worstStaleMs = 0;
  for (const s of queueSamples(history)) {
    const oldest = s.result['oldestExpiryMs'];
    if (typeof oldest !== 'number') continue;
    const late = Number(s.result['redisMs']) - oldest;
    if (late > bound) {
      staleSamples += 1;
      worstStaleMs = Math.max(worstStaleMs, late);
      stale.push({ anomaly: 'stale-pass-sampled', user: Number(s.result['oldestUser']), delayMs: late, boundMs: bound, detail: `Redis sample op #${s.index}: the pass of user ${String(s.result['oldestUser'])} still counted ${late} ms after its expiry` });
    }
  }
  const users = clientUsers(history);
  const owners = tokenOwners(users);
  const abandoned = [...users.values()].filter((u) => u.abandoned).map((u) => u.user);
  const stillHeld = new Set([...snap.passes.map((p) => passOwner(p.user, users, owners)), ...snap.passKeys]);
  let notReclaimed = 0;
  for (const user of abandoned) {
    // Without a log, reclaimed means gone from Redis by the end (the samples judge how soon).
    if ((snap.log === null || expired.has(user)) && !stillHeld.has(user)) continue;
    notReclaimed += 1;
    never.push({ anomaly: 'never-reclaimed', user, delayMs: null, boundMs: bound, detail: `the client abandoned user ${user}'s pass; ${stillHeld.has(user) ? 'it is still in Redis at the end' : 'the target never logged its expiry'}` });
  }
  const violations = interleave(late, never, stale, idle);
  const counts = {
    abandoned: abandoned.length,
    reclaimed: snap.log === null ? abandoned.length - notReclaimed : delays.length,
    reclaimP50Ms: percentile(delays, 50),
    reclaimP95Ms: percentile(delays, 95),
    reclaimMaxMs: percentile(delays, 100),
    boundMs: bound,
    idleTicks,
    staleSamples,
    worstStaleMs,
    notReclaimed,
  };
  return resultFromViolations(
    { id: ID, title: TITLE, counts },
    violations,
    snap.log === null
      ? `all ${abandoned.length} abandoned pass(es) gone by the end, and no Redis sample saw a pass counted more than ${bound} ms (interval ${q.advanceMs} + slack ${q.slackMs}) past its expiry (the service keeps no queue log: reclaim delays and idle slots are not measured)`
      : `${delays.length} expired pass(es) reclaimed ${counts.reclaimP50Ms} ms (p50), ${counts.reclaimP95Ms} ms (p95), ${counts.reclaimMaxMs} ms (max) after expiry, within ${bound} ms (interval ${q.advanceMs} + slack ${q.slackMs}); every slot refilled while users waited; all ${abandoned.length} abandoned pass(es) reclaimed`,
    () => `${late.length} late reclaim(s) (max ${counts.reclaimMaxMs} ms, bound ${bound} ms), ${idleTicks} advancement(s) left slots idle, ${staleSamples} sample(s) saw an expired pass still counted (worst ${worstStaleMs} ms), ${notReclaimed} abandoned pass(es) never reclaimed`,
  );
});
