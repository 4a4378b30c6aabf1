// `ticketbench seed` through the real executable against the real MariaDB/MySQL: fills a scratch
// database, reports rows per second and the table size, adds nothing when run again, resumes an
// interrupted load from its progress rows, and rejects bad flags with one line and exit 2.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';

const ROOT = process.env.TEST_MYSQL_ROOT_URL ?? 'mysql://root@127.0.0.1:3306';
const TAG = createHash('sha1').update(fileURLToPath(new URL('../..', import.meta.url))).digest('hex').slice(0, 6);
const DB = `ticketbench_seed_test_${TAG}`;
const URL_ = `${ROOT}/${DB}`;
const PLAN = ['--concerts', '2', '--schedules-per-concert', '3', '--seats-per-schedule', '2500', '--users', '1200', '--batch', '1000'];
let conn: mysql.Connection;

const count = async (sql: string): Promise<number> => Number((await conn.query<RowDataPacket[]>(sql))[0][0]?.n);

const DB_LOAD = `${DB}_ld`;

beforeAll(async () => {
  conn = await mysql.createConnection({ uri: ROOT });
  await conn.query(`DROP DATABASE IF EXISTS \`${DB}\``);
  await conn.query(`DROP DATABASE IF EXISTS \`${DB_LOAD}\``);
});
afterAll(async () => {
  await conn.query(`DROP DATABASE IF EXISTS \`${DB}\``);
  await conn.query(`DROP DATABASE IF EXISTS \`${DB_LOAD}\``);
  await conn.end();
});

describe('ticketbench seed', () => {
  it('fills the database, then adds nothing when run again', async () => {
    const first = await cli(['seed', '--mysql-url', URL_, ...PLAN, '--ci']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('2 concerts × 3 schedules × 2,500 seats = 15,000 seats, 1,200 users');
    expect(first.stdout).toMatch(/inserted: 2 concerts, 6 schedules, 15,000 seats, 1,200 users/);
    expect(first.stdout).toMatch(/[\d,]+ seat rows\/s/);
    expect(first.stdout).toMatch(/seats table: data [\d.]+ MiB, indexes [\d.]+ MiB/);
    await conn.query(`USE \`${DB}\``);
    expect(await count('SELECT COUNT(*) AS n FROM seats')).toBe(15_000);
    expect(await count("SELECT COUNT(DISTINCT schedule_id) AS n FROM seats WHERE seat_no = 'S2500'")).toBe(6);
    expect(await count('SELECT COUNT(*) AS n FROM users u JOIN wallets w ON w.user_id = u.id')).toBe(1_200);

    const again = await cli(['seed', '--mysql-url', URL_, ...PLAN, '--ci']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/inserted: 0 concerts, 0 schedules, 0 seats, 0 users \(present: 15,000 seats\)/);
    expect(await count('SELECT COUNT(*) AS n FROM seats')).toBe(15_000);
    expect(await count('SELECT COUNT(*) AS n FROM users')).toBe(1_200);
  }, 60_000);

  it('resumes an interrupted load where its last committed batch ended, with deferred indexes', async () => {
    // As if the load had stopped after the first 1,000 seats of one schedule.
    const [[schedule]] = await conn.query<RowDataPacket[]>('SELECT MIN(schedule_id) AS id FROM seats');
    await conn.query("DELETE FROM seats WHERE schedule_id = ? AND CAST(SUBSTRING(seat_no, 2) AS UNSIGNED) > 1000", [schedule!.id]);
    await conn.query('UPDATE seed_progress SET done = 1000 WHERE item = ?', [`seats:${schedule!.id}`]);
    const resumed = await cli(['seed', '--mysql-url', URL_, ...PLAN, '--defer-indexes', '--ci']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/inserted: 0 concerts, 0 schedules, 1,500 seats, 0 users/);
    expect(resumed.stdout).toMatch(/index build/);
    expect(await count('SELECT COUNT(*) AS n FROM seats')).toBe(15_000);
    const [indexes] = await conn.query<RowDataPacket[]>("SELECT DISTINCT index_name AS name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'seats'");
    expect(indexes.map((r) => r.name)).toEqual(expect.arrayContaining(['idx_seats_schedule_status', 'idx_seats_available', 'uk_seats_schedule_seat']));
  }, 60_000);

  it('--method load-data streams the same rows through LOAD DATA LOCAL INFILE', async () => {
    const result = await cli(['seed', '--mysql-url', `${ROOT}/${DB_LOAD}`, ...PLAN, '--method', 'load-data', '--ci']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('via LOAD DATA LOCAL INFILE');
    expect(result.stdout).toMatch(/inserted: 2 concerts, 6 schedules, 15,000 seats, 1,200 users/);
    const [[row]] = await conn.query<RowDataPacket[]>(`SELECT COUNT(*) AS n, SUM(price) AS total, COUNT(DISTINCT schedule_id) AS schedules FROM \`${DB_LOAD}\`.seats WHERE status = 'AVAILABLE'`);
    const [[same]] = await conn.query<RowDataPacket[]>(`SELECT SUM(price) AS total FROM \`${DB}\`.seats`);
    expect([Number(row!.n), Number(row!.schedules), Number(row!.total)]).toEqual([15_000, 6, Number(same!.total)]);
  }, 60_000);

  it.each([
    [['seed', '--method', 'copy'], /--method must be insert or load-data, got "copy"/],
    [['seed', '--seats-per-schedule', '0'], /--seats-per-schedule must be an integer from 1 to 1000000, got "0"/],
    [['seed', '--concerts', 'ten'], /--concerts must be an integer from 1 to 1000000, got "ten"/],
    [['seed', '--concerts', '1000000', '--schedules-per-concert', '100000', '--seats-per-schedule', '1000'], /at most 2,000,000,000 are allowed/],
  ])('%j → exit 2 with one line', async (args, pattern) => {
    const result = await cli(args as string[]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(pattern);
  });
});
