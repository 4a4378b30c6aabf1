/**
 * Scenario `hold-expiry` — unpaid holds run out and free their seats, which are held again.
 *
 * Exercises: the bundled target's hold expiry (seed 001/003: a hold lasts a fixed time, a sweep
 * sets overdue HELD reservations EXPIRED and their seats AVAILABLE), which no other scenario lets
 * happen. The target runs with a short hold time (3 s unless `--hold-ttl` says otherwise).
 * `--seats` seats (default 50) and twice as many users: user i < seats holds seat i at once; a
 * share `--abandon` (default 30%) of them never pay, and half of those come back to pay just after
 * their hold's time was up (the target must refuse: `pay` fail); the others pay at a random time
 * within the first 60% of the hold time. User seats + i is a late user for seat i: from half the
 * hold time on it keeps trying to hold that seat every 200 ms, and pays as soon as it gets it,
 * until hold time + one sweep interval + slack + 2 s, so every abandoned seat is held again.
 *
 * Proves: every abandoned hold expired no earlier than its time and within hold time + sweep
 * interval + slack, and its seat was held again (`expiry-on-time`, with the expiry delay p50 /
 * p95 / max); no paid reservation ever expired (`paid-never-expired`); no payment was accepted
 * after its hold's time (`no-pay-after-expiry`); and, as everywhere, no double booking, no two
 * holds of one seat at once, history = MySQL, no orphan lock, one Kafka event per sale.
 */
import { doubleBookingChecker } from '../src/checks/double-booking.ts';
import { expiryOnTimeChecker, noPayAfterExpiryChecker, paidNeverExpiredChecker } from '../src/checks/hold-expiry.ts';
import { historyVsMysqlChecker } from '../src/checks/history-vs-mysql.ts';
import { holdOverlapChecker } from '../src/checks/hold-overlap.ts';
import { kafkaEventsChecker } from '../src/checks/kafka-events.ts';
import { orphanLocksChecker } from '../src/checks/orphan-locks.ts';
import { positiveInt, share } from '../src/options/values.ts';
import type { VuContext } from '../src/engine/vu.ts';
import { TicketbenchError } from '../src/errors.ts';
import type { Fixture } from '../src/profile/setup.ts';
import type { Id, TargetOps } from '../src/profile/target-ops.ts';
import { reservationResults } from '../src/scenario/reservation-ops.ts';
import { defineScenario } from '../src/scenario/types.ts';
import { BUNDLED_TARGET_SETTINGS } from '../src/target/launch.ts';

/** Defaults; the hold time is the bundled target's for this scenario unless `--hold-ttl` is given. */
export const HOLD_EXPIRY_DEFAULTS = {
  seats: 50,
  holdTtlMs: 3_000,
  abandon: 0.3,
  /** Share of the abandoners who come back to pay once their hold's time is up. */
  returners: 0.5,
  /** Timer slack on top of one sweep interval before an overdue hold must be expired, ms. */
  slackMs: 1_000,
  /** A returner pays this long after its hold's time was up, ms. */
  returnAfterMs: 250,
  /** A late user retries its seat this often, ms. */
  retryEveryMs: 200,
  /** Late users keep trying this long past the expiry bound, ms. */
  retryMarginMs: 2_000,
} as const;

const MAX_SEATS = 5_000;
/** Longer holds would make the run take minutes: the scenario waits for them to run out. */
const MAX_HOLD_TTL_MS = 60_000;

/** Resolved options of hold-expiry; durations in ms, shares in [0, 1]. */
export interface HoldExpiryOptions extends Record<string, number> {
  readonly seats: number;
  readonly users: number;
  readonly abandon: number;
  readonly holdTtlMs: number;
  readonly expirySweepMs: number;
  readonly slackMs: number;
}

interface HoldExpiryData extends Fixture {
  readonly target: TargetOps;
  /** Hands each iteration its user, in order. */
  nextUser: number;
  /** When the first iteration started (Date.now()): late users' and payers' times count from it. */
  startedAt: number | undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export default defineScenario({
  name: 'hold-expiry',
  description: 'Users hold seats, some never pay and some pay too late, late users keep trying the same seats; proves unpaid holds expire on time and free their seats, paid ones never expire, and no payment is accepted after its hold ran out.',
  defaultVus: HOLD_EXPIRY_DEFAULTS.seats * 2,
  operations: ['hold', 'pay'],
  targetDefaults: { holdTtlMs: HOLD_EXPIRY_DEFAULTS.holdTtlMs },
  thresholds: ['errors:rate<0.01'],
  flags: [
    { flags: '--seats <n>', description: `seats; twice as many users (default ${HOLD_EXPIRY_DEFAULTS.seats})`, parse: positiveInt({ max: MAX_SEATS }) },
    { flags: '--abandon <share>', description: 'share of the first holders who never pay in time, e.g. 30% (default 30%)', parse: share() },
  ],

  defaultIterations: (flags) => 2 * ((flags['seats'] as number | undefined) ?? HOLD_EXPIRY_DEFAULTS.seats),

  options(flags, { executor, target }): HoldExpiryOptions {
    const seats = (flags['seats'] as number | undefined) ?? HOLD_EXPIRY_DEFAULTS.seats;
    if (executor.executor !== 'shared-iterations' || executor.iterations !== 2 * seats) {
      throw new TicketbenchError('INVALID_OPTION', `hold-expiry runs one iteration per user, two users per seat: use --vus (and --seats), not --iterations, --duration or an arrival-rate executor.`);
    }
    const holdTtlMs = target?.holdTtlMs ?? HOLD_EXPIRY_DEFAULTS.holdTtlMs;
    if (holdTtlMs > MAX_HOLD_TTL_MS) {
      throw new TicketbenchError('INVALID_OPTION', `hold-expiry waits for holds to run out: give a hold time of at most ${MAX_HOLD_TTL_MS / 1000}s with --hold-ttl, got ${holdTtlMs} ms.`);
    }
    return {
      seats,
      users: 2 * seats,
      abandon: (flags['abandon'] as number | undefined) ?? HOLD_EXPIRY_DEFAULTS.abandon,
      holdTtlMs,
      expirySweepMs: target?.expirySweepMs ?? BUNDLED_TARGET_SETTINGS.expirySweepMs,
      slackMs: HOLD_EXPIRY_DEFAULTS.slackMs,
    };
  },

  async setup({ target, createFixture }, { seats, users }): Promise<HoldExpiryData> {
    const fixture = await createFixture({ seats, users, name: 'hold-expiry' });
    return { ...fixture, target, nextUser: 0, startedAt: undefined };
  },

  async iteration(vu, data, options) {
    const index = data.nextUser++;
    data.startedAt ??= Date.now();
    const userId = data.userIds[index]!;
    if (index < options.seats) await firstHolder(vu, data, options, userId, data.seatNos[index]!);
    else await lateUser(vu, data, options, userId, data.seatNos[index - options.seats]!);
  },

  scope: (data) => ({ scheduleIds: [data.scheduleId], seatCount: data.seatNos.length }),

  checkers: ({ slackMs }) => [
    expiryOnTimeChecker({ slackMs, expectReheld: true }),
    paidNeverExpiredChecker,
    noPayAfterExpiryChecker,
    doubleBookingChecker,
    holdOverlapChecker,
    historyVsMysqlChecker,
    orphanLocksChecker,
    kafkaEventsChecker,
  ],

  fixture: (data) => ({ ...(data.concertId === undefined ? {} : { concertId: data.concertId }), scheduleId: data.scheduleId, seats: data.seatNos.length, users: data.userIds.length }),

  summarize: (history, data) => {
    const pays = history.byF('pay');
    return { ...reservationResults(history, data.seatNos.length), paysRefused: pays.filter((op) => op.type === 'fail').length };
  },
});

/** Holds its seat, then pays in time, never pays, or pays just after the hold ran out. */
async function firstHolder(vu: VuContext, data: HoldExpiryData, options: HoldExpiryOptions, userId: Id, seatNo: string): Promise<void> {
  const hold = await data.target.hold(vu, { scheduleId: data.scheduleId, seatNo, userId });
  if (hold.type !== 'ok') return;
  const heldAt = Date.now();
  const reservationId = hold.result!['reservationId'] as Id;
  if (Math.random() < options.abandon) {
    if (Math.random() >= HOLD_EXPIRY_DEFAULTS.returners) return;
    // Too late on purpose: the target must refuse.
    await sleep(heldAt + options.holdTtlMs + HOLD_EXPIRY_DEFAULTS.returnAfterMs - Date.now());
    await data.target.pay(vu, reservationId, userId);
    return;
  }
  await sleep(options.holdTtlMs * (0.1 + 0.5 * Math.random()) - (Date.now() - heldAt));
  await data.target.pay(vu, reservationId, userId);
}

/** Keeps trying the seat from half the hold time on until the expiry bound has long passed; pays once it holds it. */
async function lateUser(vu: VuContext, data: HoldExpiryData, options: HoldExpiryOptions, userId: Id, seatNo: string): Promise<void> {
  const start = data.startedAt ?? Date.now();
  const deadline = start + options.holdTtlMs + options.expirySweepMs + options.slackMs + HOLD_EXPIRY_DEFAULTS.retryMarginMs;
  await sleep(start + options.holdTtlMs / 2 - Date.now());
  while (Date.now() < deadline) {
    const hold = await data.target.hold(vu, { scheduleId: data.scheduleId, seatNo, userId });
    if (hold.type === 'ok') {
      await data.target.pay(vu, hold.result!['reservationId'] as Id, userId);
      return;
    }
    // Only "someone has it" (the profile's lostRace or soldOut) is worth another try: the holder
    // may let it expire. Anything else ends this user's attempts.
    if (hold.type !== 'fail' || (hold.result?.['reason'] !== 'lost-race' && hold.result?.['reason'] !== 'sold-out')) return;
    await sleep(HOLD_EXPIRY_DEFAULTS.retryEveryMs);
  }
}
