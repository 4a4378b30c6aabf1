/**
 * Scenario `wallet-race` — many VUs charge and spend the same users' points at once.
 *
 * Exercises: the per-user serialisation of point balances that seed 000 does with a Redisson lock
 * (`userWalletLock:{userId}`) and seed 002 with a pessimistic lock, through the bundled target's
 * wallet strategy (`--wallet-strategy`; `compare` varies it). K users (`--users`, default 10) are
 * each hit by M = VUs / K concurrent VUs (default 200 VUs: 20 per user); VU v works for user
 * ((v − 1) mod K). Each iteration performs `--ops` operations (default 10), each drawn from
 * `--mix` (default charge:50,pay:25,duplicate:15,overdraft:10):
 * - `charge`: add 1..`--max-charge` points under a fresh idempotency key;
 * - `duplicate`: the same charge (same key, same amount) sent twice at once: applied once;
 * - `pay`: hold a fresh seat priced `--price` points, then pay for it (debits the wallet; may
 *   meet too few points: 402, nothing changed);
 * - `overdraft`: hold a fresh seat of a second schedule priced beyond any balance the run can
 *   reach, then pay: must be refused 402 INSUFFICIENT_FUNDS with nothing changed.
 * Between operations each user's balance is sampled (`GET /api/users/:id/wallet`, recorded as
 * `wallet-read`) at most every `--sample-interval` (default 150 ms), by whichever of its VUs comes
 * first.
 *
 * Proves, in the style of Jepsen's bank test: every balance equals the sum of its ledger and is
 * never negative, also while the load runs; every final balance equals initial + acknowledged
 * charges − acknowledged payments (indeterminate operations allowed either way, and every
 * sampled balance lies in the range the history allows at that instant); each idempotency key is
 * applied at most once and every acknowledged operation is in the ledger once; every CONFIRMED
 * reservation has exactly one debit. The unsafe `none` strategy loses updates and must fail.
 */
import { randomUUID } from 'node:crypto';
import { holdOverlapChecker } from '../src/checks/hold-overlap.ts';
import { walletConservationChecker } from '../src/checks/wallet-conservation.ts';
import { walletIdempotencyChecker } from '../src/checks/wallet-idempotency.ts';
import { walletLedgerChecker } from '../src/checks/wallet-ledger.ts';
import { duration, nonNegativeInt, positiveInt } from '../src/options/values.ts';
import { isArrivalRate, maxVus } from '../src/engine/executors/index.ts';
import type { History } from '../src/engine/history.ts';
import type { VuContext } from '../src/engine/vu.ts';
import { TicketbenchError } from '../src/errors.ts';
import type { Fixture } from '../src/profile/setup.ts';
import type { Id, TargetOps } from '../src/profile/target-ops.ts';
import { defineScenario } from '../src/scenario/types.ts';
import { MAX_CHARGE_POINTS } from '../contract/bundled-target.ts';

/** The operations an iteration draws from. */
export const WALLET_OPS = ['charge', 'pay', 'duplicate', 'overdraft'] as const;
/** One of WALLET_OPS. */
export type WalletOp = (typeof WALLET_OPS)[number];

/** Default `--mix`: weights of each operation (any non-negative integers; only ratios matter). */
export const DEFAULT_MIX = 'charge:50,pay:25,duplicate:15,overdraft:10';
/** Default `--users` (K). */
export const DEFAULT_USERS = 10;
/** Default VUs: 20 per user at the default K, the concurrency at which `none` reliably loses updates. */
export const DEFAULT_VUS = 200;
/** Price of an `overdraft` seat, points: beyond any balance a run can reach with the limits below. */
export const OVERDRAFT_PRICE = 2_000_000_000;

const MAX_USERS = 1_000;
const MAX_OPS = 1_000;
const MAX_POINTS = 1_000_000_000;
const MAX_PRICE = 1_000_000;
// Fixture limit of the bundled target; runs that would need more seats reuse none: an exhausted
// schedule makes the extra holds fail with 409 and their payments are skipped.
const MAX_SEATS = 100_000;
// Seats per schedule when the number of operations is not known in advance (duration, arrival rate).
const OPEN_MODEL_SEATS = 20_000;

/** Parses `--mix`: `name:weight` pairs of WALLET_OPS, weights whole numbers, at least one positive. */
export function parseMix(text: string): Record<WalletOp, number> {
  const weights: Record<WalletOp, number> = { charge: 0, pay: 0, duplicate: 0, overdraft: 0 };
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z]+):(\d{1,6})$/.exec(part);
    if (!match || !(WALLET_OPS as readonly string[]).includes(match[1]!)) {
      throw new TicketbenchError('INVALID_OPTION', `--mix entry "${part}" is not name:weight with a name of ${WALLET_OPS.join(', ')}, e.g. ${DEFAULT_MIX}.`);
    }
    weights[match[1] as WalletOp] = Number(match[2]);
  }
  if (Object.values(weights).every((w) => w === 0)) throw new TicketbenchError('INVALID_OPTION', `--mix "${text}" gives no operation a positive weight, e.g. ${DEFAULT_MIX}.`);
  return weights;
}

/** `--mix` as its canonical text, e.g. `charge:50,pay:25,duplicate:15,overdraft:10`. */
function mixText(weights: Record<WalletOp, number>): string {
  return WALLET_OPS.map((op) => `${op}:${weights[op]}`).join(',');
}

/** Draws an operation with probability proportional to its weight. */
export function drawOp(weights: Record<WalletOp, number>, random: () => number = Math.random): WalletOp {
  const total = WALLET_OPS.reduce((s, op) => s + weights[op], 0);
  let x = random() * total;
  for (const op of WALLET_OPS) {
    x -= weights[op];
    if (x < 0) return op;
  }
  return WALLET_OPS.filter((op) => weights[op] > 0).at(-1)!;
}

/** What setup created, plus the shared counters that hand out seats and pace the sampling. */
interface WalletRaceData {
  readonly users: Fixture;
  readonly overdraft: Fixture;
  readonly weights: Record<WalletOp, number>;
  readonly nextSeat: { pay: number; overdraft: number };
  /** When each user's balance was last sampled, epoch ms. */
  readonly lastSampleMs: Map<Id, number>;
  readonly target: TargetOps;
}

export default defineScenario({
  name: 'wallet-race',
  description: 'K users each hit by M concurrent VUs charging points, paying for held seats, resubmitting the same idempotency key and overdrawing; proves, as Jepsen\'s bank test does, that every balance equals its ledger and the history, never goes negative, and that each key is applied once.',
  defaultVus: DEFAULT_VUS,
  operations: ['hold', 'pay', 'charge', 'balance'],
  strategyKind: 'wallet',
  // 402 and 409 are answers this race expects (refused overdrafts, busy wallets), so the error
  // rate says nothing here; a 500 means the target broke.
  thresholds: ['http_reqs{status:500}:count==0'],
  flags: [
    { flags: '--users <n>', description: `users whose wallets are raced, K (default ${DEFAULT_USERS}); each gets VUs / K VUs`, parse: positiveInt({ max: MAX_USERS }) },
    { flags: '--ops <n>', description: 'operations per iteration of a VU (default 10)', parse: positiveInt({ max: MAX_OPS }) },
    {
      flags: '--mix <list>',
      description: `weights of charge, pay, duplicate, overdraft (default ${DEFAULT_MIX})`,
      parse: (text) => mixText(parseMix(text)),
    },
    { flags: '--points <n>', description: 'points every wallet starts with (default 10000)', parse: nonNegativeInt({ max: MAX_POINTS }) },
    { flags: '--price <n>', description: 'price of a seat paid with points (default 1000)', parse: positiveInt({ max: MAX_PRICE }) },
    { flags: '--max-charge <n>', description: 'largest charge, points; charges are uniform in 1..n (default 1000)', parse: positiveInt({ max: MAX_CHARGE_POINTS }) },
    { flags: '--sample-interval <d>', description: 'how often each balance is sampled during the load, e.g. 150ms (default 150ms)', parse: duration() },
  ],

  options(flags, { executor }) {
    const users = (flags['users'] as number | undefined) ?? DEFAULT_USERS;
    const vus = maxVus(executor);
    if (users > vus) {
      const vusFlag = isArrivalRate(executor) ? '--max-vus' : '--vus';
      throw new TicketbenchError('INVALID_OPTION', `--users ${users} exceeds ${vusFlag} ${vus}: every user needs at least one VU.`);
    }
    const ops = (flags['ops'] as number | undefined) ?? 10;
    const points = (flags['points'] as number | undefined) ?? 10_000;
    const maxCharge = (flags['maxCharge'] as number | undefined) ?? 1_000;
    const totalOps = executor.executor === 'shared-iterations' ? executor.iterations * ops : OPEN_MODEL_SEATS;
    if (points + totalOps * maxCharge >= OVERDRAFT_PRICE) {
      throw new TicketbenchError('INVALID_OPTION', `--points ${points} plus ${totalOps} charges of up to --max-charge ${maxCharge} could reach the overdraft price (${OVERDRAFT_PRICE}); lower them.`);
    }
    return {
      users,
      vusPerUser: Math.floor(vus / users),
      ops,
      mix: (flags['mix'] as string | undefined) ?? DEFAULT_MIX,
      points,
      price: (flags['price'] as number | undefined) ?? 1_000,
      maxCharge,
      sampleIntervalMs: (flags['sampleInterval'] as number | undefined) ?? 150,
      seatsPerSchedule: Math.min(MAX_SEATS, totalOps),
    };
  },

  async setup({ target, createFixture }, options): Promise<WalletRaceData> {
    const weights = parseMix(options.mix);
    const seatsFor = (op: WalletOp) => (weights[op] > 0 ? options.seatsPerSchedule : 1);
    const users = await createFixture({ seats: seatsFor('pay'), users: options.users, price: options.price, points: options.points, name: 'wallet-race' });
    // A second schedule whose seats nobody can afford; its one user (no points) never plays.
    const overdraft = await createFixture({ seats: seatsFor('overdraft'), users: 1, price: OVERDRAFT_PRICE, points: 0, name: 'wallet-race overdraft' });
    return { users, overdraft, weights, nextSeat: { pay: 0, overdraft: 0 }, lastSampleMs: new Map(), target };
  },

  async iteration(vu, data, options) {
    const userId = data.users.userIds[(vu.id - 1) % data.users.userIds.length]!;
    for (let i = 0; i < options.ops; i++) {
      await maybeSample(vu, data, userId, options.sampleIntervalMs);
      const op = drawOp(data.weights);
      switch (op) {
        case 'charge':
          await data.target.charge(vu, { userId, amount: chargeAmount(options.maxCharge), idempotencyKey: newKey(userId) });
          break;
        case 'duplicate': {
          const request = { userId, amount: chargeAmount(options.maxCharge), idempotencyKey: newKey(userId) };
          await Promise.all([data.target.charge(vu, request), data.target.charge(vu, request)]);
          break;
        }
        case 'pay':
          await holdAndPay(vu, data.target, data.users, data.nextSeat, 'pay', userId, options.price);
          break;
        case 'overdraft':
          await holdAndPay(vu, data.target, data.overdraft, data.nextSeat, 'overdraft', userId, OVERDRAFT_PRICE);
          break;
      }
    }
  },

  scope: (data, options) => ({
    scheduleIds: [data.users.scheduleId, data.overdraft.scheduleId],
    seatCount: data.users.seatNos.length + data.overdraft.seatNos.length,
    wallets: { userIds: data.users.userIds, initialPoints: options.points },
  }),

  checkers: () => [walletLedgerChecker, walletConservationChecker, walletIdempotencyChecker, holdOverlapChecker],

  fixture: (data) => ({
    ...(data.users.concertId === undefined ? {} : { concertId: data.users.concertId }),
    scheduleId: data.users.scheduleId,
    overdraftScheduleId: data.overdraft.scheduleId,
    users: data.users.userIds.length,
    seats: data.users.seatNos.length,
    overdraftSeats: data.overdraft.seatNos.length,
  }),

  summarize: (history) => walletRaceResults(history),
});

function newKey(userId: Id): string {
  return `u${userId}-${randomUUID()}`;
}

function chargeAmount(maxCharge: number): number {
  return 1 + Math.floor(Math.random() * maxCharge);
}

/** Reads the user's balance when nobody has for `intervalMs`; the claim is synchronous, so one VU takes each slot. */
async function maybeSample(vu: VuContext, data: WalletRaceData, userId: Id, intervalMs: number): Promise<void> {
  const now = Date.now();
  if (now - (data.lastSampleMs.get(userId) ?? 0) < intervalMs) return;
  data.lastSampleMs.set(userId, now);
  await data.target.readWallet(vu, userId);
}

/** Holds the next unused seat of `fixture` and, when held, pays for it with the user's points. */
async function holdAndPay(vu: VuContext, target: TargetOps, fixture: Fixture, next: WalletRaceData['nextSeat'], counter: 'pay' | 'overdraft', userId: Id, price: number): Promise<void> {
  const index = next[counter]++;
  // Out of seats (a long open-model run): nothing left to pay for.
  if (index >= fixture.seatNos.length) return;
  const hold = await target.hold(vu, { scheduleId: fixture.scheduleId, seatNo: fixture.seatNos[index]!, userId });
  if (hold.type === 'ok') await target.pay(vu, hold.result!['reservationId'] as Id, userId, { amount: price });
}

/**
 * Figures of a wallet race from its history: charges applied and replayed, payments made,
 * refused for insufficient funds (overdrafts among them), refused as busy or conflicting
 * (409 WALLET_BUSY / WALLET_CONFLICT / WALLET_LOCK_LOST), indeterminate operations, and balances
 * sampled.
 */
export function walletRaceResults(history: History): Record<string, number> {
  const charges = history.byF('charge');
  const pays = history.byF('pay');
  const count = (ops: typeof charges, test: (op: (typeof charges)[number]) => boolean) => ops.filter(test).length;
  const insufficient = (op: (typeof pays)[number]) => op.type === 'fail' && op.result['reason'] === 'insufficient-funds';
  return {
    chargesApplied: count(charges, (op) => op.type === 'ok' && op.result['applied'] === true),
    chargeReplays: count(charges, (op) => op.type === 'ok' && op.result['applied'] === false),
    chargesRefused: count(charges, (op) => op.type === 'fail'),
    paysOk: count(pays, (op) => op.type === 'ok'),
    insufficientFunds: count(pays, insufficient),
    overdraftsRefused: count(pays, (op) => insufficient(op) && Number(op.value['amount']) === OVERDRAFT_PRICE),
    overdraftsPaid: count(pays, (op) => op.type === 'ok' && Number(op.value['amount']) === OVERDRAFT_PRICE),
    walletConflicts: count([...charges, ...pays], (op) => op.type === 'fail' && String(op.result['code'] ?? '').startsWith('WALLET_')),
    indeterminate: count([...charges, ...pays], (op) => op.type === 'info'),
    samples: count(history.byF('wallet-read'), (op) => op.type === 'ok'),
  };
}
