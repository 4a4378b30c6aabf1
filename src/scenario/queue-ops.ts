/**
 * The waiting-queue operations a queue scenario performs against the bundled target's API,
 * recorded in the history with the shapes the queue checks read (src/checks/queue-snapshot.ts):
 * - `queue-enter` {scheduleId, userId} → {state, position, entered};
 * - `queue-status` {scheduleId, userId} → {state, position?, estimatedWaitMs?, passToken?, passExpiresAt?};
 * - `queue-leave` {scheduleId, userId} → {left, released};
 * - `hold` {scheduleId, seatNo, userId, pass: 'own' | 'none' | 'other'} → {reservationId} (the
 *   pass token travels in the body field `queuePass`);
 * - `queue-abandon` {scheduleId, userId}: the client decided never to use its pass (no request).
 */
import { z } from 'zod';
import type { TargetHttpClient } from '../engine/http-client.ts';
import { classifyUnexpected, fail, ok, type OpResult, type VuContext } from '../engine/vu.ts';
import { TicketbenchError } from '../errors.ts';

const statusAnswer = z.object({
  state: z.enum(['waiting', 'admitted', 'done', 'absent']),
  position: z.number().int().optional(),
  estimatedWaitMs: z.number().optional(),
  passToken: z.string().optional(),
  passExpiresAt: z.number().optional(),
  entered: z.boolean().optional(),
});
const holdAnswer = z.object({ reservationId: z.number().int().positive() });

/** What a queue request is about. */
export interface QueueUser {
  readonly scheduleId: number;
  readonly userId: number;
}

/** The status fields recorded in the history (flat, as history results must be). */
function statusFields(body: z.output<typeof statusAnswer>, status: number): Record<string, string | number | boolean> {
  return {
    status,
    state: body.state,
    ...(body.position === undefined ? {} : { position: body.position }),
    ...(body.estimatedWaitMs === undefined ? {} : { estimatedWaitMs: body.estimatedWaitMs }),
    ...(body.passToken === undefined ? {} : { passToken: body.passToken }),
    ...(body.passExpiresAt === undefined ? {} : { passExpiresAt: body.passExpiresAt }),
    ...(body.entered === undefined ? {} : { entered: body.entered }),
  };
}

/**
 * `POST /api/schedules/:id/queue`, recorded as `queue-enter`. 201 (entered now) and 200 (already
 * in: first place kept) are `ok`; 4xx is `fail`; anything else `info` (the entry may have
 * happened).
 */
export function enterQueue(vu: VuContext, user: QueueUser): Promise<OpResult> {
  return vu.op('queue-enter', { scheduleId: user.scheduleId, userId: user.userId }, async () => {
    const res = await vu.http.request('queue-enter', 'POST', `/api/schedules/${user.scheduleId}/queue`, { userId: user.userId });
    if (res.status !== 201 && res.status !== 200) return classifyUnexpected(res);
    const body = statusAnswer.safeParse(res.json);
    if (!body.success) return { type: 'info', error: `${res.status} without a queue state: ${res.text.slice(0, 120)}` };
    return ok(statusFields(body.data, res.status));
  });
}

/**
 * `GET /api/schedules/:id/queue/status?userId=`, recorded as `queue-status`. A read: an
 * unreadable answer is `fail`, never `info`.
 */
export function queueStatus(vu: VuContext, user: QueueUser): Promise<OpResult> {
  return vu.op('queue-status', { scheduleId: user.scheduleId, userId: user.userId }, async () => {
    const res = await vu.http.request('queue-status', 'GET', `/api/schedules/${user.scheduleId}/queue/status?userId=${user.userId}`);
    if (res.status !== 200) return classifyUnexpected(res);
    const body = statusAnswer.safeParse(res.json);
    return body.success ? ok(statusFields(body.data, res.status)) : fail({ status: res.status }, `unreadable queue status: ${res.text.slice(0, 120)}`);
  });
}

/** `POST /api/schedules/:id/queue/leave`, recorded as `queue-leave`. */
export function leaveQueue(vu: VuContext, user: QueueUser): Promise<OpResult> {
  return vu.op('queue-leave', { scheduleId: user.scheduleId, userId: user.userId }, async () => {
    const res = await vu.http.request('queue-leave', 'POST', `/api/schedules/${user.scheduleId}/queue/leave`, { userId: user.userId });
    if (res.status !== 200) return classifyUnexpected(res);
    const body = res.json as { left?: unknown; released?: unknown } | undefined;
    return ok({ left: body?.left === true, released: body?.released === true });
  });
}

/** Whose pass a hold presents: the user's own, none, or another user's. */
export type PassKind = 'own' | 'none' | 'other';

/**
 * `POST /api/reservations` with a pass token (or none), recorded as `hold` with `pass` saying
 * whose. 201 is `ok` ({reservationId}); 401/403/409 are `fail` with the error code; anything else
 * `info`.
 */
export function holdWithPass(vu: VuContext, request: QueueUser & { seatNo: string; pass: PassKind; token?: string }): Promise<OpResult> {
  const value = { scheduleId: request.scheduleId, seatNo: request.seatNo, userId: request.userId, pass: request.pass };
  return vu.op('hold', value, async () => {
    const body = { scheduleId: request.scheduleId, seatNo: request.seatNo, userId: request.userId, ...(request.token === undefined ? {} : { queuePass: request.token }) };
    const res = await vu.http.request('hold', 'POST', '/api/reservations', body);
    if (res.status !== 201) return classifyUnexpected(res);
    const answer = holdAnswer.safeParse(res.json);
    if (!answer.success) return { type: 'info', error: `201 without a reservationId: ${res.text.slice(0, 120)}` };
    return ok({ reservationId: answer.data.reservationId, status: 201 });
  });
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
