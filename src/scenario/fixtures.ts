/**
 * Fresh run data through the bundled target's `POST /admin/fixtures`: a concert with one
 * schedule, its seats and its users (each with a points wallet), with new ids every run so runs
 * never collide.
 */
import { z } from 'zod';
import { TicketbenchError } from '../errors.ts';
import type { TargetHttpClient } from '../engine/http-client.ts';

/** What `POST /admin/fixtures` created. */
export interface Fixture {
  readonly concertId: number;
  readonly scheduleId: number;
  readonly seatNos: readonly string[];
  readonly userIds: readonly number[];
  /** Seat price, points (the bundled target answers it; absent from other targets). */
  readonly price?: number | undefined;
  /** Points each user's wallet started with (bundled target). */
  readonly points?: number | undefined;
}

/** What to create. */
export interface FixtureRequest {
  readonly seats: number;
  readonly users: number;
  /** Shown in the concert's name, with the time. */
  readonly name: string;
  /** Seat price, points; the target's default (50,000) when absent. */
  readonly price?: number;
  /** Points every user's wallet starts with; the target's default (1,000,000) when absent. */
  readonly points?: number;
}

const fixtureAnswer = z.object({
  concertId: z.number().int().positive(),
  scheduleId: z.number().int().positive(),
  seatNos: z.array(z.string()).min(1),
  userIds: z.array(z.number().int().positive()).min(1),
  price: z.number().int().optional(),
  points: z.number().int().optional(),
});

/**
 * Creates a concert, schedule, `seats` seats and `users` users (with `price` and `points` when
 * given).
 * @throws TicketbenchError TARGET_BAD_RESPONSE when the target does not answer as the bundled
 *   target does, SETUP_FAILED when it cannot be reached.
 */
export async function createFixture(http: TargetHttpClient, request: FixtureRequest): Promise<Fixture> {
  let res;
  try {
    const body = {
      seats: request.seats,
      users: request.users,
      name: `${request.name} ${new Date().toISOString()}`,
      ...(request.price === undefined ? {} : { price: request.price }),
      ...(request.points === undefined ? {} : { points: request.points }),
    };
    res = await http.request('setup', 'POST', '/admin/fixtures', body);
  } catch (err) {
    throw new TicketbenchError('SETUP_FAILED', `Could not create test data at ${http.baseUrl}: ${(err as Error).message}.`, { cause: err });
  }
  const parsed = res.status === 201 ? fixtureAnswer.safeParse(res.json) : undefined;
  if (!parsed?.success || parsed.data.seatNos.length !== request.seats || parsed.data.userIds.length !== request.users) {
    throw new TicketbenchError(
      'TARGET_BAD_RESPONSE',
      `The target at ${http.baseUrl} answered POST /admin/fixtures with HTTP ${res.status} and a body ticketbench cannot use (${res.text.slice(0, 80).replace(/\s+/g, ' ')}); is it a ticketbench target service?`,
    );
  }
  return parsed.data;
}
