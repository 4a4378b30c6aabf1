/**
 * Scenario `contention` — many VUs race for the same seat(s).
 *
 * Exercises: the seat hold path under maximal contention (Redis lock + DB guard in the bundled
 * target) and the payment → outbox → Kafka → idempotent consumer path for the winners.
 * Each VU is one user; VU v always targets seat ((v − 1) mod seats), so every seat is contested by
 * about vus / seats users. An iteration holds the seat and, if the hold succeeded, pays.
 * Defaults follow seed 001's k6 contention test: 80 users, 1 seat → 1 success, 79 conflicts.
 *
 * Proves: no double booking or overselling (MySQL), the client history matches MySQL, no orphan
 * seat lock (Redis), exactly one event per confirmed reservation consumed once (Kafka), and every
 * seat sold exactly once.
 */
import { doubleBookingChecker } from '../src/checks/double-booking.ts';
import { historyVsMysqlChecker } from '../src/checks/history-vs-mysql.ts';
import { holdOverlapChecker } from '../src/checks/hold-overlap.ts';
import { kafkaEventsChecker } from '../src/checks/kafka-events.ts';
import { orphanLocksChecker } from '../src/checks/orphan-locks.ts';
import { sellOutChecker } from '../src/checks/sell-out.ts';
import { positiveInt } from '../src/options/values.ts';
import { isArrivalRate, maxVus } from '../src/engine/executors/index.ts';
import { TicketbenchError } from '../src/errors.ts';
import { defineScenario } from '../src/scenario/types.ts';
import type { Fixture } from '../src/profile/setup.ts';
import type { TargetOps } from '../src/profile/target-ops.ts';
import { reservationResults } from '../src/scenario/reservation-ops.ts';

/** Most seats one contention run may create. */
const MAX_SEATS = 10_000;

export default defineScenario({
  name: 'contention',
  description: 'Many VUs race to hold and pay for the same seat(s); proves each seat is sold exactly once, with one Kafka event, and no lock left behind.',
  defaultVus: 80,
  operations: ['hold', 'pay'],
  // Speed is the CLI's call (this 2-core machine's default p95 is ~100 ms); an error answer (not a
  // 409, which is the expected lost race) means the target broke under contention.
  thresholds: ['errors:rate<0.01'],
  flags: [{ flags: '--seats <n>', description: 'seats contested; VUs are spread over them (default 1)', parse: positiveInt({ max: MAX_SEATS }) }],

  options(flags, { executor }) {
    const seats = (flags['seats'] as number | undefined) ?? 1;
    // In an open model each of the maxVUs VUs that may be allocated is a user.
    const vus = maxVus(executor);
    if (seats > vus) {
      const vusFlag = isArrivalRate(executor) ? '--max-vus' : '--vus';
      throw new TicketbenchError('INVALID_OPTION', `--seats ${seats} exceeds ${vusFlag} ${vus}: every seat needs at least one VU racing for it.`);
    }
    if (executor.executor === 'shared-iterations' && executor.iterations < seats) {
      throw new TicketbenchError('INVALID_OPTION', `--iterations ${executor.iterations} is below --seats ${seats}: every seat needs at least one attempt.`);
    }
    return { seats, users: vus };
  },

  async setup({ target, createFixture }, { seats, users }): Promise<Fixture & { target: TargetOps }> {
    return { ...(await createFixture({ seats, users, name: 'contention' })), target };
  },

  async iteration(vu, data) {
    const userId = data.userIds[(vu.id - 1) % data.userIds.length]!;
    const seatNo = data.seatNos[(vu.id - 1) % data.seatNos.length]!;
    const hold = await data.target.hold(vu, { scheduleId: data.scheduleId, seatNo, userId });
    if (hold.type === 'ok') await data.target.pay(vu, hold.result!['reservationId'] as string | number, userId);
  },

  scope: (data) => ({ scheduleIds: [data.scheduleId], seatCount: data.seatNos.length }),

  checkers: () => [doubleBookingChecker, holdOverlapChecker, historyVsMysqlChecker, orphanLocksChecker, kafkaEventsChecker, sellOutChecker],

  fixture: (data) => ({ ...(data.concertId === undefined ? {} : { concertId: data.concertId }), scheduleId: data.scheduleId, seats: data.seatNos.length, users: data.userIds.length }),

  summarize: (history, data) => reservationResults(history, data.seatNos.length),
});
