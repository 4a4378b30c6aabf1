// The checks read the service's stores only through the profile: a missing query is `skipped`
// with its reason, a wrong one is `unknown` with the database's error; real MariaDB and Redis.
import { afterAll, describe, expect, it } from 'vitest';
import { doubleBookingChecker } from '../../src/checks/double-booking.ts';
import { runCheckers, type CheckScope } from '../../src/checks/checker.ts';
import { kafkaEventsChecker } from '../../src/checks/kafka-events.ts';
import { orphanLocksChecker } from '../../src/checks/orphan-locks.ts';
import { openStores } from '../../src/checks/stores.ts';
import { walletLedgerChecker } from '../../src/checks/wallet-ledger.ts';
import { DEFAULT_CONNECTIONS } from '../../src/config/connections.ts';
import { History } from '../../src/engine/history.ts';
import { bundledTargetProfile } from '../../src/profile/default-profile.ts';

const scope: CheckScope = { scheduleIds: [987_654_321], seatCount: 0, runStartedAtMs: Date.now(), lockTtlMs: 100, consumerGroup: 'none', settleTimeoutMs: 1_000, wallets: { userIds: ['u-1'], initialPoints: 0 } };
const bare = openStores(DEFAULT_CONNECTIONS, { name: 'bare', stores: {} });
const wrong = openStores(DEFAULT_CONNECTIONS, { name: 'wrong', stores: { mysql: { queries: { seats: 'SELECT seat_no AS seatNo FROM no_such_table WHERE schedule_id IN ({scheduleIds})', reservations: 'SELECT 1 AS id' } } } });
const bundled = openStores(DEFAULT_CONNECTIONS, bundledTargetProfile().profile);
afterAll(() => Promise.all([bare.close(), wrong.close(), bundled.close()]));

describe('checks through the profile', () => {
  it('a check whose inputs the profile does not give is skipped with the reason, never passed', async () => {
    const results = await runCheckers([doubleBookingChecker, orphanLocksChecker, kafkaEventsChecker, walletLedgerChecker], bare, scope, new History());
    expect(results.map((r) => r.verdict)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
    expect(results[0]!.summary).toBe('skipped: profile "bare" gives no stores.mysql.queries.seats');
    expect(results[1]!.summary).toMatch(/no stores\.redis\.seatLockKey/);
    expect(results[2]!.summary).toMatch(/no stores\.kafka/);
    expect(results[3]!.summary).toMatch(/no stores\.mysql\.queries\.wallets/);
  });

  it('a query that fails is unknown with the SQL error and the query it came from; the other checks still run', async () => {
    const results = await runCheckers([doubleBookingChecker, orphanLocksChecker], wrong, scope, new History());
    expect(results[0]).toMatchObject({ verdict: 'unknown' });
    expect(results[0]!.summary).toMatch(/stores\.mysql\.queries\.seats: .*no_such_table/);
    expect(results[1]!.verdict).toBe('skipped');
  });

  it('a query missing a canonical column names it', async () => {
    const missing = openStores(DEFAULT_CONNECTIONS, { name: 'cols', stores: { mysql: { queries: { seats: 'SELECT 1 AS scheduleId', reservations: 'SELECT 1 AS id', payments: 'SELECT 1 AS id' } } } });
    const [result] = await runCheckers([doubleBookingChecker], missing, scope, new History()).finally(() => missing.close());
    expect(result!.summary).toMatch(/queries\.seats returned no column seatNo \(alias them: AS seatNo\)/);
  });

  it('the bundled profile reads an empty run as a pass', async () => {
    const [result] = await runCheckers([doubleBookingChecker], bundled, scope, new History());
    expect(result).toMatchObject({ verdict: 'pass', counts: { seats: 0, confirmed: 0 } });
  });
});
