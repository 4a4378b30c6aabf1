/**
 * Scenario `seat-query` — the read path of a sale's opening: most traffic reads, a few buy.
 *
 * Exercises: the read endpoints (the profile's seatMap, and its scheduleList and concertList when
 * it has them, else more seat maps) under many VUs (default 200) aimed at a few hot schedules, with
 * and without the bundled target's Redis read cache (`compare seat-query --vary cache=off,on`),
 * while a small writer share of the iterations (default 5%) holds and pays seats — each write
 * invalidating cached reads.
 * Seed 000 reports seat-query TPS 100 → 1,500 and DB queries −94% with a Redis cache.
 *
 * Data: setup creates its own `--hot-schedules` schedules (`--seats` seats, a few users each)
 * through the profile's setup, in whatever database the target uses — so on a database
 * filled by `ticketbench seed` the hot schedules sit in a large seats table, and reads are index
 * scans among millions of rows. Writers take each hot schedule's seats in order (a shared cursor),
 * so they rarely collide and sales spread over the run.
 *
 * Proves: no read shows a seat as AVAILABLE longer than the cache TTL (the profile's
 * `timings.cacheTtlMs`) + 250 ms after its sale was confirmed (`seat-staleness`, worst staleness reported), and the writers' integrity as in
 * contention: no double booking, the history matches MySQL, no orphan lock, one Kafka event per sale.
 */
import { doubleBookingChecker } from '../src/checks/double-booking.ts';
import { historyVsMysqlChecker } from '../src/checks/history-vs-mysql.ts';
import { holdOverlapChecker } from '../src/checks/hold-overlap.ts';
import { kafkaEventsChecker } from '../src/checks/kafka-events.ts';
import { orphanLocksChecker } from '../src/checks/orphan-locks.ts';
import { seatStalenessChecker } from '../src/checks/seat-staleness.ts';
import type { History } from '../src/engine/history.ts';
import { percent, positiveInt } from '../src/options/values.ts';
import { TicketbenchError } from '../src/errors.ts';
import type { Fixture } from '../src/profile/setup.ts';
import type { TargetOps } from '../src/profile/target-ops.ts';
import { reservationResults } from '../src/scenario/reservation-ops.ts';
import { defineScenario } from '../src/scenario/types.ts';

/** Slack on top of the cache TTL the staleness check allows, ms. */
export const STALENESS_BOUND_MS = 250;
/** Iterations of the default `shared-iterations` run: 50 per default VU. */
const DEFAULT_ITERATIONS = 10_000;
const MAX_HOT = 50;
const MAX_SEATS = 20_000;
/** Users per hot schedule: writers are few, each buys a handful of cheap seats. */
const USERS_PER_SCHEDULE = 50;
/** Seat price, points: the fixture's 1,000,000 points then pay for thousands of seats. */
const PRICE = 100;
/** Of reader iterations: seat map reads; the rest split between schedule lists and concert pages. */
const SEAT_MAP_SHARE = 0.8;

/** The hot schedules and the writers' seat cursors. */
interface SeatQueryData {
  readonly hot: readonly Fixture[];
  /** Per hot schedule, the next seat index a writer takes. */
  readonly cursors: number[];
  readonly target: TargetOps;
}

export default defineScenario({
  name: 'seat-query',
  description: 'Many VUs read seat maps of a few hot schedules (plus schedule lists and concert pages) while 5% of iterations hold and pay seats; proves no read shows a sold seat as available beyond the cache TTL, and the writers never double-book.',
  defaultVus: 200,
  operations: ['hold', 'pay', 'seatMap'],
  thresholds: ['errors:rate<0.01'],
  flags: [
    { flags: '--hot-schedules <n>', description: 'hot schedules the readers share (default 4)', parse: positiveInt({ max: MAX_HOT }) },
    { flags: '--seats <n>', description: 'seats of each hot schedule (default 1000)', parse: positiveInt({ max: MAX_SEATS }) },
    { flags: '--write-share <pct>', description: 'percent of iterations that hold and pay a seat, 0-100 (default 5)', parse: percent() },
  ],

  defaultIterations: () => DEFAULT_ITERATIONS,

  options(flags) {
    return {
      hotSchedules: (flags['hotSchedules'] as number | undefined) ?? 4,
      seats: (flags['seats'] as number | undefined) ?? 1_000,
      writeShare: (flags['writeShare'] as number | undefined) ?? 5,
    };
  },

  async setup({ target, createFixture }, { hotSchedules, seats }): Promise<SeatQueryData> {
    const hot: Fixture[] = [];
    for (let i = 0; i < hotSchedules; i++) {
      hot.push(await createFixture({ seats, users: USERS_PER_SCHEDULE, name: `seat-query hot ${i + 1}`, price: PRICE }));
    }
    return { hot, cursors: hot.map(() => 0), target };
  },

  async iteration(vu, data, { writeShare }) {
    const h = Math.floor(Math.random() * data.hot.length);
    const fixture = data.hot[h]!;
    if (Math.random() * 100 < writeShare) {
      const index = data.cursors[h]!++;
      // Sold out: the writer reads instead, so the mix of requests stays the same.
      if (index < fixture.seatNos.length) {
        const userId = fixture.userIds[Math.floor(Math.random() * fixture.userIds.length)]!;
        const hold = await data.target.hold(vu, { scheduleId: fixture.scheduleId, seatNo: fixture.seatNos[index]!, userId });
        if (hold.type === 'ok') await data.target.pay(vu, hold.result!['reservationId'] as string | number, userId);
        return;
      }
    }
    const pick = Math.random();
    const target = data.target;
    // A service without the list reads reads more seat maps: the share of reads stays the same.
    if (pick >= SEAT_MAP_SHARE && pick < (1 + SEAT_MAP_SHARE) / 2 && target.has('scheduleList')) await target.scheduleList(vu, fixture.scheduleId, fixture.concertId);
    else if (pick >= (1 + SEAT_MAP_SHARE) / 2 && target.has('concertList')) await target.concertList(vu);
    else await target.seatMap(vu, fixture.scheduleId, fixture.seatNos.length);
  },

  scope: (data) => ({ scheduleIds: data.hot.map((f) => f.scheduleId), seatCount: data.hot.reduce((n, f) => n + f.seatNos.length, 0) }),

  checkers: (_options, settings) => [
    seatStalenessChecker({ ttlMs: settings.target?.cacheTtlMs ?? 0, boundMs: STALENESS_BOUND_MS }),
    doubleBookingChecker,
    holdOverlapChecker,
    historyVsMysqlChecker,
    orphanLocksChecker,
    kafkaEventsChecker,
  ],

  fixture: (data) => ({
    hotSchedules: data.hot.length,
    scheduleIds: data.hot.map((f) => f.scheduleId).join(','),
    seatsPerSchedule: data.hot[0]?.seatNos.length ?? 0,
  }),

  summarize: (history, data) => ({ ...readResults(history), ...reservationResults(history, data.hot.reduce((n, f) => n + f.seatNos.length, 0)) }),
});

/** Reads per kind and how many seat reads were answered. */
function readResults(history: History): Record<string, number> {
  const okCount = (f: string) => history.byF(f).filter((op) => op.type === 'ok').length;
  return { seatReads: okCount('seats'), scheduleReads: okCount('schedules'), concertReads: okCount('concerts') };
}

