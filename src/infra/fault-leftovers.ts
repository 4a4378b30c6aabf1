/**
 * `<stateDir>/nemesis-pending.json`: the faults in force that would outlive a ticketbench process
 * killed mid-run (a Redis shut down, a target instance stopped with SIGSTOP). The nemesis records
 * one before it injects such a fault and settles it at heal; `infra up` heals what a dead
 * process left behind (`healFaultLeftovers`), so a crashed run never leaves a server down.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isProcessAlive, processStartTime } from './processes.ts';
import { probeRedis, relaunchRedis, type RedisRelaunch } from './redis.ts';

/** A fault in force that must be undone if its process dies. */
export type PendingFault =
  | { readonly fault: string; readonly kind: 'relaunch-redis'; readonly redisUrl: string; readonly relaunch: RedisRelaunch }
  | { readonly fault: string; readonly kind: 'continue-process'; readonly pid: number; readonly startTime: number | undefined };

type Recorded = PendingFault & { readonly owner: number; readonly ownerStartTime: number | undefined };

function file(stateDir: string): string {
  return path.join(stateDir, 'nemesis-pending.json');
}

function read(stateDir: string): Recorded[] {
  try {
    const parsed = JSON.parse(fs.readFileSync(file(stateDir), 'utf8')) as unknown;
    return Array.isArray(parsed) ? (parsed as Recorded[]) : [];
  } catch {
    return [];
  }
}

function write(stateDir: string, entries: readonly Recorded[]): void {
  fs.mkdirSync(stateDir, { recursive: true });
  if (entries.length === 0) {
    fs.rmSync(file(stateDir), { force: true });
    return;
  }
  const tmp = `${file(stateDir)}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(entries, null, 2)}\n`);
  fs.renameSync(tmp, file(stateDir));
}

/** Records a fault this process put in force (owner: this process). */
export function recordPending(stateDir: string, pending: PendingFault): void {
  write(stateDir, [...read(stateDir), { ...pending, owner: process.pid, ownerStartTime: processStartTime(process.pid) }]);
}

/** Drops this process's records of `kind` (with `pid`, only that process's record), after a heal. */
export function settlePending(stateDir: string, kind: PendingFault['kind'], pid?: number): void {
  write(stateDir, read(stateDir).filter((e) => e.owner !== process.pid || e.kind !== kind || (pid !== undefined && e.kind === 'continue-process' && e.pid !== pid)));
}

function ownerAlive(entry: Recorded): boolean {
  return isProcessAlive(entry.owner) && (entry.ownerStartTime === undefined || processStartTime(entry.owner) === entry.ownerStartTime);
}

/**
 * Heals the faults whose ticketbench process is gone: starts a shut-down Redis again as it was,
 * and sends SIGCONT then SIGTERM to a target instance left stopped (its run is over). Faults of
 * a run still in progress are left alone.
 * @returns one line per fault healed, for the log.
 */
export async function healFaultLeftovers(stateDir: string): Promise<string[]> {
  const entries = read(stateDir);
  const healed: string[] = [];
  const kept: Recorded[] = [];
  for (const entry of entries) {
    if (ownerAlive(entry)) {
      kept.push(entry);
      continue;
    }
    if (entry.kind === 'relaunch-redis') {
      if ((await probeRedis(entry.redisUrl, 1_000)).reachable) continue;
      try {
        await relaunchRedis(entry.relaunch, entry.redisUrl);
        healed.push(`${entry.fault}: started Redis again as it was`);
      } catch (err) {
        // infra up's own Redis start comes next and reports what is wrong.
        healed.push(`${entry.fault}: could not start Redis again (${(err as Error).message})`);
      }
    } else if (isProcessAlive(entry.pid) && processStartTime(entry.pid) === entry.startTime) {
      process.kill(entry.pid, 'SIGCONT');
      process.kill(entry.pid, 'SIGTERM');
      healed.push(`${entry.fault}: resumed and stopped target pid ${entry.pid}, left stopped by a run that died`);
    }
  }
  write(stateDir, kept);
  return healed;
}
