// wallet-race end to end on the real MySQL/MariaDB, Redis and Kafka: with the unsafe `none`
// wallet strategy the default race (10 users × 20 VUs) really loses updates — caught from MySQL,
// not seeded — and every safe wallet strategy passes every check; seeded violations in the real
// stores (a balance updated behind the ledger's back, a key applied twice) fail the checks; and
// `compare` varies the wallet strategy for this scenario.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { openStores } from '../../src/checks/stores.ts';
import { bundledTargetProfile } from '../../src/profile/default-profile.ts';
import type { CheckScope } from '../../src/checks/checker.ts';
import { walletConservationChecker } from '../../src/checks/wallet-conservation.ts';
import { walletIdempotencyChecker } from '../../src/checks/wallet-idempotency.ts';
import { walletLedgerChecker } from '../../src/checks/wallet-ledger.ts';
import { compareStrategies } from '../../src/compare/run-compare.ts';
import { DEFAULT_CONNECTIONS } from '../../src/config/connections.ts';
import { executorFromFlags } from '../../src/options/executor-flags.ts';
import { History } from '../../src/engine/history.ts';
import { runScenario } from '../../src/run/run-scenario.ts';
import walletRace from '../../scenarios/wallet-race.ts';
import { createTestDatabase } from '../target-service/helpers.ts';

const outDir = mkdtempSync(path.join(tmpdir(), 'ticketbench-wallet-race-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const CHECK_IDS = ['wallet-ledger', 'wallet-conservation', 'wallet-idempotency', 'hold-overlap'];

function runWalletRace(walletStrategy: string, scenarioFlags: Record<string, unknown> = {}, vus = walletRace.defaultVus) {
  return runScenario({
    scenario: walletRace,
    scenarioFlags,
    executor: executorFromFlags({ vus }, { vus: walletRace.defaultVus }),
    connections: DEFAULT_CONNECTIONS,
    requestTimeoutMs: 10_000,
    walletStrategy,
  });
}

describe('wallet-race against each wallet strategy', () => {
  it('none loses updates under the default race and the checks say so with evidence', async () => {
    const { report } = await runWalletRace('none');
    expect(report.options).toMatchObject({ walletStrategy: 'none', strategy: 'redis-lock', users: 10, vusPerUser: 20, ops: 10 });
    const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
    expect(Object.keys(byId)).toEqual(CHECK_IDS);

    const ledger = byId['wallet-ledger']!;
    expect(ledger.verdict).toBe('fail');
    expect(ledger.counts['driftedUsers']).toBeGreaterThan(0);
    expect(ledger.counts['drift']).toBeGreaterThan(0);
    const drifted = ledger.evidence.find((e) => e['anomaly'] === 'balance-ne-ledger')!;
    expect(drifted).toMatchObject({ userId: expect.any(Number), expected: expect.any(String), actual: expect.any(String) });
    // A lost update can lose a charge (balance below its ledger) or a debit (above it).
    expect(Number(drifted['diff'])).not.toBe(0);
    expect(String(drifted['detail'])).toMatch(/points of acknowledged changes lost|points without a ledger row/);
    expect(String(drifted['firstLostUpdate'])).toMatch(/^row \d+ \(.*\) wrote .* from a stale .*, after row \d+/);

    const conservation = byId['wallet-conservation']!;
    expect(conservation.verdict).toBe('fail');
    expect(conservation.counts['wrongUsers']).toBe(ledger.counts['driftedUsers']);
    expect(conservation.counts['drift']).toBe(ledger.counts['drift']);
    expect(conservation.evidence[0]).toMatchObject({ anomaly: 'wrong-balance', ops: expect.stringMatching(/^initial 10,000; \d+ charges ok \+[\d,]+; /) });

    // The ledger's unique (user, key) still refuses a replayed key: the drift is lost updates only.
    expect(byId['wallet-idempotency']!.verdict).toBe('pass');
    expect(report.results['chargeReplays']).toBeGreaterThan(0);
    expect(report.verdict).toBe('fail');
  }, 180_000);

  it.each(['pessimistic', 'optimistic', 'redis-lock'])('%s keeps every balance equal to its ledger and its history', async (walletStrategy) => {
    // Half the operations of the default, to keep the suite short; still 20 VUs per user.
    const { report } = await runWalletRace(walletStrategy, { ops: 5 });
    expect(report.options['walletStrategy']).toBe(walletStrategy);
    expect(report.checks.map((c) => [c.id, c.verdict, c.summary])).toEqual(CHECK_IDS.map((id) => [id, 'pass', expect.any(String)]));
    const ledger = report.checks[0]!;
    expect(ledger.counts['samples']).toBeGreaterThan(0);
    expect(ledger.counts['confirmed']).toBe(report.results['paysOk']);
    expect(report.results['overdraftsRefused']).toBeGreaterThan(0);
    expect(report.results['overdraftsPaid']).toBe(0);
    expect(report.results['chargeReplays']).toBeGreaterThan(0);
    expect(report.thresholds.every((t) => t.passed)).toBe(true);
  }, 180_000);
});

describe('the wallet checks on seeded violations in the real stores', () => {
  it('fail a balance changed behind the ledger (UPDATE wallets) and pass again once it is restored', async () => {
    const { history, scope } = await runWalletRace('pessimistic', { users: 2, ops: 3 }, 20);
    const userId = scope.wallets!.userIds[0]!;
    const db = await mysql.createConnection(DEFAULT_CONNECTIONS.mysqlUrl);
    const stores = openStores(DEFAULT_CONNECTIONS, bundledTargetProfile().profile);
    try {
      const verdicts = async () => {
        const out: Record<string, string> = {};
        for (const checker of [walletLedgerChecker, walletConservationChecker]) out[checker.id] = checker.check(history, await checker.collect(stores, scope, history), scope).verdict;
        return out;
      };
      expect(await verdicts()).toEqual({ 'wallet-ledger': 'pass', 'wallet-conservation': 'pass' });
      await db.query('UPDATE wallets SET balance = balance + 7 WHERE user_id = ?', [userId]);
      try {
        const ledger = walletLedgerChecker.check(history, await walletLedgerChecker.collect(stores, scope, history), scope);
        expect(ledger.verdict).toBe('fail');
        expect(ledger.evidence[0]).toMatchObject({ anomaly: 'balance-ne-ledger', userId, diff: 7, detail: expect.stringContaining('7 points without a ledger row') });
        const conservation = walletConservationChecker.check(history, await walletConservationChecker.collect(stores, scope, history), scope);
        expect(conservation.evidence[0]).toMatchObject({ anomaly: 'wrong-balance', userId, diff: 7 });
      } finally {
        await db.query('UPDATE wallets SET balance = balance - 7 WHERE user_id = ?', [userId]);
      }
      expect(await verdicts()).toEqual({ 'wallet-ledger': 'pass', 'wallet-conservation': 'pass' });
    } finally {
      await db.end();
      await stores.close();
    }
  }, 120_000);

  it('fail a key applied twice: a second ledger row with the same key (the unique key dropped in a scratch database)', async () => {
    const url = await createTestDatabase('wallet_seeded');
    const db = await mysql.createConnection(url);
    const stores = openStores({ ...DEFAULT_CONNECTIONS, mysqlUrl: url }, bundledTargetProfile().profile);
    try {
      await db.query('INSERT INTO users (id, name) VALUES (1, ?)', ['seeded']);
      await db.query('INSERT INTO wallets (user_id, balance) VALUES (1, 1300)');
      await db.query("INSERT INTO wallet_ledger (id, user_id, amount, type, idempotency_key, balance_after) VALUES (10, 1, 1000, 'INITIAL', NULL, 1000), (11, 1, 300, 'CHARGE', 'k1', 1300)");
      const history = History.of([{ vu: 1, f: 'charge', type: 'ok', value: { userId: 1, amount: 300, idempotencyKey: 'k1' }, result: { ledgerId: 11, balance: 1_300, applied: true, status: 201 } }]);
      const scope: CheckScope = { scheduleIds: [1], seatCount: 0, runStartedAtMs: 0, lockTtlMs: 5_000, consumerGroup: 'g', settleTimeoutMs: 1_000, wallets: { userIds: [1], initialPoints: 1_000 } };
      const verdictOf = async (checker: typeof walletIdempotencyChecker) => checker.check(history, await checker.collect(stores, scope, history), scope);
      expect((await verdictOf(walletIdempotencyChecker)).verdict).toBe('pass');

      // The schema forbids it; a target without the unique key (or a bug around it) would not.
      await db.query('ALTER TABLE wallet_ledger DROP INDEX uk_wallet_ledger_user_key');
      await db.query("INSERT INTO wallet_ledger (id, user_id, amount, type, idempotency_key, balance_after) VALUES (12, 1, 300, 'CHARGE', 'k1', 1600)");
      await db.query('UPDATE wallets SET balance = 1600 WHERE user_id = 1');
      const idempotency = await verdictOf(walletIdempotencyChecker);
      expect(idempotency.verdict).toBe('fail');
      expect(idempotency.evidence[0]).toMatchObject({ anomaly: 'key-applied-twice', userId: 1, key: 'k1', actual: '2 rows', detail: 'ledger rows 11 (CHARGE +300), 12 (CHARGE +300)' });
      // The balance agrees with its (doubled) ledger, but not with what the client was told.
      expect((await verdictOf(walletLedgerChecker)).verdict).toBe('pass');
      expect((await verdictOf(walletConservationChecker)).evidence[0]).toMatchObject({ anomaly: 'wrong-balance', expected: '1,300', actual: '1,600' });
    } finally {
      await db.end();
      await stores.close();
    }
  }, 60_000);
});

describe('compare wallet-race', () => {
  it('varies the wallet strategy, keeps the seat-hold strategy, and judges safety by the wallet registry', async () => {
    const outcome = await compareStrategies({
      scenario: walletRace,
      scenarioFlags: { users: 2, ops: 5 },
      executor: executorFromFlags({ vus: 40 }, { vus: walletRace.defaultVus }),
      connections: DEFAULT_CONNECTIONS,
      outDir,
      requestTimeoutMs: 10_000,
      strategies: ['none', 'pessimistic'],
      infra: false,
    });
    const { result } = outcome;
    expect(result.strategyKind).toBe('wallet');
    expect(result.runs.map((r) => [r.label, r.safe, r.report.options['walletStrategy'], r.report.options['strategy']])).toEqual([
      ['none', false, 'none', 'redis-lock'],
      ['pessimistic', true, 'pessimistic', 'redis-lock'],
    ]);
    expect(result.runs[1]!.report.verdict).toBe('pass');
    expect(outcome.regressions).toEqual([]);
    expect(result.table.rows.map((r) => [r.label, r.safe, r.expectation === 'safe-failed'])).toEqual([
      ['none', false, false],
      ['pessimistic', true, false],
    ]);
  }, 180_000);
});
