/**
 * Scenario `queue-ttl` — a sale opens behind a waiting queue: thousands of users enter at once,
 * are admitted `--capacity` at a time with pass tokens that expire, and a share of them abandon
 * their pass so its slot must come back after the TTL.
 *
 * Exercises: a service's waiting queue, through its profile's queue operations and Redis keys
 * (the bundled target's follows seed 001: Redis ZSET `queue:{scheduleId}`, scheduled advancement,
 * pass TTL and redistribution; seed 003: ZADD NX, top N admitted, token TTL). The schedule is
 * created with the queue's settings; a service started by ticketbench is started with them. `--users` users (default 2,000) enter in one burst; a waiting user needs no VU or
 * connection of its own: each VU serves a shard of the users, polling each one's status with a
 * backoff of half its estimated wait (between one advance interval and 10 s). Once admitted, a
 * user abandons its pass with probability `--abandon` (default 30%: never uses it), or holds its
 * seat with the pass and pays (which gives the pass back early). With probability `--probes`
 * (default 5%), and always for the first 10 admitted users who keep their pass, an admitted user
 * first tries to hold with no pass and with another user's pass: both must be refused. While the load runs, the first VU samples the pass set and the line
 * directly from Redis every half advance interval (`queue-sample` ops, Redis clock).
 *
 * Proves (checks queue-fifo, queue-capacity, queue-redistribution, queue-admission): admission
 * order equals entry order (0 inversions, from the target's log when it keeps one, and from the
 * client's own view);
 * active passes never exceed capacity (samples and log); every abandoned pass stops counting within
 * TTL + one advance interval (+ timer slack) and its slot goes to the next user; every user is
 * admitted at most once, no hold succeeds without the user's valid pass, and the queue and pass
 * keys are consistent at the end. Reports queue wait p50/p95, reclaim delays and the measured
 * admission rate against the configured one.
 */
import { Redis } from 'ioredis';
import { doubleBookingChecker } from '../src/checks/double-booking.ts';
import { historyVsMysqlChecker } from '../src/checks/history-vs-mysql.ts';
import { holdOverlapChecker } from '../src/checks/hold-overlap.ts';
import { kafkaEventsChecker } from '../src/checks/kafka-events.ts';
import { orphanLocksChecker } from '../src/checks/orphan-locks.ts';
import { queueAdmissionChecker } from '../src/checks/queue-admission.ts';
import { queueCapacityChecker } from '../src/checks/queue-capacity.ts';
import { queueFifoChecker } from '../src/checks/queue-fifo.ts';
import { queueRedistributionChecker } from '../src/checks/queue-redistribution.ts';
import { queueClientResults } from '../src/checks/queue-snapshot.ts';
import { normId } from '../src/checks/canonical.ts';
import { duration, positiveInt, share } from '../src/options/values.ts';
import type { VuContext } from '../src/engine/vu.ts';
import { ok } from '../src/engine/vu.ts';
import { TicketbenchError } from '../src/errors.ts';
import { abandonPass } from '../src/scenario/queue-ops.ts';
import type { Fixture } from '../src/profile/setup.ts';
import type { Id, TargetOps } from '../src/profile/target-ops.ts';
import { queueKeysOf } from '../src/profile/database.ts';
import type { QueueScope } from '../src/checks/checker.ts';
import { defineScenario } from '../src/scenario/types.ts';

/** Defaults: the 2,000 users, capacity 100, 30% abandon. */
export const QUEUE_TTL_DEFAULTS = {
  users: 2_000,
  vus: 100,
  capacity: 100,
  /** Short enough that the default run takes well under a minute; long enough to hold and pay. */
  passTtlMs: 2_000,
  advanceMs: 250,
  abandon: 0.3,
  probes: 0.05,
  /**
   * Probes run whatever `--probes` says (the first admitted users who keep their pass probe):
   * without them a gate that accepts any user's pass would pass the run unseen.
   */
  minProbes: 10,
  maxWaitMs: 600_000,
  /** Timer slack on top of one advance interval before an expired pass must be gone. */
  slackMs: 100,
} as const;

const MAX_USERS = 100_000;
const MAX_POLL_MS = 10_000;


/** Resolved options of queue-ttl; durations in ms, shares in [0, 1]. */
export interface QueueTtlOptions extends Record<string, number> {
  readonly users: number;
  readonly capacity: number;
  readonly passTtlMs: number;
  readonly advanceMs: number;
  readonly abandon: number;
  readonly probes: number;
  readonly maxWaitMs: number;
  readonly slackMs: number;
  /** Iterations: each serves the users whose index ≡ its shard (mod shards). */
  readonly shards: number;
}
type Options = QueueTtlOptions;

/** One user as a VU tracks it. */
interface UserState {
  readonly userId: Id;
  readonly seatNo: string;
  readonly abandons: boolean;
  readonly probes: boolean;
  nextPollAt: number;
  giveUpAt: number;
}

/** What setup created, plus what the VUs share while the load runs. */
interface QueueTtlData {
  readonly fixture: Fixture;
  /** The queue's Redis keys, from the profile's `stores.redis.queue`. */
  readonly keys: QueueScope['keys'];
  /** The queue's settings the schedule was created with. */
  readonly settings: { readonly capacity: number; readonly passTtlMs: number; readonly advanceMs: number };
  readonly target: TargetOps;
  readonly redis: Redis;
  /** Next shard an iteration takes (one iteration = one shard of the users). */
  nextShard: number;
  /** Users not finished yet; the sampler stops at 0. */
  remaining: number;
  /** The latest pass seen, to try it as another user's pass. */
  lastPass: { userId: Id; token: string } | undefined;
  /** Admitted users who have probed the gate so far. */
  probesRun: number;
}

export default defineScenario({
  name: 'queue-ttl',
  description: 'Users enter a waiting queue in one burst and are admitted capacity at a time with expiring passes; 30% abandon theirs. Proves FIFO admission, capacity never exceeded, abandoned passes reclaimed within TTL + one advance interval, one admission per user and no hold without a valid pass.',
  defaultVus: QUEUE_TTL_DEFAULTS.vus,
  // queueLeave is used when the profile has it (a user who gives up leaves the line).
  operations: ['queueEnter', 'queueStatus', 'hold', 'pay'],
  // 401/403 are the refusals the probes expect; a 500 means the target broke.
  thresholds: ['http_reqs{status:500}:count==0'],
  flags: [
    { flags: '--users <n>', description: `users entering the queue (default ${QUEUE_TTL_DEFAULTS.users})`, parse: positiveInt({ max: MAX_USERS }) },
    { flags: '--capacity <n>', description: `passes active at once (default ${QUEUE_TTL_DEFAULTS.capacity})`, parse: positiveInt({ max: 100_000 }) },
    { flags: '--pass-ttl <d>', description: 'how long a pass stays valid, e.g. 2s (default 2s)', parse: duration() },
    { flags: '--advance-interval <d>', description: 'how often the queue advances, e.g. 250ms (default 250ms)', parse: duration() },
    { flags: '--abandon <share>', description: 'share of admitted users who never use their pass, e.g. 30% (default 30%)', parse: share() },
    { flags: '--probes <share>', description: 'share of admitted users who first try to hold with no pass and with another user\'s (default 5%)', parse: share() },
    { flags: '--max-wait <d>', description: 'a user leaves the line after waiting this long (default 10m)', parse: duration() },
  ],

  options(flags, { executor }): QueueTtlOptions {
    if (executor.executor !== 'shared-iterations') {
      throw new TicketbenchError('INVALID_OPTION', `queue-ttl runs every user to the end of its wait: use the shared-iterations executor (--vus, --iterations), not ${executor.executor}.`);
    }
    const users = (flags['users'] as number | undefined) ?? QUEUE_TTL_DEFAULTS.users;
    if (executor.iterations > users) throw new TicketbenchError('INVALID_OPTION', `--iterations ${executor.iterations} exceeds --users ${users}: each iteration serves a shard of the users.`);
    const passTtlMs = (flags['passTtl'] as number | undefined) ?? QUEUE_TTL_DEFAULTS.passTtlMs;
    const advanceMs = (flags['advanceInterval'] as number | undefined) ?? QUEUE_TTL_DEFAULTS.advanceMs;
    if (advanceMs < 10) throw new TicketbenchError('INVALID_OPTION', `--advance-interval must be at least 10ms; got ${advanceMs}ms.`);
    if (passTtlMs < 50) throw new TicketbenchError('INVALID_OPTION', `--pass-ttl must be at least 50ms; got ${passTtlMs}ms.`);
    return {
      users,
      capacity: (flags['capacity'] as number | undefined) ?? QUEUE_TTL_DEFAULTS.capacity,
      passTtlMs,
      advanceMs,
      abandon: (flags['abandon'] as number | undefined) ?? QUEUE_TTL_DEFAULTS.abandon,
      probes: (flags['probes'] as number | undefined) ?? QUEUE_TTL_DEFAULTS.probes,
      maxWaitMs: (flags['maxWait'] as number | undefined) ?? QUEUE_TTL_DEFAULTS.maxWaitMs,
      slackMs: QUEUE_TTL_DEFAULTS.slackMs,
      shards: executor.iterations,
    };
  },

  queueSettings: (options) => ({ capacity: options.capacity, passTtlMs: options.passTtlMs, advanceMs: options.advanceMs }),

  async setup({ connections, target, database, createFixture }, options): Promise<QueueTtlData> {
    const spec = target.profile.stores.redis?.queue;
    if (spec === undefined) {
      throw new TicketbenchError('INVALID_OPTION', `Profile "${target.profile.name}" gives no stores.redis.queue: queue-ttl reads the waiting queue from Redis, so it cannot run on this profile.`);
    }
    const settings = { capacity: options.capacity, passTtlMs: options.passTtlMs, advanceMs: options.advanceMs };
    const fixture = await createFixture({ seats: options.users, users: options.users, name: 'queue-ttl', queue: settings });
    const keys: QueueScope['keys'] = queueKeysOf(spec, fixture.scheduleId, database);
    // The sampler reads Redis itself: the checks must not rely on the target's word alone.
    const redis = new Redis(connections.redisUrl, { maxRetriesPerRequest: 2 });
    return { fixture, keys, settings, target, redis, nextShard: 0, remaining: options.users, lastPass: undefined, probesRun: 0 };
  },

  async iteration(vu, data, options) {
    const shard = data.nextShard++;
    const users: UserState[] = [];
    data.fixture.userIds.forEach((userId, i) => {
      if (i % options.shards !== shard) return;
      users.push({ userId, seatNo: data.fixture.seatNos[i]!, abandons: Math.random() < options.abandon, probes: Math.random() < options.probes, nextPollAt: 0, giveUpAt: 0 });
    });
    const work = serveUsers(vu, data, options, users);
    await (shard === 0 ? Promise.all([work, sample(vu, data, options)]) : work);
  },

  scope: (data, options) => ({
    scheduleIds: [data.fixture.scheduleId],
    seatCount: data.fixture.seatNos.length,
    queue: {
      scheduleId: data.fixture.scheduleId,
      userIds: data.fixture.userIds,
      capacity: options.capacity,
      passTtlMs: options.passTtlMs,
      advanceMs: options.advanceMs,
      slackMs: options.slackMs,
      keys: data.keys,
    },
  }),

  // The queue's promises, then the integrity of the holds and payments the admitted users made.
  checkers: () => [
    queueFifoChecker,
    queueCapacityChecker,
    queueRedistributionChecker,
    queueAdmissionChecker,
    doubleBookingChecker,
    holdOverlapChecker,
    historyVsMysqlChecker,
    orphanLocksChecker,
    kafkaEventsChecker,
  ],

  fixture: (data) => ({
    ...(data.fixture.concertId === undefined ? {} : { concertId: data.fixture.concertId }),
    scheduleId: data.fixture.scheduleId,
    users: data.fixture.userIds.length,
    seats: data.fixture.seatNos.length,
    capacity: data.settings.capacity,
    passTtlMs: data.settings.passTtlMs,
    advanceIntervalMs: data.settings.advanceMs,
    waitingKey: data.keys.waiting,
    passKey: data.keys.passes,
  }),

  summarize: (history, _data, options) => queueClientResults(history, options),
});


const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Enters every user of the shard in one burst (polling users already due in between), then polls each until it is served. */
async function serveUsers(vu: VuContext, data: QueueTtlData, options: Options, users: UserState[]): Promise<void> {
  const scheduleId = data.fixture.scheduleId;
  const pending: UserState[] = [];
  let toEnter = 0;
  while (toEnter < users.length || pending.length > 0) {
    let next = -1;
    for (let i = 0; i < pending.length; i++) if (next === -1 || pending[i]!.nextPollAt < pending[next]!.nextPollAt) next = i;
    // The burst first, but a user already due is polled between entries: the first admissions
    // come one advance interval after the sale opens, long before a VU has entered all its users.
    if (toEnter < users.length && (next === -1 || pending[next]!.nextPollAt > Date.now())) {
      const user = users[toEnter++]!;
      const entered = await data.target.enterQueue(vu, { scheduleId, userId: user.userId });
      const now = Date.now();
      user.giveUpAt = now + options.maxWaitMs;
      if (entered.type === 'ok') {
        user.nextPollAt = now + pollDelay(options, Number(entered.result?.['estimatedWaitMs'] ?? options.advanceMs), Number(entered.result?.['position']));
        pending.push(user);
      } else data.remaining -= 1;
      continue;
    }
    const user = pending[next]!;
    await sleep(user.nextPollAt - Date.now());
    const status = await data.target.queueStatus(vu, { scheduleId, userId: user.userId });
    const state = status.result?.['state'];
    const now = Date.now();
    if (status.type === 'ok' && state === 'waiting' && now < user.giveUpAt) {
      user.nextPollAt = now + pollDelay(options, Number(status.result?.['estimatedWaitMs'] ?? options.advanceMs), Number(status.result?.['position']));
      continue;
    }
    if (status.type !== 'ok') {
      // A failed read: try again a little later.
      if (now < user.giveUpAt) {
        user.nextPollAt = now + options.advanceMs;
        continue;
      }
    }
    pending.splice(next, 1);
    data.remaining -= 1;
    const token = status.result?.['passToken'];
    // A service that shows no token (the profile captures none) is sent none: its gate judges the user.
    if (state === 'admitted') await useOrAbandon(vu, data, user, typeof token === 'string' ? token : undefined, Number(status.result?.['passExpiresAt']));
    else if ((state === 'waiting' || status.type !== 'ok') && data.target.has('queueLeave')) await data.target.leaveQueue(vu, { scheduleId, userId: user.userId });
  }
}

/**
 * Half the estimated wait, between one advance interval and MAX_POLL_MS; within two capacities of
 * the front at most a quarter of the pass TTL, so a user sees its pass well before it expires even
 * when the line moves faster than estimated.
 */
function pollDelay(options: Options, estimatedWaitMs: number, position = Infinity): number {
  const ceiling = position <= 2 * options.capacity ? Math.min(MAX_POLL_MS, options.passTtlMs / 4) : MAX_POLL_MS;
  return Math.min(ceiling, Math.max(options.advanceMs, estimatedWaitMs / 2));
}

/** An admitted user: abandons the pass, or (after optional probes) holds its seat with it and pays. */
async function useOrAbandon(vu: VuContext, data: QueueTtlData, user: UserState, token: string | undefined, expiresAt: number): Promise<void> {
  const scheduleId = data.fixture.scheduleId;
  const other = data.lastPass;
  if (token !== undefined) data.lastPass = { userId: user.userId, token };
  if (user.abandons) {
    await abandonPass(vu, { scheduleId, userId: user.userId }, expiresAt);
    return;
  }
  // A probe needs another user's pass to present: the first admitted user has none to borrow.
  if ((user.probes || data.probesRun < QUEUE_TTL_DEFAULTS.minProbes) && other && other.userId !== user.userId) {
    data.probesRun += 1;
    await data.target.hold(vu, { scheduleId, userId: user.userId, seatNo: user.seatNo, pass: 'none' });
    await data.target.hold(vu, { scheduleId, userId: user.userId, seatNo: user.seatNo, pass: 'other', queueToken: other.token });
  }
  const hold = await data.target.hold(vu, { scheduleId, userId: user.userId, seatNo: user.seatNo, pass: 'own', queueToken: token });
  if (hold.type === 'ok') await data.target.pay(vu, hold.result!['reservationId'] as string | number, user.userId);
}

/**
 * Samples the pass set and the line from Redis every half advance interval until every user is
 * served: Redis's clock, the number of active passes, the oldest pass (lowest expiry) and the line's
 * length, in one MULTI so they are one instant. Recorded as `queue-sample` ops.
 */
async function sample(vu: VuContext, data: QueueTtlData, options: Options): Promise<void> {
  const keys = data.keys;
  const everyMs = Math.max(5, Math.floor(options.advanceMs / 2));
  try {
    while (data.remaining > 0) {
      const started = Date.now();
      await vu.op('queue-sample', { scheduleId: data.fixture.scheduleId }, async () => {
        const replies = (await data.redis.multi().time().zcard(keys.passes).zrange(keys.passes, 0, 0, 'WITHSCORES').zcard(keys.waiting).exec()) ?? [];
        const [time, active, oldest, waiting] = replies.map(([err, value]) => {
          if (err) throw err;
          return value;
        }) as [[string, string], number, string[], number];
        const redisMs = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
        return ok({ redisMs, active, waiting, ...(oldest.length === 2 ? { oldestUser: normId(oldest[0]), oldestExpiryMs: Number(oldest[1]) } : {}) });
      });
      await sleep(everyMs - (Date.now() - started));
    }
  } finally {
    data.redis.disconnect();
  }
}
