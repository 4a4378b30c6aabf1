/**
 * Starts a profiled service (a profile's `start`: a command, environment templates and a health
 * path) as a child process on a free port, waits until its health path answers 2xx, and stops it.
 * Its output goes to a log file, as the bundled target's does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ConnectionSettings } from '../config/connections.ts';
import { TicketbenchError } from '../errors.ts';
import { freePort } from '../infra/ports.ts';
import type { StartSpec } from '../profile/schema.ts';
import { renderText } from '../profile/template.ts';
import { logOutput, stopChild, type RunningTarget } from './launch.ts';

/** Values a profile's `start.env` templates may use. */
export interface StartVars {
  /** The service database's URL (`{mysqlUrl}`) and name (`{database}`). */
  readonly mysqlUrl: string;
  readonly database: string;
  readonly holdTtlMs: number;
  readonly lockTtlMs: number;
  /** A waiting queue's settings (`{queueCapacity}`, `{queuePassTtlMs}`, `{queueAdvanceMs}`, ms). */
  readonly queue: QueueSettings;
}

/** A waiting queue's settings: passes active at once, pass lifetime and advance interval (ms). */
export interface QueueSettings {
  readonly capacity: number;
  readonly passTtlMs: number;
  readonly advanceMs: number;
}

/** The queue settings a service is started with when the run has none of its own (queue-ttl's defaults). */
export const DEFAULT_QUEUE_SETTINGS: QueueSettings = { capacity: 100, passTtlMs: 2_000, advanceMs: 250 };

/**
 * Runs `spec.command` from `cwd` with its environment rendered, and polls `GET spec.health` until
 * it answers 2xx.
 * @param name the profile's name, for messages and the log file (`target-<name>.log`)
 * @throws TicketbenchError TARGET_START_FAILED when the command exits, cannot be run, or stays
 *   unhealthy for `spec.timeoutMs`, with its last output line and the log's path; INVALID_PROFILE
 *   for an environment template naming an unknown variable.
 */
export async function startProfiledTarget(name: string, spec: StartSpec, cwd: string, connections: ConnectionSettings, vars: StartVars, logDir: string): Promise<RunningTarget> {
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `target-${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const port = await freePort();
  const values = {
    port,
    mysqlUrl: vars.mysqlUrl,
    database: vars.database,
    redisUrl: connections.redisUrl,
    kafkaBrokers: connections.kafkaBrokers.join(','),
    holdTtlMs: vars.holdTtlMs,
    lockTtlMs: vars.lockTtlMs,
    queueCapacity: vars.queue.capacity,
    queuePassTtlMs: vars.queue.passTtlMs,
    queueAdvanceMs: vars.queue.advanceMs,
  };
  const env: Record<string, string> = {};
  for (const [key, template] of Object.entries(spec.env)) {
    const value = renderText(template, values);
    if (value === undefined) throw new TicketbenchError('INVALID_PROFILE', `Profile ${name}: start.env.${key} "${template}" uses an unknown variable; known: ${Object.keys(values).join(', ')}.`);
    env[key] = value;
  }
  const [command, ...args] = spec.command;
  const baseUrl = `http://127.0.0.1:${port}`;
  const launch = async (): Promise<ChildProcess> => {
    const child = spawn(command!, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = logOutput(child, log);
    let exited: string | undefined;
    child.once('exit', (code, signal) => (exited = signal ?? `code ${code}`));
    child.once('error', (err) => (exited = err.message));
    const deadline = Date.now() + spec.timeoutMs;
    const why = (reason: string) => new TicketbenchError('TARGET_START_FAILED', `The ${name} service did not start (${spec.command.join(' ')}): ${reason}${output.lastLine() ? ` (last output: ${output.lastLine()})` : ''}. See ${path.relative(process.cwd(), logFile) || logFile}.`);
    for (;;) {
      if (exited !== undefined) throw why(`it exited with ${exited}`);
      if (await healthy(`${baseUrl}${spec.health}`)) return child;
      if (Date.now() >= deadline) {
        await stopChild(child, 2_000);
        throw why(`GET ${spec.health} did not answer 2xx within ${spec.timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  let child = await launch();
  return {
    baseUrl,
    get pid() {
      return child.pid ?? -1;
    },
    logFile,
    signal: (signal) => child.kill(signal),
    // The same environment, so the same port: the load's clients find it again where it was.
    restart: async () => {
      await stopChild(child, 2_000);
      child = await launch();
    },
    stop: (graceMs) => stopChild(child, graceMs ?? 10_000),
  };
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}
