/**
 * Starts the bundled target service (`target-service/src/main.ts`) as a child process on a free
 * port and stops it. Its output goes to a log file, not the terminal, so the live view stays clean.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ConnectionSettings } from '../config/connections.ts';
import { TicketbenchError } from '../errors.ts';
import { REPO_ROOT } from '../infra/paths.ts';
import { type TestHookMessage, type TestHookResult, DEFAULT_HOLD_STRATEGY, DEFAULT_WALLET_STRATEGY, HOLD_STRATEGY_SAFETY, WALLET_STRATEGY_SAFETY } from '../../contract/bundled-target.ts';

const ENTRY = path.join(REPO_ROOT, 'target-service/src/main.ts');

/** Settings the checks must agree on with the bundled target; passed to it explicitly. */
export const BUNDLED_TARGET_SETTINGS = {
  /** Seat-lock lease, ms. */
  lockTtlMs: 5_000,
  /** Hold lifetime before the expiry sweep frees the seat, ms. */
  holdTtlMs: 300_000,
  /** How often the expiry sweep looks for holds past their time, ms. */
  expirySweepMs: 1_000,
  /** Seat-hold strategy when `--strategy` is not given. */
  strategy: DEFAULT_HOLD_STRATEGY,
  /** Wallet strategy when `--wallet-strategy` is not given (the target's own default). */
  walletStrategy: DEFAULT_WALLET_STRATEGY,
  /** Read cache (`TARGET_CACHE`) when `--cache` is not given. */
  cache: 'off',
  /** Life of a cached read answer, ms; the `seat-staleness` check allows this plus a small bound. */
  cacheTtlMs: 1_000,
} as const;

/** The bundled target's seat-hold strategies (the contract's), sorted. */
export function holdStrategyNames(): string[] {
  return Object.keys(HOLD_STRATEGY_SAFETY).sort();
}

/** The bundled target's wallet strategies (the contract's), sorted. */
export function walletStrategyNames(): string[] {
  return Object.keys(WALLET_STRATEGY_SAFETY).sort();
}

/** False for a seat-hold strategy that double-books on purpose (its failed checks are expected). */
export function isSafeStrategy(name: string): boolean {
  return (HOLD_STRATEGY_SAFETY as Readonly<Record<string, boolean>>)[name] !== false;
}

/** False for a wallet strategy that loses updates on purpose (its failed checks are expected). */
export function isSafeWalletStrategy(name: string): boolean {
  return (WALLET_STRATEGY_SAFETY as Readonly<Record<string, boolean>>)[name] !== false;
}

/** Values of the bundled target's read cache setting (`--cache`, `compare --vary cache=…`). */
export const CACHE_MODES: readonly string[] = ['off', 'on'];

/**
 * Checks a `--cache` value.
 * @throws TicketbenchError INVALID_OPTION naming the valid values.
 */
export function validateCache(mode: string): string {
  if (!CACHE_MODES.includes(mode)) throw new TicketbenchError('INVALID_OPTION', `Unknown --cache "${mode}"; use ${CACHE_MODES.join(' or ')}.`);
  return mode;
}

/** Which strategies and times the bundled target runs with; each defaults to BUNDLED_TARGET_SETTINGS'. */
export interface BundledTargetStrategies {
  /** Hold lifetime, ms (`TARGET_HOLD_TTL_MS`). */
  readonly holdTtlMs?: number;
  /** Seat-lock lease, ms (`TARGET_LOCK_TTL_MS`). */
  readonly lockTtlMs?: number;
  /** Seat-hold strategy (`TARGET_STRATEGY`). */
  readonly strategy?: string;
  /** Wallet strategy (`TARGET_WALLET_STRATEGY`). */
  readonly walletStrategy?: string;
  /** Read cache `off` | `on` (`TARGET_CACHE`). */
  readonly cache?: string;
}

/**
 * Checks a `--strategy` value against the bundled target's registry.
 * @throws TicketbenchError INVALID_OPTION listing the known strategies.
 */
export function validateStrategy(name: string): string {
  const known = holdStrategyNames();
  if (!known.includes(name)) throw new TicketbenchError('INVALID_OPTION', `Unknown --strategy "${name}"; the bundled target has: ${known.join(', ')}.`);
  return name;
}

/**
 * Checks a `--wallet-strategy` value against the bundled target's wallet registry.
 * @throws TicketbenchError INVALID_OPTION listing the known wallet strategies.
 */
export function validateWalletStrategy(name: string): string {
  const known = walletStrategyNames();
  if (!known.includes(name)) throw new TicketbenchError('INVALID_OPTION', `Unknown --wallet-strategy "${name}"; the bundled target has: ${known.join(', ')}.`);
  return name;
}

/** A running target process ticketbench started (the bundled target, or a profile's service). */
export interface RunningTarget {
  readonly baseUrl: string;
  /** The current process's pid (a restart changes it). */
  readonly pid: number;
  readonly logFile: string;
  /** Sends a signal to the current process (the nemesis: SIGKILL, SIGSTOP, SIGCONT). */
  signal(signal: NodeJS.Signals): void;
  /**
   * Test-only hooks of the bundled target, over its IPC channel (absent for other services):
   * `crash-consumer` crashes its idempotent consumer after the next event it applies, before the
   * offset commit, and answers where once it happened; `restart-consumer` starts it again.
   * @returns the target's one-line account.
   * @throws Error when the target answers `ok: false` or not within `timeoutMs`.
   */
  testHook?(action: TestHookMessage['action'], timeoutMs: number): Promise<string>;
  /** Starts it again on the same port (after a kill); stops the current process first if it still runs. */
  restart(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 10 000). */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Forks the target with the connection settings and waits for its `listening` message.
 * @param logDir folder for `target.log`
 * @param strategies seat-hold and wallet strategy names (see `validateStrategy`,
 *   `validateWalletStrategy`); the defaults of BUNDLED_TARGET_SETTINGS when absent
 * @param instance which of several instances this is (1-based): its log is `target-<n>.log`
 * @param nodeFlags more Node.js flags for the target process (the target benchmark's `--cpu-prof`)
 * @throws TicketbenchError TARGET_START_FAILED with the target's last output line when it exits
 *   or stays silent for `timeoutMs` (default 30 000 ms).
 */
export async function startBundledTarget(connections: ConnectionSettings, logDir: string, strategies: BundledTargetStrategies = {}, timeoutMs = 30_000, instance?: number, nodeFlags: readonly string[] = []): Promise<RunningTarget> {
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, instance === undefined ? 'target.log' : `target-${instance}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const launch = async (listenPort: number): Promise<{ child: ChildProcess; port: number }> => {
    const child = fork(ENTRY, [], {
      cwd: REPO_ROOT,
      execArgv: ['--import', 'tsx', ...nodeFlags],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: {
        ...process.env,
        TARGET_PORT: String(listenPort),
        // ticketbench talks to it on 127.0.0.1, whatever TARGET_HOST the user's shell exports.
        TARGET_HOST: '127.0.0.1',
        TICKETBENCH_MYSQL_URL: connections.mysqlUrl,
        TICKETBENCH_REDIS_URL: connections.redisUrl,
        TICKETBENCH_KAFKA_BROKERS: connections.kafkaBrokers.join(','),
        TARGET_LOCK_TTL_MS: String(strategies.lockTtlMs ?? BUNDLED_TARGET_SETTINGS.lockTtlMs),
        TARGET_HOLD_TTL_MS: String(strategies.holdTtlMs ?? BUNDLED_TARGET_SETTINGS.holdTtlMs),
        TARGET_EXPIRY_SWEEP_MS: String(BUNDLED_TARGET_SETTINGS.expirySweepMs),
        TARGET_STRATEGY: strategies.strategy ?? BUNDLED_TARGET_SETTINGS.strategy,
        TARGET_WALLET_STRATEGY: strategies.walletStrategy ?? BUNDLED_TARGET_SETTINGS.walletStrategy,
        TARGET_CACHE: strategies.cache ?? BUNDLED_TARGET_SETTINGS.cache,
        TARGET_CACHE_TTL_MS: String(BUNDLED_TARGET_SETTINGS.cacheTtlMs),
      },
    });
    const output = logOutput(child, log);

    const port = await new Promise<number>((resolve, reject) => {
      const fail = (why: string) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new TicketbenchError('TARGET_START_FAILED', `The bundled target did not start: ${why}. See ${path.relative(process.cwd(), logFile) || logFile}.`));
      };
      const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms${output.lastLine() ? ` (last output: ${output.lastLine()})` : ''}`), timeoutMs);
      child.on('message', (message: unknown) => {
        const m = message as { type?: unknown; port?: unknown };
        if (m?.type === 'listening' && typeof m.port === 'number') {
          clearTimeout(timer);
          resolve(m.port);
        }
      });
      child.once('exit', (code, signal) => fail(`it exited with ${signal ?? `code ${code}`}${output.lastLine() ? `: ${output.lastLine()}` : ''}`));
      child.once('error', (err) => fail(err.message));
    });
    child.removeAllListeners('exit');
    return { child, port };
  };
  let current = await launch(0);
  let hookIds = 0;
  return {
    testHook: (action, timeoutMs) =>
      new Promise<string>((resolve, reject) => {
        const child = current.child;
        const id = ++hookIds;
        const onMessage = (message: unknown) => {
          const m = message as Partial<TestHookResult>;
          if (m?.type !== 'test-hook-result' || m.id !== id) return;
          clearTimeout(timer);
          child.off('message', onMessage);
          if (m.ok) resolve(String(m.detail));
          else reject(new Error(String(m.detail)));
        };
        const timer = setTimeout(() => {
          child.off('message', onMessage);
          reject(new Error(`no answer to ${action} within ${timeoutMs} ms`));
        }, timeoutMs);
        child.on('message', onMessage);
        child.send({ type: 'test-hook', id, action } satisfies TestHookMessage);
      }),
    baseUrl: `http://127.0.0.1:${current.port}`,
    get pid() {
      return current.child.pid ?? -1;
    },
    logFile,
    signal: (signal) => current.child.kill(signal),
    // On the same port, so the load's clients find it again where it was.
    restart: async () => {
      await stopChild(current.child, 2_000);
      current = await launch(current.port);
    },
    stop: (graceMs) => stopChild(current.child, graceMs ?? 10_000),
  };
}

/**
 * @internal Appends a child's stdout and stderr to `log` (left open: a restarted child writes on)
 * and keeps its last non-empty line, for start failures.
 */
export function logOutput(child: ChildProcess, log: NodeJS.WritableStream): { lastLine(): string } {
  let lastLine = '';
  const keepLast = (chunk: Buffer) => {
    const lines = chunk.toString().split('\n').map((l) => l.trim()).filter(Boolean);
    if (lines.length > 0) lastLine = lines[lines.length - 1]!;
  };
  child.stdout?.on('data', keepLast).pipe(log, { end: false });
  child.stderr?.on('data', keepLast).pipe(log, { end: false });
  return { lastLine: () => lastLine };
}

/** @internal Stops a child: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A stopped (SIGSTOP) process cannot act on SIGTERM until it runs again.
  child.kill('SIGCONT');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
