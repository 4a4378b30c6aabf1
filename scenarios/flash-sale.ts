/**
 * Scenario `flash-sale` — many users, far fewer seats, everyone at once.
 *
 * Exercises: the hold path across many seats under a sale's opening burst, users retrying other
 * seats after losing a race, and payment → outbox → Kafka for every sale. Defaults follow the
 * seeds' headline test: 10,000 users and 1,000 seats (seed 003). Each iteration is one user:
 * the user picks a seat (`--pick uniform`: any seat alike; `--pick hot`: 80% of first picks go to
 * the best 20% of seats, Pareto-style), holds it and pays; after a 409 the user picks another
 * seat uniformly ("that one is gone, take anything") up to `--retries` times; SOLD_OUT ends the
 * attempt.
 *
 * Proves: no double booking and no overselling (sold ≤ capacity), the history matches MySQL, no
 * orphan lock, one Kafka event per sale consumed once, and — when demand covers supply — every
 * seat sells exactly once. Reports sell-out time, seats sold, attempts per sale and conflicts.
 */
import { doubleBookingChecker } from '../src/checks/double-booking.ts';
import { historyVsMysqlChecker } from '../src/checks/history-vs-mysql.ts';
import { holdOverlapChecker } from '../src/checks/hold-overlap.ts';
import { kafkaEventsChecker } from '../src/checks/kafka-events.ts';
import { orphanLocksChecker } from '../src/checks/orphan-locks.ts';
import { sellOutChecker } from '../src/checks/sell-out.ts';
import { nonNegativeInt, oneOf, positiveInt } from '../src/options/values.ts';
import { TicketbenchError } from '../src/errors.ts';
import type { Fixture } from '../src/profile/setup.ts';
import type { TargetOps } from '../src/profile/target-ops.ts';
import { reservationResults } from '../src/scenario/reservation-ops.ts';
import { defineScenario } from '../src/scenario/types.ts';

/** Limits of one run's fixture (the bundled target's fixture endpoint accepts up to 100,000 of each). */
const MAX_USERS = 100_000;
const MAX_SEATS = 100_000;
/** The seeds' headline: 10,000 users for 1,000 seats. */
const DEFAULT_USERS = 10_000;
/** Share of first picks that go to the hot seats, and the share of seats that are hot. */
const HOT_PICK_SHARE = 0.8;
const HOT_SEAT_SHARE = 0.2;

/** Fixture plus the shared counter that hands each iteration the next user. */
interface FlashSaleData extends Fixture {
  readonly target: TargetOps;
  readonly nextUser: { value: number };
}

export default defineScenario({
  name: 'flash-sale',
  description: 'Thousands of users race for a limited set of seats, retrying other seats after a 409; proves no overselling, one payment and one Kafka event per sale, and that every seat sells.',
  defaultVus: 200,
  operations: ['hold', 'pay'],
  // As in contention: a 409 is a lost race, but error answers or timeouts above 1% mean the target
  // did not hold up under the sale; latency limits are left to --threshold.
  thresholds: ['errors:rate<0.01'],
  flags: [
    { flags: '--users <n>', description: 'users, one iteration each (default 10000)', parse: positiveInt({ max: MAX_USERS }) },
    { flags: '--seats <n>', description: 'seats on sale (default 1000)', parse: positiveInt({ max: MAX_SEATS }) },
    {
      flags: '--pick <mode>',
      description: 'uniform | hot (80% of first picks on 20% of seats) (default uniform)',
      parse: oneOf(['uniform', 'hot']),
    },
    { flags: '--retries <n>', description: 'other seats a user tries after a 409 (default 3)', parse: nonNegativeInt({ max: 100 }) },
  ],

  defaultIterations: (flags) => (flags['users'] as number | undefined) ?? DEFAULT_USERS,

  options(flags, { executor }) {
    const seats = (flags['seats'] as number | undefined) ?? 1_000;
    const pick = (flags['pick'] as string | undefined) ?? 'uniform';
    const retries = (flags['retries'] as number | undefined) ?? 3;
    const given = flags['users'] as number | undefined;
    if (given !== undefined && executor.executor === 'shared-iterations' && executor.iterations !== given) {
      // Both given and different: one of them would be silently ignored.
      throw new TicketbenchError('INVALID_OPTION', `flash-sale runs one iteration per user: give --users or --iterations, not both with different values (${given} vs ${executor.iterations}).`);
    }
    // With --iterations alone, that many users; with a duration, users are reused round-robin.
    const users = given ?? (executor.executor === 'shared-iterations' ? Math.min(executor.iterations, MAX_USERS) : DEFAULT_USERS);
    return { users, seats, pick, retries };
  },

  async setup({ target, createFixture }, { users, seats }): Promise<FlashSaleData> {
    const fixture = await createFixture({ seats, users, name: 'flash-sale' });
    return { ...fixture, target, nextUser: { value: 0 } };
  },

  async iteration(vu, data, { pick, retries }) {
    const userId = data.userIds[data.nextUser.value++ % data.userIds.length]!;
    const seats = data.seatNos;
    for (let attempt = 0; attempt <= retries; attempt++) {
      const seatNo = seats[attempt === 0 && pick === 'hot' ? hotIndex(seats.length) : uniformIndex(seats.length)]!;
      const hold = await data.target.hold(vu, { scheduleId: data.scheduleId, seatNo, userId });
      if (hold.type === 'ok') {
        await data.target.pay(vu, hold.result!['reservationId'] as string | number, userId);
        return;
      }
      // Only a definite "someone else has it" (the profile's lostRace) is worth another seat; an
      // unknown outcome may be our own hold, and a sold-out answer ends the sale for this user.
      if (hold.type !== 'fail' || hold.result?.['reason'] !== 'lost-race') return;
    }
  },

  scope: (data) => ({ scheduleIds: [data.scheduleId], seatCount: data.seatNos.length }),

  checkers: ({ users, seats }) => [
    doubleBookingChecker,
    holdOverlapChecker,
    historyVsMysqlChecker,
    orphanLocksChecker,
    kafkaEventsChecker,
    // Only when there are at least as many users as seats can every seat be expected to sell.
    ...(users >= seats ? [sellOutChecker] : []),
  ],

  fixture: (data) => ({ ...(data.concertId === undefined ? {} : { concertId: data.concertId }), scheduleId: data.scheduleId, seats: data.seatNos.length, users: data.userIds.length }),

  summarize: (history, data) => reservationResults(history, data.seatNos.length),
});

function uniformIndex(n: number): number {
  return Math.floor(Math.random() * n);
}

/** 80% of picks land on the first 20% of seats (the "best" ones), the rest on the others. */
function hotIndex(n: number): number {
  const hot = Math.max(1, Math.floor(n * HOT_SEAT_SHARE));
  if (Math.random() < HOT_PICK_SHARE || hot === n) return Math.floor(Math.random() * hot);
  return hot + Math.floor(Math.random() * (n - hot));
}
