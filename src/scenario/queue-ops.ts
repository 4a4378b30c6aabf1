/**
 * What a queue scenario does besides the profile's queue operations (src/profile/target-ops.ts:
 * `queue-enter`, `queue-status`, `queue-leave`, `hold` with a pass): it records a pass the client
 * decided never to use (`queue-abandon` {scheduleId, userId, passExpiresAt}, no request), and it
 * creates a schedule with a waiting queue through the bundled target's fixture API, which answers
 * the queue's Redis keys the queue checks read (src/checks/queue-snapshot.ts).
 */
import { z } from 'zod';
import type { TargetHttpClient } from '../engine/http-client.ts';
import { ok, type OpResult, type VuContext } from '../engine/vu.ts';
import { TicketbenchError } from '../errors.ts';

/** Whose queue entry a queue request is about. */
export interface QueueUser {
  readonly scheduleId: number;
  readonly userId: number;
}

/** Records that the client abandoned its pass (it will never use it); no request is sent. */
export function abandonPass(vu: VuContext, user: QueueUser, passExpiresAt: number): Promise<OpResult> {
  return vu.op('queue-abandon', { scheduleId: user.scheduleId, userId: user.userId, passExpiresAt }, async () => ok());
}

const queueFixtureAnswer = z.object({
  concertId: z.number().int().positive(),
  scheduleId: z.number().int().positive(),
  seatNos: z.array(z.string()).min(1),
  userIds: z.array(z.number().int().positive()).min(1),
  queue: z.object({
    capacity: z.number().int().positive(),
    passTtlMs: z.number().int().positive(),
    advanceMs: z.number().int().positive(),
    keys: z.object({ waiting: z.string(), passes: z.string(), passPrefix: z.string(), admitted: z.string(), log: z.string() }),
  }),
});

/** What `POST /admin/fixtures` with a queue created. */
export type QueueFixture = z.output<typeof queueFixtureAnswer>;

/**
 * Creates a concert, one schedule with a waiting queue (`capacity`, `passTtlMs`, `advanceMs`),
 * `seats` seats and `users` users.
 * @throws TicketbenchError SETUP_FAILED when the target cannot be reached, TARGET_BAD_RESPONSE when
 *   it does not answer as the bundled target does (e.g. it has no waiting queue).
 */
export async function createQueueFixture(http: TargetHttpClient, request: { seats: number; users: number; name: string; queue: { capacity: number; passTtlMs: number; advanceMs: number } }): Promise<QueueFixture> {
  let res;
  try {
    res = await http.request('setup', 'POST', '/admin/fixtures', { seats: request.seats, users: request.users, name: `${request.name} ${new Date().toISOString()}`, queue: request.queue });
  } catch (err) {
    throw new TicketbenchError('SETUP_FAILED', `Could not create test data at ${http.baseUrl}: ${(err as Error).message}.`, { cause: err });
  }
  const parsed = res.status === 201 ? queueFixtureAnswer.safeParse(res.json) : undefined;
  if (!parsed?.success || parsed.data.userIds.length !== request.users) {
    throw new TicketbenchError(
      'TARGET_BAD_RESPONSE',
      `The target at ${http.baseUrl} answered POST /admin/fixtures with a queue with HTTP ${res.status} and a body ticketbench cannot use (${res.text.slice(0, 80).replace(/\s+/g, ' ')}); does it have the bundled target's waiting queue?`,
    );
  }
  return parsed.data;
}
