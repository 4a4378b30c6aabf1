/**
 * Queue check 1 — FIFO: admission order equals entry order. From the target's log: the users in
 * the order they were admitted, each with its arrival score (Redis µs, strictly increasing);
 * every pair admitted in the opposite order of arrival is an inversion (counted in O(n log n)
 * with a Fenwick tree). Cross-check from the client alone, with no trust in the log: when user A's
 * entry was acknowledged before user B's was sent, B's pass was seen by the client, and a later
 * status read (invoked after that) still found A waiting, then B was admitted before A — an
 * inversion the target cannot hide. Must be 0 for one schedule. Also reports the queue wait
 * (admission − entry, Redis clock) p50/p95/max. A service that keeps no queue log is judged by
 * the client's view alone, its wait measured by the client (first pass seen − entry acknowledged).
 */
import type { Id } from '../profile/target-ops.ts';
import { clientUsers, defineQueueChecker, interleave, percentile, type QueueSnapshot } from './queue-snapshot.ts';
import { type EvidenceRow, resultFromViolations } from './types.ts';

const ID = 'queue-fifo';
const TITLE = 'Admission order equals entry order (FIFO)';

/**
 * Inversions of `ranks` (pairs i < j with ranks[i] > ranks[j]); ranks are 0..n−1 distinct.
 * Fenwick tree over ranks: O(n log n).
 */
export function countInversions(ranks: readonly number[]): number {
  const n = ranks.length;
  const tree = new Array<number>(n + 1).fill(0);
  let inversions = 0;
  for (let i = 0; i < n; i++) {
    // Earlier-admitted users with a higher rank (entered later) than this one.
    let seenAtOrBelow = 0;
    for (let k = ranks[i]! + 1; k > 0; k -= k & -k) seenAtOrBelow += tree[k]!;
    inversions += i - seenAtOrBelow;
    for (let k = ranks[i]! + 1; k <= n; k += k & -k) tree[k]! += 1;
  }
  return inversions;
}

/** Check `queue-fifo`: inversions between entry and admission order, from the log and from the client. */
export const queueFifoChecker = defineQueueChecker(ID, TITLE, (history, snap) => {
  const logWitnesses: EvidenceRow[] = [];
  const clientWitnesses: EvidenceRow[] = [];
  const log = snap.log ?? [];
  const admits = log.filter((e) => e.kind === 'admit');
  const entryMs = new Map<number, number>();
  for (const e of log) if (e.kind === 'enter') entryMs.set(e.user, e.atMs);
  // Rank of each admitted user by arrival.
  const byArrival = [...admits].sort((a, b) => a.entryUs - b.entryUs);
  const rank = new Map(byArrival.map((a, i) => [a.user, i]));
  const ranks = admits.map((a) => rank.get(a.user)!);
  const inversions = countInversions(ranks);
  if (inversions > 0) {
    // Witnesses: an admission while someone who arrived earlier was still waiting.
    let maxRank = -1;
    let maxUser = 0;
    admits.forEach((a, i) => {
      if (ranks[i]! < maxRank) {
        logWitnesses.push({ anomaly: 'inversion', user: a.user, arrival: ranks[i]! + 1, admittedAfter: maxUser, thatArrival: maxRank + 1, detail: `user ${a.user} (arrival #${ranks[i]! + 1}) was admitted after user ${maxUser} (arrival #${maxRank + 1})` });
      }
      if (ranks[i]! > maxRank) {
        maxRank = ranks[i]!;
        maxUser = a.user;
      }
    });
  }

  // Client-only witnesses (see the header): A entered strictly before B, yet A was seen waiting after B's pass was seen.
  const users = [...clientUsers(history).values()].filter((u) => u.enter);
  const admittedByEnter = users.filter((u) => u.admittedAt).sort((a, b) => a.enter!.invokeUs - b.enter!.invokeUs);
  // Suffix minimum over B sorted by entry invocation of when B's pass was seen.
  const suffixMin: { at: number; user: Id }[] = new Array(admittedByEnter.length + 1);
  suffixMin[admittedByEnter.length] = { at: Infinity, user: 0 };
  for (let i = admittedByEnter.length - 1; i >= 0; i--) {
    const b = admittedByEnter[i]!;
    suffixMin[i] = b.admittedAt!.completeUs < suffixMin[i + 1]!.at ? { at: b.admittedAt!.completeUs, user: b.user } : suffixMin[i + 1]!;
  }
  let clientInversions = 0;
  for (const a of users) {
    const lastWaiting = a.waitingPolls.at(-1);
    if (!lastWaiting) continue;
    // First B whose entry was sent after A's was acknowledged.
    let lo = 0;
    let hi = admittedByEnter.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (admittedByEnter[mid]!.enter!.invokeUs > a.enter!.completeUs) hi = mid;
      else lo = mid + 1;
    }
    const b = suffixMin[lo]!;
    if (b.at < lastWaiting.invokeUs) {
      clientInversions += 1;
      clientWitnesses.push({ anomaly: 'client-inversion', user: a.user, arrival: null, admittedAfter: b.user, thatArrival: null, detail: `client: user ${a.user} entered before user ${b.user} did, but was still waiting (status op #${lastWaiting.index} at ${Math.round(lastWaiting.invokeUs / 1000)} ms) after user ${b.user}'s pass was seen at ${Math.round(b.at / 1000)} ms` });
    }
  }

  const violations = interleave(logWitnesses, clientWitnesses);
  const waits =
    snap.log === null
      ? admittedByEnter.map((u) => Math.round((u.admittedAt!.completeUs - u.enter!.completeUs) / 1000))
      : admits.map((a) => a.atMs - (entryMs.get(a.user) ?? a.atMs));
  const source = snap.log === null ? 'the service keeps no queue log: judged by the client alone' : "0 inversions in the target's log";
  return resultFromViolations(
    {
      id: ID,
      title: TITLE,
      counts: {
        entered: snap.log === null ? users.length : entryMs.size,
        admitted: snap.log === null ? admittedByEnter.length : admits.length,
        inversions,
        clientInversions,
        waitP50Ms: percentile(waits, 50),
        waitP95Ms: percentile(waits, 95),
        waitMaxMs: percentile(waits, 100),
      },
    },
    violations,
    `${snap.log === null ? admittedByEnter.length : admits.length} admission(s) in entry order: ${source}, 0 seen by the client; queue wait p50 ${percentile(waits, 50)} ms, p95 ${percentile(waits, 95)} ms`,
    () => `${inversions} inversion(s) between entry and admission order in the target's log, ${clientInversions} user(s) the client saw overtaken`,
  );
});
