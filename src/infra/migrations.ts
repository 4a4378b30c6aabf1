/**
 * SQL migrations of the bundled target service: `NNN_name.sql` files applied in order, each
 * once, recorded with a checksum in `schema_migrations`. Runs on MySQL 8 and MariaDB 10.11.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { redactUrl } from '../config/connections.ts';
import { TicketbenchError } from '../errors.ts';
import { oneLineError } from './error-text.ts';
import { ensureDatabase, mysqlConnectionOptions } from './mysql.ts';
import { DEFAULT_MIGRATIONS_DIR } from './paths.ts';

/** One migration file. */
export interface MigrationFile {
  /** The number prefix as written, e.g. '001'. */
  readonly version: string;
  /** The rest of the file name without `.sql`, e.g. 'init'. */
  readonly name: string;
  readonly file: string;
  readonly sql: string;
  /** SHA-256 of the file's bytes, hex. */
  readonly checksum: string;
}

/** Server-wide advisory lock name: concurrent `infra up`s apply migrations one at a time. */
const LOCK_NAME = 'ticketbench_migrations';
const LOCK_TIMEOUT_S = 30;

const FILE_PATTERN = /^(\d+)_([A-Za-z0-9_.-]+)\.sql$/;

/**
 * Reads the migration files of a folder, sorted by numeric version.
 * @throws TicketbenchError INFRA_UNAVAILABLE when the folder is unreadable or two files share a version.
 */
export function listMigrations(migrationsDir: string = DEFAULT_MIGRATIONS_DIR): MigrationFile[] {
  let names: string[];
  try {
    names = fs.readdirSync(migrationsDir);
  } catch (err) {
    throw new TicketbenchError('INFRA_UNAVAILABLE', `Cannot read the migrations folder ${migrationsDir}: ${oneLineError(err)}.`, { cause: err });
  }
  const migrations = names.flatMap((fileName): MigrationFile[] => {
    const match = FILE_PATTERN.exec(fileName);
    if (!match) return [];
    const file = path.join(migrationsDir, fileName);
    const bytes = fs.readFileSync(file);
    return [{ version: match[1] ?? '', name: match[2] ?? '', file, sql: bytes.toString('utf8'), checksum: createHash('sha256').update(bytes).digest('hex') }];
  });
  migrations.sort((a, b) => Number(a.version) - Number(b.version));
  for (let i = 1; i < migrations.length; i++) {
    if (Number(migrations[i]?.version) === Number(migrations[i - 1]?.version)) {
      throw new TicketbenchError('INFRA_UNAVAILABLE', `Two migrations share version ${migrations[i]?.version} in ${migrationsDir}; renumber one.`);
    }
  }
  return migrations;
}

/**
 * Creates the URL's database if missing, then applies the migrations of `migrationsDir`
 * (default target-service/migrations) that `schema_migrations` does not list yet, in order,
 * under the server-wide lock GET_LOCK('ticketbench_migrations', 30).
 * MySQL cannot roll back DDL: a migration failing half way leaves its earlier statements applied
 * and is not recorded.
 * @returns the versions applied by this call (e.g. ['001']), [] when up to date.
 * @throws TicketbenchError INFRA_UNAVAILABLE when the server is unreachable, the lock is not
 *   obtained within 30 s, a migration fails, or an applied file's checksum changed.
 */
export async function applyMigrations(mysqlUrl: string, migrationsDir: string = DEFAULT_MIGRATIONS_DIR): Promise<string[]> {
  const migrations = listMigrations(migrationsDir);
  await ensureDatabase(mysqlUrl);
  const address = redactUrl(mysqlUrl);
  let conn: mysql.Connection;
  try {
    conn = await mysql.createConnection(mysqlConnectionOptions(mysqlUrl, { database: true, timeoutMs: 5_000, multipleStatements: true }));
  } catch (err) {
    throw new TicketbenchError('INFRA_UNAVAILABLE', `Cannot connect to MySQL at ${address} to apply migrations: ${oneLineError(err)}; run \`ticketbench infra up\` or check --mysql-url.`, { cause: err });
  }
  conn.on('error', () => {});
  try {
    const [lockRows] = await conn.query<mysql.RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS got', [LOCK_NAME, LOCK_TIMEOUT_S]);
    if (Number(lockRows[0]?.got) !== 1) {
      throw new TicketbenchError('INFRA_UNAVAILABLE', `Another process has held the migration lock on MySQL at ${address} for ${LOCK_TIMEOUT_S} s; wait for it to finish and retry.`);
    }
    try {
      return await applyLocked(conn, migrations, migrationsDir);
    } finally {
      await conn.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]).catch(() => undefined);
    }
  } catch (err) {
    if (err instanceof TicketbenchError) throw err;
    throw new TicketbenchError('INFRA_UNAVAILABLE', `Applying migrations on MySQL at ${address} failed: ${oneLineError(err)}.`, { cause: err });
  } finally {
    await conn.end().catch(() => conn.destroy());
  }
}

async function applyLocked(conn: mysql.Connection, migrations: readonly MigrationFile[], migrationsDir: string): Promise<string[]> {
  await conn.query(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version VARCHAR(64) NOT NULL PRIMARY KEY,
       name VARCHAR(200) NOT NULL,
       checksum CHAR(64) NOT NULL,
       applied_at DATETIME(6) NOT NULL
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  );
  const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT version, name, checksum FROM schema_migrations');
  const applied = new Map(rows.map((r) => [String(r.version), { name: String(r.name), checksum: String(r.checksum) }]));

  for (const m of migrations) {
    const done = applied.get(m.version);
    if (done && done.checksum !== m.checksum) {
      throw new TicketbenchError(
        'INFRA_UNAVAILABLE',
        `Migration ${path.basename(m.file)} changed after it was applied (checksum differs from schema_migrations); restore the file and add the change as a new migration, or drop the database to start over.`,
      );
    }
  }

  const appliedNow: string[] = [];
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    try {
      await conn.query(m.sql);
    } catch (err) {
      throw new TicketbenchError('INFRA_UNAVAILABLE', `Migration ${path.basename(m.file)} (in ${migrationsDir}) failed: ${oneLineError(err)}; fix it and run again.`, { cause: err });
    }
    await conn.query('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, NOW(6))', [m.version, m.name, m.checksum]);
    appliedNow.push(m.version);
  }
  return appliedNow;
}
