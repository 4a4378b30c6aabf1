/**
 * main.ts as ticketbench runs it: a forked child that reports `{ type: 'listening', port }`,
 * serves, and exits 0 on SIGTERM; a startup failure is one stderr line and exit code 1.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { client, createTestDatabase, ensureConfirmedTopic, KAFKA_BROKERS, REDIS_URL } from './helpers.ts';

const MAIN = fileURLToPath(new URL('../../target-service/src/main.ts', import.meta.url));

interface Child {
  readonly proc: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

function start(env: Record<string, string>): Child {
  const proc = fork(MAIN, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, TICKETBENCH_REDIS_URL: REDIS_URL, TICKETBENCH_KAFKA_BROKERS: KAFKA_BROKERS.join(','), TARGET_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let out = '';
  let err = '';
  proc.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  proc.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, stdout: () => out, stderr: () => err, exited };
}

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms).unref())]);
}

let mysqlUrl: string;

beforeAll(async () => {
  mysqlUrl = await createTestDatabase('main');
  await ensureConfirmedTopic();
});

describe('main.ts as a forked child', () => {
  it('reports the port over IPC, serves, and exits 0 on SIGTERM', async () => {
    const child = start({ TICKETBENCH_MYSQL_URL: mysqlUrl, TARGET_CONSUMER_GROUP: `ticketbench-target-test-${randomUUID()}` });
    try {
      const message = await withDeadline(
        new Promise<{ type: string; port: number }>((resolve, reject) => {
          child.proc.once('message', (m) => resolve(m as { type: string; port: number }));
          child.proc.once('exit', (code) => reject(new Error(`exited with ${code} before listening: ${child.stderr()}`)));
        }),
        60_000,
        'the listening message',
      );
      expect(message.type).toBe('listening');
      expect(message.port).toBeGreaterThan(0);
      expect(child.stdout()).toContain(`target-service listening on http://127.0.0.1:${message.port}`);
      expect((await client(message.port).get('/health')).status).toBe(200);

      child.proc.kill('SIGTERM');
      expect(await withDeadline(child.exited, 30_000, 'exit after SIGTERM')).toBe(0);
    } finally {
      if (child.proc.exitCode === null) child.proc.kill('SIGKILL');
    }
  });

  it('prints one stderr line and exits 1 when it cannot start', async () => {
    const cases: Record<string, string>[] = [
      { TICKETBENCH_MYSQL_URL: mysqlUrl, TARGET_STRATEGY: 'bogus' },
      { TICKETBENCH_MYSQL_URL: mysqlUrl, TARGET_PORT: 'eighty' },
      { TICKETBENCH_MYSQL_URL: 'mysql://root@127.0.0.1:1/none' },
      { TICKETBENCH_MYSQL_URL: 'mysql://root@127.0.0.1:3306/information_schema' },
    ];
    const expected = [/Unknown TARGET_STRATEGY "bogus"/, /TARGET_PORT/, /MySQL at mysql:\/\/root@127\.0\.0\.1:1\/none is not reachable/, /lacks table\(s\) concerts, schedules/];
    for (const [i, env] of cases.entries()) {
      const child = start(env);
      expect(await withDeadline(child.exited, 60_000, 'exit on startup failure')).toBe(1);
      const lines = child.stderr().trimEnd().split('\n');
      expect(lines, child.stderr()).toHaveLength(1);
      expect(lines[0]).toMatch(expected[i]!);
      expect(child.stdout()).toBe('');
    }
  });
});
