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
const DB_SALES = `${DB}_sales`;

beforeAll(async () => {
  conn = await mysql.createConnection({ uri: ROOT });
  await conn.query(`DROP DATABASE IF EXISTS \`${DB}\``);
  await conn.query(`DROP DATABASE IF EXISTS \`${DB_LOAD}\``);
  await conn.query(`DROP DATABASE IF EXISTS \`${DB_SALES}\``);
});
afterAll(async () => {
  await conn.query(`DROP DATABASE IF EXISTS \`${DB}\``);
  await conn.query(`DROP DATABASE IF EXISTS \`${DB_LOAD}\``);
  await conn.query(`DROP DATABASE IF EXISTS \`${DB_SALES}\``);
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

  it('--confirmed sells seats as a settled run leaves them, once', async () => {
    const plan = ['--mysql-url', `${ROOT}/${DB_SALES}`, '--concerts', '1', '--schedules-per-concert', '3', '--seats-per-schedule', '1000', '--users', '300', '--batch', '700', '--confirmed', '2500', '--ci'];
    const first = await cli(['seed', ...plan]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/sold: 2,500 confirmed reservations in schedules \d+–\d+ \(2,500 written now in .*, 2,500 events published and consumed in /);
    const n = async (sql: string): Promise<number> => Number((await conn.query<RowDataPacket[]>(sql))[0][0]?.n);
    const db = `\`${DB_SALES}\``;
    const sold = async () => [
      await n(`SELECT COUNT(*) AS n FROM ${db}.reservations WHERE status = 'CONFIRMED'`),
      await n(`SELECT COUNT(*) AS n FROM ${db}.payments p JOIN ${db}.reservations r ON r.id = p.reservation_id JOIN ${db}.seats s ON s.schedule_id = r.schedule_id AND s.seat_no = r.seat_no WHERE p.amount = s.price AND p.user_id = r.user_id`),
      await n(`SELECT COUNT(*) AS n FROM ${db}.confirmed_seat_guard g JOIN ${db}.reservations r ON r.id = g.reservation_id AND r.seat_no = g.seat_no`),
      await n(`SELECT COUNT(*) AS n FROM ${db}.seats WHERE status = 'SOLD'`),
      await n(`SELECT COUNT(*) AS n FROM ${db}.outbox_event o JOIN ${db}.reservations r ON r.id = o.aggregate_id WHERE o.sent_at IS NOT NULL AND JSON_VALUE(o.payload, '$.eventId') = o.event_id`),
      await n(`SELECT COUNT(*) AS n FROM ${db}.consumer_dedup d JOIN ${db}.outbox_event o ON o.event_id = d.event_id WHERE d.consumer_group = 'ticketbench-target.${DB_SALES}'`),
      await n(`SELECT SUM(sold_count) AS n FROM ${db}.schedules`),
    ];
    // Reservation, payment of the seat's price, guard row, SOLD seat, sent outbox event, consumer row, sold count: one each per sale.
    expect(await sold()).toEqual([2_500, 2_500, 2_500, 2_500, 2_500, 2_500, 2_500]);
    // The first two schedules sold out, the third sold its first 500 seats.
    expect(await n(`SELECT COUNT(*) AS n FROM ${db}.seats WHERE status = 'SOLD' AND CAST(SUBSTRING(seat_no, 2) AS UNSIGNED) > 500 AND schedule_id = (SELECT MAX(id) FROM ${db}.schedules)`)).toBe(0);

    const again = await cli(['seed', ...plan]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/\(0 written now in .*, 0 events published and consumed in /);
    expect(await sold()).toEqual([2_500, 2_500, 2_500, 2_500, 2_500, 2_500, 2_500]);
  }, 120_000);

  it.each([
    [['seed', '--seats-per-schedule', '10', '--concerts', '1', '--schedules-per-concert', '1', '--confirmed', '11'], /--confirmed 11 is more than the plan's 10 seats/],
    [['seed', '--confirmed', 'many'], /--confirmed must be an integer from 0 to 2000000000, got "many"/],
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
