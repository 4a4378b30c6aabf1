/**
 * Queue check 2 — capacity: active passes never exceed the schedule's capacity. Judged from the
 * samples the scenario took from Redis itself during the load (ZCARD of the pass set, at least
 * once per advance interval — a gap longer than that is counted and reported), from the active
 * count after each advancement in the target's log, and from replaying the log (+1 per
 * admission, −1 per expiry or release), when the service keeps one.
 */
import { defineQueueChecker, interleave, queueSamples, type QueueSnapshot } from './queue-snapshot.ts';
import { type EvidenceRow, resultFromViolations } from './types.ts';

const ID = 'queue-capacity';
const TITLE = 'Active passes never exceed capacity';

/** Check `queue-capacity`: samples, advancement records and log replay against the capacity. */
export const queueCapacityChecker = defineQueueChecker(ID, TITLE, (history, snap, q) => {
  const bySample: EvidenceRow[] = [];
  const byTick: EvidenceRow[] = [];
  const byReplay: EvidenceRow[] = [];
  const samples = queueSamples(history);
  let maxSampled = 0;
  let maxGapMs = 0;
  let lateSamples = 0;
  let prev: number | undefined;
  for (const s of samples) {
    const active = Number(s.result['active']);
    const at = Number(s.result['redisMs']);
    maxSampled = Math.max(maxSampled, active);
    if (active > q.capacity) bySample.push({ source: 'sample', atMs: at, active, capacity: q.capacity, detail: `Redis sample (op #${s.index}) counted ${active} passes, capacity ${q.capacity}` });
    if (prev !== undefined) {
      maxGapMs = Math.max(maxGapMs, at - prev);
      if (at - prev > q.advanceMs) lateSamples += 1;
    }
    prev = at;
  }
  let maxTick = 0;
  let active = 0;
  let maxReplayed = 0;
  for (const e of snap.log ?? []) {
    if (e.kind === 'tick') {
      maxTick = Math.max(maxTick, e.activeAfter);
      if (e.activeAfter > q.capacity) byTick.push({ source: 'advancement', atMs: e.atMs, active: e.activeAfter, capacity: q.capacity, detail: `advancement admitted ${e.admitted}, leaving ${e.activeAfter} passes active` });
    } else if (e.kind === 'admit') {
      active += 1;
      if (active > q.capacity && active > maxReplayed) byReplay.push({ source: 'log', atMs: e.atMs, active, capacity: q.capacity, detail: `admitting user ${e.user} made ${active} passes active` });
      maxReplayed = Math.max(maxReplayed, active);
    } else if (e.kind === 'expire' || e.kind === 'release') active -= 1;
  }
  const violations = interleave(bySample, byTick, byReplay);
  if (samples.length === 0) {
    return { id: ID, title: TITLE, verdict: 'unknown', summary: 'no Redis sample was taken during the load', counts: { capacity: q.capacity, samples: 0, maxActiveLog: maxReplayed }, evidence: [], evidenceTotal: 0 };
  }
  return resultFromViolations(
    { id: ID, title: TITLE, counts: { capacity: q.capacity, samples: samples.length, maxActiveSampled: maxSampled, maxActiveAdvancement: maxTick, maxActiveLog: maxReplayed, maxSampleGapMs: maxGapMs, samplesLate: lateSamples } },
    violations,
    `at most ${Math.max(maxSampled, maxTick, maxReplayed)} of ${q.capacity} passes active: ${samples.length} Redis samples (largest gap ${maxGapMs} ms, advance interval ${q.advanceMs} ms)${snap.log === null ? ' (the service keeps no queue log)' : ', every advancement and the log replay agree'}`,
    (n) => `${n} time(s) above capacity ${q.capacity}: up to ${maxSampled} in Redis samples, ${maxTick} after an advancement, ${maxReplayed} replaying the log`,
  );
});
