/**
 * MySQL / MariaDB: probing a server, creating the database, and starting the local server
 * the way this machine's init scripts do (start-stop-daemon).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { databaseName, redactUrl } from '../config/connections.ts';
import { TicketbenchError } from '../errors.ts';
import { oneLineError } from './error-text.ts';
import { findExecutable } from './executables.ts';
import { pidFilePath } from './paths.ts';
import { pollUntil } from './polling.ts';
import { unbracket } from './ports.ts';
import { isProcessAlive, processStartTime, readPidFile, removePidFile, spawnDetached, stopProcess } from './processes.ts';
import { forgetStarted, recordStarted, type StartedServer } from './started-state.ts';
import type { InfraContext, ProbeResult } from './types.ts';

const execFileAsync = promisify(execFile);

/** Where the MySQL server of a `mysql://` URL is and who to log in as. */
export interface MysqlTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string | undefined;
  readonly password: string | undefined;
  /** '' when the URL names none. */
  readonly database: string;
}

/** Binaries `infra up` may start, in order of preference. */
export const MYSQL_SERVER_BINARIES = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld', 'mariadbd', 'mysqld'] as const;

const START_TIMEOUT_MS = 30_000;

/** Parses a `mysql://user:password@host:port/database` URL (port default 3306). */
export function mysqlTarget(mysqlUrl: string): MysqlTarget {
  const url = new URL(mysqlUrl);
  return {
    host: unbracket(url.hostname),
    port: url.port ? Number(url.port) : 3306,
    user: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database: databaseName(url),
  };
}

/**
 * mysql2 connection options for a URL. Without `database` the connection names no schema, so
 * it also works before `CREATE DATABASE`.
 */
export function mysqlConnectionOptions(
  mysqlUrl: string,
  options: { readonly database?: boolean; readonly timeoutMs?: number; readonly multipleStatements?: boolean } = {},
): mysql.ConnectionOptions {
  const target = mysqlTarget(mysqlUrl);
  return {
    host: target.host,
    port: target.port,
    ...(target.user !== undefined ? { user: target.user } : {}),
    ...(target.password !== undefined ? { password: target.password } : {}),
    ...(options.database && target.database ? { database: target.database } : {}),
    connectTimeout: options.timeoutMs ?? 2_000,
    multipleStatements: options.multipleStatements ?? false,
  };
}

/**
 * Connects (without the database, which may not exist yet) and reads `SELECT VERSION()`.
 * Never throws: an unreachable server is reported in the result.
 * @param timeoutMs connect timeout in milliseconds.
 */
export async function probeMysql(mysqlUrl: string, timeoutMs = 2_000): Promise<ProbeResult> {
  let conn: mysql.Connection | undefined;
  try {
    conn = await mysql.createConnection(mysqlConnectionOptions(mysqlUrl, { timeoutMs }));
    conn.on('error', () => {});
    const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT VERSION() AS version');
    return { reachable: true, version: String(rows[0]?.version ?? 'unknown') };
  } catch (err) {
    return { reachable: false, version: 'unknown', error: oneLineError(err) };
  } finally {
    await conn?.end().catch(() => conn?.destroy());
  }
}

/**
 * `CREATE DATABASE IF NOT EXISTS` for the URL's database, in utf8mb4 (each server picks its
 * default utf8mb4 collation: the names differ between MySQL 8 and MariaDB).
 * @throws TicketbenchError INFRA_UNAVAILABLE when the server is unreachable or refuses.
 */
export async function ensureDatabase(mysqlUrl: string): Promise<void> {
  const { database } = mysqlTarget(mysqlUrl);
  if (!database) throw new TicketbenchError('INFRA_UNAVAILABLE', `--mysql-url ${redactUrl(mysqlUrl)} names no database; add one, e.g. /ticketbench.`);
  let conn: mysql.Connection;
  try {
    conn = await mysql.createConnection(mysqlConnectionOptions(mysqlUrl, { timeoutMs: 5_000 }));
  } catch (err) {
    throw new TicketbenchError('INFRA_UNAVAILABLE', `Cannot connect to MySQL at ${redactUrl(mysqlUrl)}: ${oneLineError(err)}; run \`ticketbench infra up\` or check --mysql-url.`, { cause: err });
  }
  conn.on('error', () => {});
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS ${mysql.escapeId(database)} CHARACTER SET utf8mb4`);
  } catch (err) {
    throw new TicketbenchError(
      'INFRA_UNAVAILABLE',
      `Could not create database ${database} on MySQL at ${redactUrl(mysqlUrl)}: ${oneLineError(err)}; check the user's privileges in --mysql-url.`,
      { cause: err },
    );
  } finally {
    await conn.end().catch(() => conn.destroy());
  }
}

/**
 * Starts the local MySQL/MariaDB server `binary` on the URL's port, records it in
 * started.json and waits (≤ 30 s) until it answers. On a failed start the process is stopped.
 * Uses start-stop-daemon when installed (Debian's way), else spawns the server detached.
 * @throws TicketbenchError INFRA_UNAVAILABLE when it exits or does not answer in time.
 */
export async function startLocalMysql(ctx: InfraContext, mysqlUrl: string, binary: string): Promise<StartedServer> {
  const { host, port } = mysqlTarget(mysqlUrl);
  const pidFile = pidFilePath(ctx.stateDir, 'mariadb');
  const logFile = path.join(ctx.stateDir, 'mariadb.log');
  const address = redactUrl(mysqlUrl);
  const serverArgs = [`--port=${port}`];
  ctx.log(`starting ${path.basename(binary)} on port ${port} (log: ${logFile})`);

  removePidFile(pidFile);
  let pid: number | undefined;
  try {
    const startStopDaemon = findExecutable(['/usr/sbin/start-stop-daemon', '/sbin/start-stop-daemon', 'start-stop-daemon']);
    if (startStopDaemon) {
      await execFileAsync(startStopDaemon, [
        '--start', '--oknodo', '--background', '--make-pidfile', '--pidfile', pidFile,
        '--output', logFile, '--exec', binary, '--', ...serverArgs,
      ], { timeout: 10_000 });
      // --background returns before the daemonised child has written the pid file.
      pid = await pollUntil(async () => readPidFile(pidFile), 5_000, 100);
    } else {
      pid = await spawnDetached({ command: binary, args: serverArgs, cwd: ctx.stateDir, logFile, pidFile });
    }
  } catch (err) {
    throw new TicketbenchError('INFRA_UNAVAILABLE', `MySQL at ${address} is not reachable and ${binary} could not be started: ${oneLineError(err)}; start MySQL yourself or pass --mysql-url.`, { cause: err });
  }
  if (pid === undefined) {
    throw new TicketbenchError('INFRA_UNAVAILABLE', `MySQL at ${address} is not reachable and ${binary} did not start (no pid file ${pidFile}); start MySQL yourself or pass --mysql-url.`);
  }

  const started: StartedServer = {
    name: 'mysql', pid, startedAt: new Date().toISOString(), endpoint: `${host}:${port}`,
    pidFile, commandIncludes: path.basename(binary), startTime: processStartTime(pid),
  };
  recordStarted(ctx.stateDir, started);

  let lastError = 'no answer yet';
  const ready = await pollUntil(async () => {
    if (!isProcessAlive(pid)) return 'exited' as const;
    const probe = await probeMysql(mysqlUrl, 1_000);
    if (probe.reachable) return 'ready' as const;
    lastError = probe.error ?? lastError;
    return undefined;
  }, START_TIMEOUT_MS);
  if (ready === 'ready') return started;

  await stopProcess(pid, 10_000).catch(() => undefined);
  removePidFile(pidFile);
  forgetStarted(ctx.stateDir, 'mysql', pid);
  const what = ready === 'exited' ? `${path.basename(binary)} exited right after starting` : `${path.basename(binary)} did not answer within ${START_TIMEOUT_MS / 1000} s (${lastError})`;
  throw new TicketbenchError('INFRA_UNAVAILABLE', `MySQL at ${address}: ${what}; see ${logFile}, or start MySQL yourself and pass --mysql-url.`);
}
