import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TicketbenchError } from '../../src/errors.ts';
import { applyMigrations } from '../../src/infra/index.ts';
import { listMigrations } from '../../src/infra/migrations.ts';
import { DEFAULT_MIGRATIONS_DIR } from '../../src/infra/paths.ts';
import { closedPort, dropDatabase, MYSQL_ROOT, sql, tempDir } from './helpers.ts';

const databases = ['ticketbench_infra_mig_a', 'ticketbench_infra_mig_b', 'ticketbench_infra_mig_c', 'ticketbench_infra_mig_d'] as const;
const dirs: string[] = [];

afterAll(async () => {
  for (const db of databases) await dropDatabase(db);
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A copy of the real migrations folder that a test may edit. */
function copyOfMigrations(): string {
  const dir = tempDir('migrations');
  dirs.push(dir);
  for (const name of fs.readdirSync(DEFAULT_MIGRATIONS_DIR)) fs.copyFileSync(path.join(DEFAULT_MIGRATIONS_DIR, name), path.join(dir, name));
  return dir;
}

async function rejection(promise: Promise<unknown>): Promise<TicketbenchError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(TicketbenchError);
  return err as TicketbenchError;
}

describe('applyMigrations', () => {
  it('creates the database, applies each file once and records it', async () => {
    const db = databases[0];
    await dropDatabase(db);
    expect(await applyMigrations(`${MYSQL_ROOT}/${db}`)).toEqual(['001', '002', '003']);
    expect(await applyMigrations(`${MYSQL_ROOT}/${db}`)).toEqual([]);

    const rows = await sql<{ version: string; name: string; checksum: string }[]>(`SELECT version, name, checksum FROM \`${db}\`.schema_migrations ORDER BY version`);
    expect(rows).toEqual([
      { version: '001', name: 'init', checksum: listMigrations()[0]?.checksum },
      { version: '002', name: 'wallet', checksum: listMigrations()[1]?.checksum },
      { version: '003', name: 'read_indexes', checksum: listMigrations()[2]?.checksum },
    ]);
    expect(rows[0]?.checksum).toMatch(/^[0-9a-f]{64}$/);
    const tables = (await sql<Record<string, string>[]>(`SHOW TABLES FROM \`${db}\``)).map((r) => Object.values(r)[0]);
    expect(tables).toEqual(expect.arrayContaining(['reservations', 'confirmed_seat_guard', 'outbox_event', 'consumer_dedup', 'wallets', 'wallet_ledger', 'schema_migrations']));
  });

  it('applies each migration once when several callers race', async () => {
    const db = databases[1];
    await dropDatabase(db);
    const results = await Promise.all([1, 2, 3].map(() => applyMigrations(`${MYSQL_ROOT}/${db}`)));
    expect(results.flat()).toEqual(['001', '002', '003']);
  });

  it('applies new files in numeric order and refuses an applied file whose checksum changed', async () => {
    const db = databases[2];
    await dropDatabase(db);
    const dir = copyOfMigrations();
    expect(await applyMigrations(`${MYSQL_ROOT}/${db}`, dir)).toEqual(['001', '002', '003']);

    fs.writeFileSync(path.join(dir, '010_later.sql'), 'CREATE TABLE later_one (id INT PRIMARY KEY);\n');
    fs.writeFileSync(path.join(dir, '004_next.sql'), 'CREATE TABLE next_one (id INT PRIMARY KEY);\nINSERT INTO next_one VALUES (1);\n');
    expect(await applyMigrations(`${MYSQL_ROOT}/${db}`, dir)).toEqual(['004', '010']);

    fs.appendFileSync(path.join(dir, '001_init.sql'), '\n-- edited after it was applied\n');
    const err = await rejection(applyMigrations(`${MYSQL_ROOT}/${db}`, dir));
    expect(err.code).toBe('INFRA_UNAVAILABLE');
    expect(err.message).toMatch(/001_init\.sql changed after it was applied \(checksum/);
    expect(err.message).not.toContain('\n');
  });

  it('reports a failing migration by file name and does not record it', async () => {
    const db = databases[3];
    await dropDatabase(db);
    const dir = tempDir('bad-migration');
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, '001_bad.sql'), 'CREATE TABLE ok_table (id INT PRIMARY KEY);\nCREATE TABLEX broken (id INT);\n');
    const err = await rejection(applyMigrations(`${MYSQL_ROOT}/${db}`, dir));
    expect(err.code).toBe('INFRA_UNAVAILABLE');
    expect(err.message).toMatch(/^Migration 001_bad\.sql .*failed: .*syntax/);
    expect(await sql(`SELECT * FROM \`${db}\`.schema_migrations`)).toEqual([]);
  });

  it('throws INFRA_UNAVAILABLE, with the password redacted, when MySQL is unreachable', async () => {
    const port = await closedPort();
    const err = await rejection(applyMigrations(`mysql://root:secret@127.0.0.1:${port}/ticketbench_infra_x`));
    expect(err.code).toBe('INFRA_UNAVAILABLE');
    expect(err.message).toContain(`mysql://root:***@127.0.0.1:${port}/ticketbench_infra_x`);
    expect(err.message).not.toContain('secret');
  });
});
