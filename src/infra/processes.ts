/**
 * Pid files and the processes behind them: is a pid still the server we started, and stopping
 * it (SIGTERM, then SIGKILL). Identity is checked through the command line and, on Linux, the
 * process start time, so a recycled pid is never signalled.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sleep } from './polling.ts';

/** The pid in a pid file, or undefined when the file is missing or does not hold a pid. */
export function readPidFile(file: string): number | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Writes `pid` to `file` (creating its folder). */
export function writePidFile(file: string, pid: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${pid}\n`);
}

/** Removes a pid file; a missing file is fine. */
export function removePidFile(file: string): void {
  fs.rmSync(file, { force: true });
}

/**
 * True when a process with this pid exists and is not a zombie (a zombie has exited but was
 * not reaped yet; it must count as gone or waiting for it to stop would hang).
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return procStat(pid)?.state !== 'Z';
}

/**
 * The command line of a process (arguments joined by spaces), or undefined when it is gone.
 * Reads /proc on Linux, asks `ps` elsewhere.
 */
export function processCommandLine(pid: number): string | undefined {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter(Boolean).join(' ');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && fs.existsSync('/proc/self')) return undefined;
  }
  try {
    const out = execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The start time of a process in clock ticks since boot (Linux /proc/<pid>/stat field 22),
 * or undefined when unknown (gone, or not Linux).
 */
export function processStartTime(pid: number): number | undefined {
  return procStat(pid)?.startTime;
}

/** What identifies a process we started: its pid, a piece of its command line, its start time. */
export interface ProcessIdentity {
  readonly pid: number;
  /** Text its command line must contain, e.g. 'kafka.Kafka'. */
  readonly commandIncludes: string;
  /** From `processStartTime` when it was started; undefined skips that check. */
  readonly startTime?: number | undefined;
}

/** True when the process is alive and is still the one described (not a recycled pid). */
export function isSameProcess(identity: ProcessIdentity): boolean {
  if (!isProcessAlive(identity.pid)) return false;
  const commandLine = processCommandLine(identity.pid);
  if (commandLine === undefined || !commandLine.includes(identity.commandIncludes)) return false;
  if (identity.startTime !== undefined) {
    const startTime = processStartTime(identity.pid);
    if (startTime !== undefined && startTime !== identity.startTime) return false;
  }
  return true;
}

/**
 * Stops a process: SIGTERM, wait up to `graceMs` (default 30 000 ms) for it to exit, then
 * SIGKILL and wait up to 5 s more.
 * @returns 'gone' (was not running), 'terminated' (exited after SIGTERM) or 'killed'.
 * @throws Error (with `code` EPERM) when this user may not signal it, or when it survives SIGKILL.
 */
export async function stopProcess(pid: number, graceMs = 30_000): Promise<'gone' | 'terminated' | 'killed'> {
  if (!signal(pid, 'SIGTERM')) return 'gone';
  if (await waitForExit(pid, graceMs)) return 'terminated';
  if (!signal(pid, 'SIGKILL')) return 'killed';
  if (await waitForExit(pid, 5_000)) return 'killed';
  throw new Error(`process ${pid} is still running after SIGKILL`);
}

/** Resolves true once the process has exited (or is a zombie), false after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** A process's state letter from /proc (Linux), e.g. `R`, `S`, `T` when stopped; `?` when unknown or gone. */
export function processState(pid: number): string {
  return procStat(pid)?.state ?? '?';
}

function procStat(pid: number): { state: string; startTime: number } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself contain spaces or ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const startTime = Number(fields[19]);
  if (state === undefined || !Number.isFinite(startTime)) return undefined;
  return { state, startTime };
}

/** How to start a long-running server in the background. */
export interface DetachedCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Receives the process's stdout and stderr (appended). */
  readonly logFile: string;
  /** Written with the child's pid. */
  readonly pidFile: string;
}

/**
 * Starts a process that outlives this one (own process group, no pipes to us), writes its pid
 * file and returns the pid.
 * @throws Error when the process cannot be spawned (e.g. ENOENT for a missing binary).
 */
export async function spawnDetached(cmd: DetachedCommand): Promise<number> {
  fs.mkdirSync(path.dirname(cmd.logFile), { recursive: true });
  const logFd = fs.openSync(cmd.logFile, 'a');
  try {
    const child = spawn(cmd.command, [...cmd.args], { cwd: cmd.cwd, detached: true, stdio: ['ignore', logFd, logFd] });
    // A failed spawn reports through 'error' on the next tick, with pid undefined.
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve());
    });
    child.unref();
    const pid = child.pid;
    if (pid === undefined) throw new Error(`${cmd.command} did not start`);
    writePidFile(cmd.pidFile, pid);
    return pid;
  } finally {
    fs.closeSync(logFd);
  }
}
