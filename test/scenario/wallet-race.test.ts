// wallet-race's pure parts: the --mix parser, the weighted draw, the options it derives from the
// flags and the executor, and the figures it reports from a hand-written history.
import { describe, expect, it } from 'vitest';
import { executorFromFlags } from '../../src/options/executor-flags.ts';
import { History } from '../../src/engine/history.ts';
import { TicketbenchError } from '../../src/errors.ts';
import walletRace, { DEFAULT_MIX, drawOp, OVERDRAFT_PRICE, parseMix, walletRaceResults } from '../../scenarios/wallet-race.ts';

const settings = (flags: { vus?: number; iterations?: number; durationMs?: number } = {}) => ({ executor: executorFromFlags(flags, { vus: walletRace.defaultVus }) });

describe('--mix', () => {
  it('parses name:weight pairs, missing names weigh 0', () => {
    expect(parseMix(DEFAULT_MIX)).toEqual({ charge: 50, pay: 25, duplicate: 15, overdraft: 10 });
    expect(parseMix(' pay:1 ')).toEqual({ charge: 0, pay: 1, duplicate: 0, overdraft: 0 });
  });

  it.each(['charge', 'charge:-1', 'charge:1.5', 'refund:3', 'charge:0,pay:0'])('refuses %j with a sentence', (text) => {
    expect(() => parseMix(text)).toThrow(TicketbenchError);
  });

  it('draws in proportion to the weights and never an operation of weight 0', () => {
    const weights = parseMix('charge:3,pay:1');
    expect(drawOp(weights, () => 0)).toBe('charge');
    expect(drawOp(weights, () => 0.74)).toBe('charge');
    expect(drawOp(weights, () => 0.76)).toBe('pay');
    expect(drawOp(weights, () => 0.999999)).toBe('pay');
    const counts = { charge: 0, pay: 0, duplicate: 0, overdraft: 0 };
    for (let i = 0; i < 4_000; i++) counts[drawOp(weights)] += 1;
    expect(counts.duplicate + counts.overdraft).toBe(0);
    expect(counts.charge / 4_000).toBeGreaterThan(0.7);
    expect(counts.charge / 4_000).toBeLessThan(0.8);
  });
});

describe('wallet-race options', () => {
  it('defaults to 10 users × 20 VUs, 10 operations each, one seat per possible payment', () => {
    expect(walletRace.strategyKind).toBe('wallet');
    expect(walletRace.options({}, settings())).toEqual({
      users: 10,
      vusPerUser: 20,
      ops: 10,
      mix: DEFAULT_MIX,
      points: 10_000,
      price: 1_000,
      maxCharge: 1_000,
      sampleIntervalMs: 150,
      seatsPerSchedule: 2_000,
    });
  });

  it('refuses more users than VUs and a run whose charges could afford an overdraft', () => {
    expect(() => walletRace.options({ users: 11 }, settings({ vus: 10 }))).toThrow(/--users 11 exceeds --vus 10/);
    expect(() => walletRace.options({ maxCharge: 10_000_000 }, settings({ iterations: 1_000 }))).toThrow(/could reach the overdraft price/);
  });

  it('sizes the schedules for a duration run without knowing its operations', () => {
    expect(walletRace.options({}, settings({ vus: 20, durationMs: 5_000 }))).toMatchObject({ users: 10, vusPerUser: 2, seatsPerSchedule: 20_000 });
  });
});

describe('wallet-race results', () => {
  it('counts applied and replayed charges, payments, refusals and samples', () => {
    const history = History.of([
      { vu: 1, f: 'charge', type: 'ok', value: { userId: 1, amount: 5, idempotencyKey: 'a' }, result: { applied: true } },
      { vu: 2, f: 'charge', type: 'ok', value: { userId: 1, amount: 5, idempotencyKey: 'a' }, result: { applied: false } },
      { vu: 3, f: 'charge', type: 'fail', value: { userId: 1, amount: 5, idempotencyKey: 'b' }, result: { status: 409, code: 'WALLET_BUSY' } },
      { vu: 4, f: 'charge', type: 'info', value: { userId: 1, amount: 5, idempotencyKey: 'c' }, error: 'timeout' },
      { vu: 5, f: 'pay', type: 'ok', value: { reservationId: 1, userId: 1, amount: 1_000 } },
      { vu: 6, f: 'pay', type: 'fail', value: { reservationId: 2, userId: 1, amount: OVERDRAFT_PRICE }, result: { status: 402, code: 'INSUFFICIENT_FUNDS', reason: 'insufficient-funds' } },
      { vu: 7, f: 'pay', type: 'fail', value: { reservationId: 3, userId: 1, amount: 1_000 }, result: { status: 402, code: 'INSUFFICIENT_FUNDS', reason: 'insufficient-funds' } },
      { vu: 8, f: 'wallet-read', type: 'ok', value: { userId: 1 }, result: { balance: 3, version: 1 } },
    ]);
    expect(walletRaceResults(history)).toEqual({
      chargesApplied: 1,
      chargeReplays: 1,
      chargesRefused: 1,
      paysOk: 1,
      insufficientFunds: 2,
      overdraftsRefused: 1,
      overdraftsPaid: 0,
      walletConflicts: 1,
      indeterminate: 1,
      samples: 1,
    });
  });
});
