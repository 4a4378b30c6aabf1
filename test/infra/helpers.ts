/**
 * Shared helpers of the infra tests: real servers only (MariaDB on 3306, Redis on 6379, the
 * dev Kafka broker on 9092 which must never be stopped).
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { freePort } from '../../src/infra/ports.ts';

export const MYSQL_ROOT = 'mysql://root@127.0.0.1:3306';

/** A port nothing listens on right now (the OS picks it; closed again before returning). */
export const closedPort = freePort;

/** A fresh temporary folder. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ticketbench-${prefix}-`));
}

/** Runs one statement on the local MariaDB as root, without a default database. */
export async function sql<T = unknown>(statement: string, params: unknown[] = []): Promise<T> {
  const conn = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
  try {
    const [rows] = await conn.query(statement, params);
    return rows as T;
  } finally {
    await conn.end();
  }
}

/** Drops a test database (name must start with ticketbench_infra_). */
export async function dropDatabase(name: string): Promise<void> {
  if (!name.startsWith('ticketbench_infra_')) throw new Error(`refusing to drop ${name}`);
  await sql(`DROP DATABASE IF EXISTS \`${name}\``);
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1_000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
