/**
 * What a queue scenario records besides the profile's queue operations (src/profile/target-ops.ts:
 * `queue-enter`, `queue-status`, `queue-leave`, `hold` with a pass): a pass the client decided
 * never to use (`queue-abandon` {scheduleId, userId, passExpiresAt}, no request), which the queue
 * checks read (src/checks/queue-snapshot.ts).
 */
import { ok, type OpResult, type VuContext } from '../engine/vu.ts';

/** Whose queue entry a queue request is about. */
export interface QueueUser {
  readonly scheduleId: number;
  readonly userId: number | string;
}

/** Records that the client abandoned its pass (it will never use it); no request is sent. */
export function abandonPass(vu: VuContext, user: QueueUser, passExpiresAt: number): Promise<OpResult> {
  return vu.op('queue-abandon', { scheduleId: user.scheduleId, userId: user.userId, passExpiresAt }, async () => ok());
}
