import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { infraStatus } from '../../src/infra/index.ts';
import { closedPort, MYSQL_ROOT, tempDir } from './helpers.ts';

const stateDir = tempDir('status');
afterAll(() => fs.rmSync(stateDir, { recursive: true, force: true }));

describe('infraStatus', () => {
  it('reports the running servers as reachable, with their versions', async () => {
    const statuses = await infraStatus({
      // The database does not exist: status must connect without it.
      connections: { mysqlUrl: `${MYSQL_ROOT}/ticketbench_infra_no_such_db`, redisUrl: 'redis://127.0.0.1:6379', kafkaBrokers: ['127.0.0.1:9092'] },
      stateDir,
    });
    expect(statuses.map((s) => s.name)).toEqual(['mysql', 'redis', 'kafka']);
    const [mysql, redis, kafka] = statuses;
    expect(mysql).toMatchObject({ reachable: true, address: `${MYSQL_ROOT}/ticketbench_infra_no_such_db` });
    expect(mysql?.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(redis).toMatchObject({ reachable: true, address: 'redis://127.0.0.1:6379' });
    expect(redis?.version).toMatch(/^\d+\.\d+\.\d+$/);
    // Not started by us: kafkajs cannot tell the version.
    expect(kafka).toEqual({ name: 'kafka', address: '127.0.0.1:9092', reachable: true, version: 'unknown' });
    for (const s of statuses) {
      expect(s.error).toBeUndefined();
      expect(s.managedPid).toBeUndefined();
    }
  });

  it('reports dead ports as unreachable with a one-line error, quickly and without throwing', async () => {
    const [mysqlPort, redisPort, kafkaPort] = [await closedPort(), await closedPort(), await closedPort()];
    const startedAt = Date.now();
    const statuses = await infraStatus({
      connections: {
        mysqlUrl: `mysql://root:secret@127.0.0.1:${mysqlPort}/ticketbench`,
        redisUrl: `redis://:secret@127.0.0.1:${redisPort}`,
        kafkaBrokers: [`127.0.0.1:${kafkaPort}`],
      },
      stateDir,
    });
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    for (const s of statuses) {
      expect(s.reachable).toBe(false);
      expect(s.version).toBe('unknown');
      expect(s.error).toMatch(/ECONNREFUSED/);
      expect(s.error).not.toContain('\n');
      expect(s.address).not.toContain('secret');
    }
    expect(statuses[0]?.address).toBe(`mysql://root:***@127.0.0.1:${mysqlPort}/ticketbench`);
    expect(statuses[1]?.address).toBe(`redis://:***@127.0.0.1:${redisPort}`);
    expect(statuses[2]?.address).toBe(`127.0.0.1:${kafkaPort}`);
  });

  it('reports an unresolvable host as unreachable', async () => {
    const statuses = await infraStatus({
      connections: { mysqlUrl: 'mysql://root@no-such-host.invalid:3306/x', redisUrl: 'redis://no-such-host.invalid:6379', kafkaBrokers: ['no-such-host.invalid:9092'] },
      stateDir,
    });
    expect(statuses.every((s) => !s.reachable && typeof s.error === 'string' && s.error.length > 0)).toBe(true);
  });
});
