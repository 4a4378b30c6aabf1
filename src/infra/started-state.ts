/**
 * `<stateDir>/started.json`: which servers `infra up` started, so that `infra down` stops only
 * those and `infra status` can say which servers it manages.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ServerName } from './types.ts';
import { isSameProcess } from './processes.ts';

/** One server started by `infra up`. */
export interface StartedServer {
  readonly name: ServerName;
  readonly pid: number;
  /** ISO 8601. */
  readonly startedAt: string;
  /** `host:port` it serves on; status reports it as managed only for the same address. */
  readonly endpoint: string;
  /** Its pid file, removed by `infra down`. */
  readonly pidFile: string;
  /** Text its command line contains, e.g. 'redis-server'. */
  readonly commandIncludes: string;
  /** Linux process start time (clock ticks since boot), guards against recycled pids. */
  readonly startTime?: number | undefined;
}

interface StartedFile {
  readonly servers: StartedServer[];
}

/** Path of the state file in a state folder. */
export function startedFilePath(stateDir: string): string {
  return path.join(stateDir, 'started.json');
}

/** The recorded servers (an unreadable or missing file counts as none). */
export function readStarted(stateDir: string): StartedServer[] {
  try {
    const parsed = JSON.parse(fs.readFileSync(startedFilePath(stateDir), 'utf8')) as Partial<StartedFile>;
    return Array.isArray(parsed.servers) ? parsed.servers.filter(isStartedServer) : [];
  } catch {
    return [];
  }
}

/** Records a started server, replacing an earlier record of the same name. */
export function recordStarted(stateDir: string, server: StartedServer): void {
  writeStarted(stateDir, [...readStarted(stateDir).filter((s) => s.name !== server.name), server]);
}

/**
 * Drops the record of a server (after it was stopped or found gone); with `pid`, only when the
 * record is of that process.
 */
export function forgetStarted(stateDir: string, name: ServerName, pid?: number): void {
  writeStarted(stateDir, readStarted(stateDir).filter((s) => s.name !== name || (pid !== undefined && s.pid !== pid)));
}

/** The record of `name` when that process is still running, else undefined. */
export function runningStarted(stateDir: string, name: ServerName): StartedServer | undefined {
  const server = readStarted(stateDir).find((s) => s.name === name);
  return server && isSameProcess(server) ? server : undefined;
}

function writeStarted(stateDir: string, servers: StartedServer[]): void {
  fs.mkdirSync(stateDir, { recursive: true });
  const file = startedFilePath(stateDir);
  // Write-then-rename so a crash never leaves half a JSON file behind.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify({ servers } satisfies StartedFile, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

function isStartedServer(value: unknown): value is StartedServer {
  const v = value as Partial<StartedServer> | null;
  return (
    typeof v === 'object' && v !== null &&
    (v.name === 'mysql' || v.name === 'redis' || v.name === 'kafka') &&
    typeof v.pid === 'number' && typeof v.pidFile === 'string' && typeof v.commandIncludes === 'string' &&
    typeof v.endpoint === 'string' && typeof v.startedAt === 'string'
  );
}
