/**
 * Applies `examples/seatline/schema.sql` on start.
 */
import { readFile } from 'node:fs/promises';
import mysql from 'mysql2/promise';

/** The schema file, next to this package's src/. */
export const SCHEMA_FILE = new URL('../schema.sql', import.meta.url);

/**
 * Runs the whole schema file as one multi-statement query. Every statement is
 * CREATE TABLE IF NOT EXISTS, so running it on each start (or from several instances) is harmless.
 * @param mysqlUrl must name an existing database (see `ensureDatabase`).
 * @throws the connection or SQL error.
 */
export async function applySchema(mysqlUrl: string): Promise<void> {
  const sql = await readFile(SCHEMA_FILE, 'utf8');
  // A dedicated connection: multipleStatements stays off on the pool that serves requests.
  const conn = await mysql.createConnection({ uri: mysqlUrl, multipleStatements: true, connectTimeout: 5_000 });
  try {
    await conn.query(sql);
  } finally {
    await conn.end();
  }
}
