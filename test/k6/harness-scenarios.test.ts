// flash-sale and wallet-race exported, run in the k6 harness against the bundled target (two
// instances, one output gzipped) and verified: every check passes with safe strategies, and the
// unsafe `none` wallet strategy's lost updates are caught.
import { afterAll, describe, expect, it } from 'vitest';
import flashSale from '../../scenarios/flash-sale.ts';
import walletRace from '../../scenarios/wallet-race.ts';
import { DEFAULT_CONNECTIONS } from '../../src/config/connections.ts';
import { readFixture } from '../../src/k6/fixture.ts';
import { verifyK6Run } from '../../src/k6/verify.ts';
import type { RunningTarget } from '../../src/target/launch.ts';
import { expectEveryCheckPasses, k6Run, startBundled } from './helpers.ts';

const started: RunningTarget[] = [];
afterAll(async () => {
  await Promise.all(started.map((t) => t.stop()));
});

describe('k6 export → harness → verify', () => {
  it('flash-sale (20 users, 5 seats): no overselling, every seat sold, history matches MySQL', async () => {
    const target = await startBundled('redis-lock');
    started.push(target.running);
    const { fixtureFile, run } = await k6Run(flashSale, target.baseUrl, { executor: 'shared-iterations', vus: 10, iterations: 20, maxDurationMs: 60_000 }, { users: 20, seats: 5 });
    expect(run.errors).toEqual([]);
    const outcome = await verifyK6Run({ scenario: flashSale, fixture: await readFixture(fixtureFile, 'flash-sale'), k6Outputs: run.outputs, connections: DEFAULT_CONNECTIONS });
    expectEveryCheckPasses(outcome.report, ['double-booking', 'hold-overlap', 'history-vs-mysql', 'orphan-locks', 'kafka-events', 'sell-out']);
    expect(outcome.report.results['seatsSold']).toBe(5);
    // Each iteration is one user, numbered across both instances: 20 distinct users tried.
    expect(new Set(outcome.history.byF('hold').map((op) => op.value['userId'])).size).toBe(20);
    expect(outcome.report.verdict).toBe('pass');
  }, 120_000);

  it('wallet-race (4 users, 8 VUs, 5 ops each): ledger, conservation and idempotency hold', async () => {
    const target = await startBundled('redis-lock', 'pessimistic');
    started.push(target.running);
    const { fixtureFile, run } = await k6Run(walletRace, target.baseUrl, { executor: 'shared-iterations', vus: 8, iterations: 8, maxDurationMs: 60_000 }, { users: 4, ops: 5 });
    expect(run.errors).toEqual([]);
    const outcome = await verifyK6Run({ scenario: walletRace, fixture: await readFixture(fixtureFile, 'wallet-race'), k6Outputs: run.outputs, connections: DEFAULT_CONNECTIONS });
    expectEveryCheckPasses(outcome.report, ['wallet-ledger', 'wallet-conservation', 'wallet-idempotency', 'hold-overlap']);
    expect(outcome.history.byF('charge').length).toBeGreaterThan(0);
    expect(outcome.history.byF('wallet-read').length).toBeGreaterThan(0);
  }, 120_000);

  it('wallet-race with the `none` wallet strategy (2 users × 8 VUs): the lost updates are caught, verify fails', async () => {
    const target = await startBundled('redis-lock', 'none');
    started.push(target.running);
    const { fixtureFile, run } = await k6Run(walletRace, target.baseUrl, { executor: 'shared-iterations', vus: 16, iterations: 16, maxDurationMs: 60_000 }, { users: 2, ops: 10 });
    const outcome = await verifyK6Run({ scenario: walletRace, fixture: await readFixture(fixtureFile, 'wallet-race'), k6Outputs: run.outputs, connections: DEFAULT_CONNECTIONS });
    expect(outcome.report.checks.find((c) => c.id === 'wallet-ledger')?.verdict).toBe('fail');
    expect(outcome.report.verdict).toBe('fail');
  }, 120_000);
});
