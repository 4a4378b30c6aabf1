/**
 * Redis: probing a server and starting a throw-away local one (no persistence) for load tests.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Redis } from 'ioredis';
import { redactUrl } from '../config/connections.ts';
import { TicketbenchError } from '../errors.ts';
import { oneLineError } from './error-text.ts';
import { findExecutable } from './executables.ts';
import { pidFilePath } from './paths.ts';
import { pollUntil } from './polling.ts';
import { unbracket } from './ports.ts';
import { isProcessAlive, processStartTime, readPidFile, removePidFile, stopProcess } from './processes.ts';
import { forgetStarted, recordStarted, type StartedServer } from './started-state.ts';
import type { InfraContext, ProbeResult } from './types.ts';

/** Where the Redis server of a `redis://` URL is (port default 6379). */
export function redisTarget(redisUrl: string): { readonly host: string; readonly port: number; readonly password: string | undefined } {
  const url = new URL(redisUrl);
  return {
    host: unbracket(url.hostname),
    port: url.port ? Number(url.port) : 6379,
    password: url.password ? decodeURIComponent(url.password) : undefined,
  };
}

const START_TIMEOUT_MS = 15_000;

/**
 * Connects, runs `INFO server` and reads redis_version. Never throws: an unreachable server is
 * reported in the result.
 * @param timeoutMs connect and command timeout in milliseconds.
 */
export async function probeRedis(redisUrl: string, timeoutMs = 2_000): Promise<ProbeResult> {
  const client = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // Without a listener ioredis reports connection errors as unhandled 'error' events.
  let lastError: unknown;
  client.on('error', (err) => {
    lastError = err;
  });
  try {
    await client.connect();
    const info = await client.info('server');
    const version = /^redis_version:(\S+)/m.exec(info)?.[1] ?? 'unknown';
    return { reachable: true, version };
  } catch (err) {
    return { reachable: false, version: 'unknown', error: oneLineError(lastError ?? err) };
  } finally {
    // After a failed connect the stream is already closed; disconnect() would then arm a 2 s timer nothing clears.
    if (client.status !== 'end') client.disconnect();
  }
}

/**
 * Starts `redis-server` daemonised on the URL's port (bound to loopback, no RDB/AOF, so a
 * load test never waits on disk), records it in started.json and waits (≤ 15 s) for PING.
 * A password in the URL becomes `requirepass`, passed on stdin so it never shows in `ps`.
 * @throws TicketbenchError INFRA_UNAVAILABLE when it fails to start or answer.
 */
export async function startLocalRedis(ctx: InfraContext, redisUrl: string, binary: string): Promise<StartedServer> {
  const { host, port, password } = redisTarget(redisUrl);
  const address = redactUrl(redisUrl);
  const pidFile = pidFilePath(ctx.stateDir, 'redis');
  const logFile = path.join(ctx.stateDir, 'redis.log');
  const bind = host === '::1' ? '::1' : '127.0.0.1';
  ctx.log(`starting redis-server on ${bind}:${port} (log: ${logFile})`);

  removePidFile(pidFile);
  const args = [
    '-', '--daemonize', 'yes', '--bind', bind, '--port', String(port), '--save', '', '--appendonly', 'no',
    '--pidfile', pidFile, '--logfile', logFile, '--dir', ctx.stateDir,
  ];
  try {
    await runWithStdin(binary, args, password === undefined ? '' : `requirepass ${quoteRedisConfig(password)}\n`, ctx.stateDir);
  } catch (err) {
    throw new TicketbenchError('INFRA_UNAVAILABLE', `Redis at ${address} is not reachable and redis-server could not be started: ${oneLineError(err)}; see ${logFile}, or start Redis and pass --redis-url.`, { cause: err });
  }
  // The daemonised child writes the pid file shortly after the parent has exited.
  const pid = await pollUntil(async () => readPidFile(pidFile), 5_000, 100);
  if (pid === undefined) {
    throw new TicketbenchError('INFRA_UNAVAILABLE', `Redis at ${address}: redis-server wrote no pid file ${pidFile}; see ${logFile}, or start Redis and pass --redis-url.`);
  }
  const started: StartedServer = {
    name: 'redis', pid, startedAt: new Date().toISOString(), endpoint: `${host}:${port}`,
    pidFile, commandIncludes: 'redis-server', startTime: processStartTime(pid),
  };
  recordStarted(ctx.stateDir, started);

  let lastError = 'no answer yet';
  const ready = await pollUntil(async () => {
    if (!isProcessAlive(pid)) return 'exited' as const;
    const probe = await probeRedis(redisUrl, 1_000);
    if (probe.reachable) return 'ready' as const;
    lastError = probe.error ?? lastError;
    return undefined;
  }, START_TIMEOUT_MS, 200);
  if (ready === 'ready') return started;

  await stopProcess(pid, 10_000).catch(() => undefined);
  removePidFile(pidFile);
  forgetStarted(ctx.stateDir, 'redis', pid);
  const what = ready === 'exited' ? 'redis-server exited right after starting' : `redis-server did not answer within ${START_TIMEOUT_MS / 1000} s (${lastError})`;
  throw new TicketbenchError('INFRA_UNAVAILABLE', `Redis at ${address}: ${what}; see ${logFile}, or start Redis and pass --redis-url.`);
}

/** Runs a command that exits quickly, feeding it `input`; rejects with its stderr on failure. */
function runWithStdin(command: string, args: readonly string[], input: string, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(command)} exited with ${code ?? signal}: ${output.trim() || 'no output'}`));
    });
    child.stdin.end(input);
  });
}

function quoteRedisConfig(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * How a running Redis was configured, enough to start it again as it was: its binary and the
 * configuration lines (daemonised) that reproduce its address, folders, password and limits.
 */
export interface RedisRelaunch {
  readonly binary: string;
  readonly configLines: readonly string[];
  /** The server's `run_id` and pid when it was read. */
  readonly runId: string;
  readonly pid: number;
  /** True when it writes RDB snapshots or an AOF (a restart would then lose or replay data). */
  readonly persists: boolean;
}

/** Settings carried over to the restarted server, besides `daemonize yes`. */
const RELAUNCH_SETTINGS = ['bind', 'port', 'dir', 'logfile', 'pidfile', 'requirepass', 'protected-mode', 'maxmemory', 'maxmemory-policy', 'databases', 'unixsocket', 'save', 'appendonly'] as const;

/**
 * Reads what `relaunchRedis` needs from a running server (`INFO server`, `CONFIG GET`).
 * @throws the connection or command error.
 */
export async function readRedisRelaunch(client: Redis): Promise<RedisRelaunch> {
  const info = await client.info('server');
  const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? '';
  const values = new Map<string, string>();
  for (const name of RELAUNCH_SETTINGS) {
    const pair = (await client.call('CONFIG', 'GET', name)) as string[];
    if (pair.length >= 2) values.set(name, pair[1]!);
  }
  const executable = field('executable');
  // A server started as plain `redis-server` from / reports `/redis-server`: fall back to $PATH.
  const binary = (executable && findExecutable([executable])) || findExecutable(['redis-server']);
  if (!binary) throw new Error('redis-server is not on this machine');
  const configLines = ['daemonize yes'];
  for (const [name, value] of values) {
    if (value === '' && name !== 'save') continue;
    configLines.push(`${name} ${name === 'bind' ? value : quoteRedisConfig(value)}`);
  }
  return {
    binary,
    configLines,
    runId: field('run_id'),
    pid: Number(field('process_id')),
    persists: (values.get('save') ?? '') !== '' || values.get('appendonly') === 'yes',
  };
}

/**
 * Starts Redis again from a `RedisRelaunch` and waits (≤ 15 s) until it answers PING.
 * @returns the new server's `run_id`.
 * @throws Error when it does not start or answer.
 */
export async function relaunchRedis(relaunch: RedisRelaunch, redisUrl: string): Promise<string> {
  await runWithStdin(relaunch.binary, ['-'], `${relaunch.configLines.join('\n')}\n`, '/');
  let lastError = 'no answer yet';
  const runId = await pollUntil(async () => {
    const client = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return /^run_id:(\S+)/m.exec(await client.info('server'))?.[1];
    } catch (err) {
      lastError = oneLineError(err);
      return undefined;
    } finally {
      if (client.status !== 'end') client.disconnect();
    }
  }, START_TIMEOUT_MS, 100);
  if (runId === undefined) throw new Error(`redis-server did not answer within ${START_TIMEOUT_MS / 1000} s (${lastError})`);
  return runId;
}
