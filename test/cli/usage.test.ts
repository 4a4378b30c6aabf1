// Bad input gets one clear line on stderr and exit code 2 (a target that cannot be used: 4):
// never a stack trace, never a run.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';

function expectOneLineUsageError(result: { code: number | null; stderr: string }, pattern: RegExp) {
  expect(result.code).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

// A "target" that answers garbage to everything, and a port where nothing listens.
let garbage: Server;
let garbageUrl: string;
let deadUrl: string;

beforeAll(async () => {
  garbage = createServer((_req, res) => res.end('<html>hello</html>'));
  await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
  garbageUrl = `http://127.0.0.1:${(garbage.address() as AddressInfo).port}`;
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  deadUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

afterAll(() => new Promise<void>((resolve) => garbage.close(() => resolve())));

describe('ticketbench CLI usage errors', () => {
  it.each([
    [['run', 'nope'], /Unknown scenario "nope"; known: contention/],
    [['run', 'contention', '--vus', 'abc'], /--vus must be an integer from 1 to 10000, got "abc"/],
    [['run', 'contention', '--vus', '0'], /--vus must be an integer/],
    [['run', 'contention', '--seats', '0'], /--seats must be an integer from 1/],
    [['run', 'contention', '--seats', '100'], /--seats 100 exceeds --vus 80/],
    [['run', 'contention', '--iterations', '5', '--duration', '3s'], /--iterations or --duration, not both/],
    [['run', 'contention', '--duration', 'forever'], /--duration "forever" is not a duration/],
    [['run', 'contention', '--timeout', '0s'], /--timeout must be longer than 0/],
    [['run', 'contention', '--bogus'], /unknown option '--bogus'/],
    [['run', 'contention', '--mysql-url', 'foo'], /--mysql-url "foo" is not a URL/],
    [['run', 'contention', '--mysql-url', 'mysql://root:secret@127.0.0.1:3306'], /names no database/],
    [['run', 'contention', '--redis-url', 'http://x'], /--redis-url must start with redis:\/\//],
    [['run', 'contention', '--kafka-brokers', 'nohostport'], /"nohostport" is not host:port/],
    [['run', 'contention', '--target-url', 'ftp://x'], /--target-url "ftp:\/\/x" is not an http\(s\) URL/],
    [['run', 'contention', '--strategy', 'bogus'], /Unknown --strategy "bogus"; the bundled target has: .*redis-lock/],
    [['run', 'wallet-race', '--wallet-strategy', 'redis-stock'], /Unknown --wallet-strategy "redis-stock"; the bundled target has: none, optimistic, pessimistic, redis-lock/],
    [['run', 'wallet-race', '--users', '300'], /--users 300 exceeds --vus 200: every user needs at least one VU/],
    [['run', 'wallet-race', '--mix', 'charge:1,steal:5'], /--mix entry "steal:5" is not name:weight with a name of charge, pay, duplicate, overdraft/],
    [['run', 'wallet-race', '--mix', 'charge:0'], /--mix "charge:0" gives no operation a positive weight/],
    [['run', 'wallet-race', '--sample-interval', 'often'], /--sample-interval "often" is not a duration/],
    [['run', 'contention', '--rate', '10'], /--rate applies only to the arrival-rate executors; add --executor constant-arrival-rate/],
    [['run', 'contention', '--executor', 'constant-arrival-rate', '--rate', '10', '--duration', '1s', '--iterations', '5'], /--iterations does not apply to constant-arrival-rate/],
    [['run', 'contention', '--executor', 'constant-arrival-rate', '--rate', '10', '--duration', '1s', '--pre-allocated-vus', '20', '--max-vus', '10'], /--max-vus 10 is below --pre-allocated-vus 20/],
    [['run', 'contention', '--executor', 'ramping-arrival-rate', '--stages', '30s:100,1m'], /--stages stage 2 "1m" is not duration:target/],
    [['run', 'contention', '--executor', 'ramping-vus'], /--executor "ramping-vus" is not an executor/],
    [['run', 'contention', '--executor', 'constant-arrival-rate', '--rate', '10', '--duration', '1s', '--max-vus', '50', '--seats', '100'], /--seats 100 exceeds --max-vus 50/],
    [['run'], /missing required argument 'scenario'/],
    [['infra', 'sideways'], /Unknown infra action "sideways"; use up, status or down/],
  ])('%j → exit 2 with one line', async (args, pattern) => {
    expectOneLineUsageError(await cli(args as string[]), pattern);
  });

  it('never prints a password it was given', async () => {
    const result = await cli(['run', 'contention', '--mysql-url', 'mysql://root:hunter2@127.0.0.1:3306']);
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stderr).toContain('***');
  });

  it('a target that answers garbage stops the run at setup with exit 4 (INFRA_UNAVAILABLE) and one line', async () => {
    const result = await cli(['run', 'contention', '--ci', '--no-infra', '--target-url', garbageUrl, '--vus', '2']);
    expect(result.code).toBe(4);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/answered POST \/admin\/fixtures with HTTP 200 and a body ticketbench cannot use .*is it a ticketbench target service\?/);
  });

  it('a target that does not answer stops the run at setup with exit 4 (INFRA_UNAVAILABLE) and one line', async () => {
    const result = await cli(['run', 'contention', '--ci', '--no-infra', '--target-url', deadUrl, '--vus', '2']);
    expect(result.code).toBe(4);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/Could not create test data at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  });

  it('--help exits 0 and lists the commands', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/run \[options\] <scenario>/);
    expect(result.stdout).toMatch(/infra \[options\] <action>/);
  });
});
