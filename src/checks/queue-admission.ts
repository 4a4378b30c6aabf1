/**
 * Queue check 4 — admission: every user is admitted at most once (target log; and the client was
 * shown at most one pass token per user); no hold succeeded without the user's valid pass (a hold
 * the client made with no pass or another user's that was acknowledged is a violation, as is one
 * with its own pass sent after that pass expired); and the queue's keys are empty or consistent at
 * the end (no one left waiting who was admitted, no pass past its expiry by more than an interval +
 * slack, pass tokens and the pass set agree). A service that keeps no queue log is judged by what
 * the client was shown: its admissions are the passes the client saw, with the expiry they said.
 */
import { countKinds, type KindPhrases } from './headline.ts';
import type { Id } from '../profile/target-ops.ts';
import { normId } from './canonical.ts';
import { clientUsers, defineQueueChecker, passOwner, tokenOwners, type QueueSnapshot } from './queue-snapshot.ts';
import { type EvidenceRow, resultFromViolations } from './types.ts';

const ID = 'queue-admission';
const TITLE = 'One admission per user, no hold without a valid pass, keys consistent';

/** How the headline words each kind of violation. */
const ADMISSION_PHRASES: KindPhrases = {
  'admitted-twice': (n) => `${n} user(s) admitted more than once`,
  'several-passes': (n) => `${n} user(s) shown more than one pass token`,
  'hold-without-pass': (n) => `${n} hold(s) with no pass or another user's pass accepted`,
  'hold-without-admission': (n) => `${n} hold(s) accepted for users the queue never admitted`,
  'hold-with-expired-pass': (n) => `${n} hold(s) accepted with an expired pass`,
  'waiting-after-admission': (n) => `${n} admitted user(s) still waiting at the end`,
  'stale-pass-at-end': (n) => `${n} expired pass(es) still counted at the end`,
  'orphan-pass-token': (n) => `${n} pass token(s) without a pass`,
};

/** Check `queue-admission`: repeated admissions, holds without a valid pass, final key state. */
export const queueAdmissionChecker = defineQueueChecker(ID, TITLE, (history, snap, q, scope) => {
  const violations: EvidenceRow[] = [];
  const users = clientUsers(history);
  const admissions = new Map<Id, { count: number; expiryMs: number | undefined }>();
  if (snap.log === null) {
    for (const u of users.values()) if (u.admittedAt) admissions.set(u.user, { count: 1, expiryMs: u.passExpiresAtMs });
  }
  for (const e of snap.log ?? []) {
    if (e.kind !== 'admit') continue;
    const a = admissions.get(e.user) ?? { count: 0, expiryMs: e.expiryMs };
    a.count += 1;
    admissions.set(e.user, a);
  }
  const neverAdmitted = (user: Id) => (snap.log === null ? `the client never saw user ${user} admitted` : `the target's log never admitted user ${user}`);
  let repeated = 0;
  for (const [user, a] of admissions) {
    if (a.count <= 1) continue;
    repeated += 1;
    violations.push({ anomaly: 'admitted-twice', user, detail: `the target's log admits user ${user} ${a.count} times` });
  }
  for (const u of users.values()) {
    if (u.tokens.size > 1) violations.push({ anomaly: 'several-passes', user: u.user, detail: `the client was shown ${u.tokens.size} different pass tokens for user ${u.user}` });
  }
  let holdsWithoutPass = 0;
  let holdsOk = 0;
  const probes = { none: 0, other: 0 };
  // History times are relative to the load's start; the log's are Redis epoch ms (same machine).
  for (const op of history.byF('hold')) {
    if (op.value['pass'] === 'none') probes.none += 1;
    if (op.value['pass'] === 'other') probes.other += 1;
    if (op.type === 'fail') continue;
    const user = normId(op.value['userId']);
    if (op.value['pass'] !== 'own') {
      // An indeterminate probe (timeout) may or may not have been let through: not evidence.
      if (op.type === 'info') continue;
      holdsWithoutPass += 1;
      violations.push({ anomaly: 'hold-without-pass', user, detail: `hold op #${op.index} with ${op.value['pass'] === 'none' ? 'no pass' : "another user's pass"} was accepted (reservation ${String(op.result['reservationId'])})` });
      continue;
    }
    if (op.type !== 'ok') continue;
    holdsOk += 1;
    const admitted = admissions.get(user);
    const sentAtMs = scope.runStartedAtMs + op.invokeUs / 1000;
    if (!admitted) violations.push({ anomaly: 'hold-without-admission', user, detail: `hold op #${op.index} was accepted but ${neverAdmitted(user)}` });
    else if (admitted.expiryMs !== undefined && sentAtMs > admitted.expiryMs + q.slackMs) violations.push({ anomaly: 'hold-with-expired-pass', user, detail: `hold op #${op.index} was sent ${Math.round(sentAtMs - admitted.expiryMs)} ms after user ${user}'s pass expired and was accepted` });
  }
  const admittedUsers = new Set(admissions.keys());
  for (const user of snap.waiting) {
    if (admittedUsers.has(user)) violations.push({ anomaly: 'waiting-after-admission', user, detail: `user ${user} is still in the waiting set after being admitted` });
  }
  const owners = tokenOwners(users);
  const passUsers = new Set(snap.passes.map((p) => passOwner(p.user, users, owners)));
  for (const p of snap.passes) {
    if (snap.nowMs - p.expiryMs > q.advanceMs + q.slackMs) violations.push({ anomaly: 'stale-pass-at-end', user: p.user, detail: `user ${p.user}'s pass expired ${snap.nowMs - p.expiryMs} ms before the end and still counts` });
  }
  for (const user of snap.passKeys) {
    if (!passUsers.has(user)) violations.push({ anomaly: 'orphan-pass-token', user, detail: `a pass token for user ${user} exists without a pass in the pass set` });
  }
  return resultFromViolations(
    {
      id: ID,
      title: TITLE,
      counts: { admitted: admittedUsers.size, repeatedAdmissions: repeated, holdsOk, holdsWithoutPass, probesNoPass: probes.none, probesOtherPass: probes.other, waitingAtEnd: snap.waiting.length, passesAtEnd: snap.passes.length, passTokensAtEnd: snap.passKeys.length, unparsedLogLines: snap.unparsed },
    },
    violations,
    `${admittedUsers.size} user(s) admitted once each; ${holdsOk} hold(s) with a valid pass; ${probes.none} probe(s) with no pass and ${probes.other} with another user's pass, none accepted; at the end ${snap.waiting.length} waiting, ${snap.passes.length} pass(es), consistent`,
    (n) => `${n} violation(s): ${countKinds(violations, ADMISSION_PHRASES)} (of ${probes.none + probes.other} probe(s) run)`,
  );
});
