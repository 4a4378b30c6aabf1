/**
 * infraUp's refusals: servers it may not or cannot start give one-line INFRA_UNAVAILABLE errors,
 * and infraDown never signals a process it did not start.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode, TicketbenchError } from '../../src/errors.ts';
import { infraDown, infraUp, type InfraOptions } from '../../src/infra/index.ts';
import { startLocalMysql } from '../../src/infra/mysql.ts';
import { isProcessAlive, processStartTime, writePidFile } from '../../src/infra/processes.ts';
import { readStarted, recordStarted } from '../../src/infra/started-state.ts';
import net from 'node:net';
import { closedPort, dropDatabase, isListening, MYSQL_ROOT, tempDir } from './helpers.ts';

const DB = 'ticketbench_infra_errors';
const stateDir = tempDir('errors-state');
const base: InfraOptions = {
  connections: { mysqlUrl: `${MYSQL_ROOT}/${DB}`, redisUrl: 'redis://127.0.0.1:6379', kafkaBrokers: ['127.0.0.1:9092'] },
  stateDir,
};

afterAll(async () => {
  await dropDatabase(DB);
  fs.rmSync(stateDir, { recursive: true, force: true });
});

async function upError(connections: Partial<InfraOptions['connections']>): Promise<TicketbenchError> {
  const err = await infraUp({ ...base, connections: { ...base.connections, ...connections } }).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(TicketbenchError);
  const e = err as TicketbenchError;
  expect(e.code).toBe('INFRA_UNAVAILABLE');
  expect(e.exitCode).toBe(ExitCode.INFRA_UNAVAILABLE);
  expect(e.oneLine()).not.toContain('\n');
  return e;
}

describe('infraUp refusals', () => {
  it('a remote MySQL that does not answer is not started; the password is redacted', async () => {
    const err = await upError({ mysqlUrl: 'mysql://root:secret@192.0.2.1:3306/ticketbench' });
    expect(err.message).toMatch(/^MySQL at mysql:\/\/root:\*\*\*@192\.0\.2\.1:3306\/ticketbench is not reachable \(.+\) and is not on this machine, so infra up cannot start it; start it there or pass --mysql-url\.$/);
    expect(err.message).not.toContain('secret');
  });

  it('a remote Kafka that does not answer is not started', async () => {
    const err = await upError({ kafkaBrokers: ['192.0.2.1:9092'] });
    expect(err.message).toMatch(/^Kafka at 192\.0\.2\.1:9092 is not reachable .*pass --kafka-brokers\.$/);
  });

  it('several unreachable brokers are not started', async () => {
    const [a, b] = [await closedPort(), await closedPort()];
    const err = await upError({ kafkaBrokers: [`127.0.0.1:${a}`, `127.0.0.1:${b}`] });
    expect(err.message).toMatch(/only a single local broker/);
  });

  it('a local Redis is not started when redis-server is not on PATH', async () => {
    const port = await closedPort();
    const savedPath = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const err = await upError({ redisUrl: `redis://127.0.0.1:${port}` });
      expect(err.message).toBe(`Redis at redis://127.0.0.1:${port} is not reachable and redis-server is not installed; start Redis (e.g. docker compose up -d redis) or pass --redis-url.`);
    } finally {
      process.env.PATH = savedPath;
    }
  });

  it('nothing is started on a port where another program answers', async () => {
    // MariaDB's port does not speak Redis; a second server must not be started there.
    const err = await upError({ redisUrl: 'redis://127.0.0.1:3306' });
    expect(err.message).toMatch(/^Redis at redis:\/\/127\.0\.0\.1:3306 is not usable \(.+\) although its port is open/);
    expect(readStarted(stateDir)).toEqual([]);
  });
});

describe('failed starts', () => {
  it('a MySQL server that exits at once is reported with its log and not recorded', async () => {
    const dir = tempDir('fake-mysqld');
    try {
      const binary = path.join(dir, 'fake-mysqld');
      fs.writeFileSync(binary, '#!/bin/sh\necho "fake mysqld: cannot start" >&2\nexit 1\n', { mode: 0o755 });
      const port = await closedPort();
      const err = await startLocalMysql({ stateDir: dir, cacheDir: dir, log: () => {} }, `mysql://root@127.0.0.1:${port}/x`, binary)
        .then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(TicketbenchError);
      expect((err as TicketbenchError).code).toBe('INFRA_UNAVAILABLE');
      expect((err as TicketbenchError).message).toBe(`MySQL at mysql://root@127.0.0.1:${port}/x: fake-mysqld exited right after starting; see ${path.join(dir, 'mariadb.log')}, or start MySQL yourself and pass --mysql-url.`);
      expect(fs.readFileSync(path.join(dir, 'mariadb.log'), 'utf8')).toContain('fake mysqld: cannot start');
      expect(readStarted(dir)).toEqual([]);
      expect(fs.existsSync(path.join(dir, 'mariadb.pid'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Kafka is not started when its controller port (broker port + 1) is taken', async () => {
    // Ports below the ephemeral range: no outgoing connection (of this or another test) can take
    // the broker port between the check and infraUp.
    const { blocker, brokerPort } = await blockControllerPortOfFreePair();
    try {
      const err = await upError({ kafkaBrokers: [`127.0.0.1:${brokerPort}`] });
      expect(err.message).toBe(`Kafka at 127.0.0.1:${brokerPort} is not reachable and port ${brokerPort + 1}, needed by the local Kafka controller (broker port + 1), is in use; free it or pick another --kafka-brokers port.`);
      expect(readStarted(stateDir)).toEqual([]);
    } finally {
      blocker.close();
    }
  });
});

/** Finds p, p+1 both free in 20000..29999, keeps p+1 bound and leaves p free. */
async function blockControllerPortOfFreePair(): Promise<{ blocker: net.Server; brokerPort: number }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const brokerPort = 20_000 + Math.floor(Math.random() * 9_998);
    if (await isListening(brokerPort)) continue;
    const blocker = net.createServer();
    const bound = await new Promise<boolean>((resolve) => {
      blocker.once('error', () => resolve(false));
      blocker.listen(brokerPort + 1, '127.0.0.1', () => resolve(true));
    });
    if (bound) return { blocker, brokerPort };
  }
  throw new Error('no free port pair in 20000..29999');
}

describe('infraDown', () => {
  it('never signals a process that is not the one up started', { timeout: 30_000 }, async () => {
    const downState = tempDir('down-state');
    const sleeper = spawn('sleep', ['300'], { stdio: 'ignore' });
    const pid = sleeper.pid as number;
    try {
      const pidFile = path.join(downState, 'redis.pid');
      writePidFile(pidFile, pid);
      const startTime = processStartTime(pid);
      const record = { name: 'redis' as const, pid, startedAt: new Date().toISOString(), endpoint: '127.0.0.1:16379', pidFile };
      // Wrong command line: the pid was recycled by another program.
      recordStarted(downState, { ...record, commandIncludes: 'redis-server', startTime });
      expect(await infraDown({ ...base, stateDir: downState })).toEqual({ stopped: [] });
      expect(isProcessAlive(pid)).toBe(true);
      expect(readStarted(downState)).toEqual([]);
      expect(fs.existsSync(pidFile)).toBe(false);

      // Right command line but another start time: a recycled pid of the same program.
      if (startTime !== undefined) {
        recordStarted(downState, { ...record, commandIncludes: 'sleep', startTime: startTime - 1 });
        expect(await infraDown({ ...base, stateDir: downState })).toEqual({ stopped: [] });
        expect(isProcessAlive(pid)).toBe(true);
      }

      recordStarted(downState, { ...record, commandIncludes: 'sleep 300', startTime });
      expect(await infraDown({ ...base, stateDir: downState })).toEqual({ stopped: ['redis'] });
      expect(isProcessAlive(pid)).toBe(false);
    } finally {
      sleeper.kill('SIGKILL');
      fs.rmSync(downState, { recursive: true, force: true });
    }
  });
});
