/**
 * A lock file per state folder so that two `infra up`/`infra down` (two terminals, or a CLI and
 * a test run) never start the same server twice or overwrite each other's started.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TicketbenchError } from '../errors.ts';
import { sleep } from './polling.ts';
import { isProcessAlive, processStartTime } from './processes.ts';

interface LockHolder {
  readonly pid: number;
  readonly startTime?: number | undefined;
}

/**
 * Runs `work` while holding `<stateDir>/infra.lock` (created exclusively, holding our pid).
 * A lock left by a process that no longer runs is taken over.
 * @param timeoutMs how long to wait for another holder, in milliseconds (default 5 min:
 *   a first `infra up` fetches jars and starts Kafka).
 * @throws TicketbenchError INFRA_UNAVAILABLE when the lock stays held for `timeoutMs`.
 */
export async function withStateLock<T>(stateDir: string, work: () => Promise<T>, timeoutMs = 300_000): Promise<T> {
  fs.mkdirSync(stateDir, { recursive: true });
  const lockFile = path.join(stateDir, 'infra.lock');
  const me: LockHolder = { pid: process.pid, startTime: processStartTime(process.pid) };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, JSON.stringify(me), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readHolder(lockFile);
    if (holder && !isHolderAlive(holder)) {
      fs.rmSync(lockFile, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      throw new TicketbenchError('INFRA_UNAVAILABLE', `Another ticketbench (pid ${holder?.pid ?? '?'}) has been running infra up/down on ${stateDir} for over ${Math.round(timeoutMs / 1000)} s; wait for it, or delete ${lockFile} if it is stuck.`);
    }
    await sleep(250);
  }
  try {
    return await work();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}

function readHolder(lockFile: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as Partial<LockHolder>;
    return typeof holder.pid === 'number' ? { pid: holder.pid, startTime: holder.startTime } : undefined;
  } catch {
    // Being written right now, or garbage: treat as held until the next look.
    return undefined;
  }
}

function isHolderAlive(holder: LockHolder): boolean {
  if (!isProcessAlive(holder.pid)) return false;
  const startTime = processStartTime(holder.pid);
  return holder.startTime === undefined || startTime === undefined || startTime === holder.startTime;
}
