// `ticketbench profile check`: the fast loop for writing a profile, on both reference services.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';

interface Probe {
  readonly profile: string;
  readonly failed: number;
  readonly rows: readonly { item: string; result: string; detail: string }[];
}
const resultOf = (probe: Probe, item: string) => probe.rows.find((r) => r.item === item)?.result;

describe('ticketbench profile check', () => {
  it('finds every declared part of the bundled target working', async () => {
    const result = await cli(['profile', 'check', 'profiles/bundled.ts', '--json']);
    expect(result.code).toBe(0);
    const probe = JSON.parse(result.stdout) as Probe;
    expect(probe.failed).toBe(0);
    for (const item of ['setup', 'operations.hold', 'operations.pay', 'operations.charge', 'operations.queueEnter', 'operations.seatMap', 'operations.scheduleList', 'queries.reservations', 'queries.guards', 'redis.seatLockKey', 'redis.queue', 'kafka']) expect([item, resultOf(probe, item)]).toEqual([item, 'ok']);
  }, 120_000);

  it('finds every declared part of seatline working, and says what it does not declare', async () => {
    const result = await cli(['profile', 'check', 'examples/seatline/seatline.profile.ts']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/profile seatline \(examples\/seatline\/seatline\.profile\.ts\) is valid; probing the service/);
    expect(result.stdout).toMatch(/operations\.hold\s+│ ok\s+│ \{"status":200,"reservationId":"[0-9a-f-]{36}"\}/);
    expect(result.stdout).toMatch(/queries\.guards\s+│ skipped │ not declared/);
    expect(result.stdout).toMatch(/redis\.queue\s+│ ok\s+│ waiting-room:\d+:line: 1 waiting/);
    expect(result.stdout).toMatch(/kafka\s+│ ok\s+│ 1 event\(s\) for 1 confirmed reservation\(s\)/);
    expect(result.stdout.trim().split('\n').at(-1)).toBe('every declared part works');
  }, 120_000);

  it('names what does not work, with what it got, and exits 1', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tb-profile-check-'));
    const file = path.join(dir, 'wrong.ts');
    // The bundled profile with a wrong hold path and a query on a table that does not exist.
    writeFileSync(
      file,
      `import bundled from '${path.resolve('profiles/bundled.ts')}';
export default { ...bundled, name: 'wrong', operations: { ...bundled.operations, hold: { ...bundled.operations.hold, path: '/api/reservation' } },
  stores: { ...bundled.stores, mysql: { ...bundled.stores!.mysql!, queries: { ...bundled.stores!.mysql!.queries, wallets: 'SELECT user_id AS userId, balance FROM wallet WHERE user_id IN ({userIds})' } } } };
`,
    );
    const result = await cli(['profile', 'check', file, '--json']);
    expect(result.code).toBe(1);
    const probe = JSON.parse(result.stdout) as Probe;
    expect(probe.failed).toBe(2);
    expect(probe.rows.find((r) => r.item === 'operations.hold')?.detail).toMatch(/^fail: .*answer: HTTP 404/);
    expect(resultOf(probe, 'operations.pay')).toBe('skipped');
    expect(probe.rows.find((r) => r.item === 'queries.wallets')?.detail).toMatch(/queries\.wallets: .*wallet.*doesn't exist/);
  }, 120_000);
});
