/**
 * `ticketbench seed`: fills a database with concerts, schedules, seats and users at the size
 * where read paths get interesting (seed 002: a 150-million-row seat table), fast — multi-row
 * INSERT statements of `batch` rows built as text, one per round trip, on `parallel` connections
 * each filling whole schedules — and safely again:
 *
 * - idempotent: every row has a deterministic identity (concert `seed concert {i}`, the first S
 *   schedules of each seed concert, seats `S1`…`SN` of each schedule, users `seed-user-{i}`), so a
 *   second run with the same arguments adds nothing, and larger arguments add only the difference;
 * - resumable: seats and users are inserted in order in batches that commit together with their
 *   progress row in `seed_progress` (created here; the seed's own bookkeeping), so an interrupted
 *   run continues where the last committed batch ended; `INSERT IGNORE` on the seats' unique
 *   (schedule_id, seat_no) key makes a replayed batch harmless.
 *
 * With `deferIndexes` the seats table's non-unique secondary indexes are dropped for the load and
 * rebuilt after it (one ALTER): cheaper than maintaining them row by row when the table is mostly
 * new rows. They are rebuilt at the end of any run that finds them missing.
 */
import { Readable } from 'node:stream';
import mysql, { type Pool, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import { inTransaction } from '../util/transaction.ts';

/** How seat rows are sent: multi-row `INSERT IGNORE` statements, or `LOAD DATA LOCAL INFILE` of a CSV built in memory. */
export type SeedMethod = 'insert' | 'load-data';

/** What to create. Counts are totals, not increments. */
export interface SeedPlan {
  readonly concerts: number;
  readonly schedulesPerConcert: number;
  readonly seatsPerSchedule: number;
  readonly users: number;
  /** Rows per INSERT statement. */
  readonly batch: number;
  /** Connections loading seats at once (each fills whole schedules). */
  readonly parallel: number;
  /** Drop the seats table's non-unique secondary indexes during the load, rebuild after. */
  readonly deferIndexes: boolean;
  /** How seat batches are sent (default `insert`). */
  readonly method?: SeedMethod;
}

/** Defaults of `ticketbench seed`: 10 × 10 × 10,000 = 1,000,000 seats and 10,000 users. */
export const SEED_DEFAULTS: SeedPlan = { concerts: 10, schedulesPerConcert: 10, seatsPerSchedule: 10_000, users: 10_000, batch: 5_000, parallel: 2, deferIndexes: false };

/** Progress of the seat load (the bulk of the work), reported about every 250 ms and at the end. */
export interface SeedProgress {
  readonly phase: 'concerts' | 'schedules' | 'users' | 'seats' | 'indexes';
  /** Seat rows present of the plan's total (existing ones included). */
  readonly seatsDone: number;
  readonly seatsTotal: number;
  /** Seat rows inserted by this run per second of seat loading so far. */
  readonly seatRowsPerSecond: number;
  readonly elapsedMs: number;
}

/** What a seed run did. */
export interface SeedResult {
  /** Rows inserted by this run. */
  readonly inserted: { readonly concerts: number; readonly schedules: number; readonly seats: number; readonly users: number };
  /** Rows of the plan now present. */
  readonly present: { readonly concerts: number; readonly schedules: number; readonly seats: number; readonly users: number };
  /** Whole run, ms. */
  readonly elapsedMs: number;
  /** Seat loading, ms (without the index rebuild). */
  readonly seatLoadMs: number;
  /** Index rebuild after a deferred load, ms (0 when none). */
  readonly indexBuildMs: number;
  /** Seat rows inserted per second of the whole run (load + index build). */
  readonly seatRowsPerSecond: number;
  /** Size of the seats table after the run, bytes (information_schema, an InnoDB estimate). */
  readonly seatsTableBytes: { readonly data: number; readonly index: number };
  /** The plan's schedules, in seed order (concert by concert). */
  readonly scheduleIds: readonly number[];
}

/** The seats table's non-unique secondary indexes (001 and 003 migrations), as ADD INDEX clauses. */
const SEAT_INDEXES: Readonly<Record<string, string>> = {
  idx_seats_schedule_status: '(schedule_id, status)',
  idx_seats_available: '(schedule_id, status, seat_no)',
};

const CONCERT_PREFIX = 'seed concert ';
const USER_PREFIX = 'seed-user-';
const PROGRESS_TICK_MS = 250;

/** Deterministic price of seat `S{i}`, points: five price bands. */
export function seedSeatPrice(i: number): number {
  return 50_000 + (i % 5) * 10_000;
}

/**
 * Runs the seed against `mysqlUrl` (schema already migrated).
 * @param onProgress called about every 250 ms and once per phase change
 * @throws the driver's error (a run can simply be repeated: it resumes)
 */
export async function seedDatabase(mysqlUrl: string, plan: SeedPlan, onProgress: (p: SeedProgress) => void = () => {}): Promise<SeedResult> {
  const started = Date.now();
  const pool = mysql.createPool({ uri: mysqlUrl.replace(/^mariadb:/, 'mysql:'), connectionLimit: plan.parallel + 1, timezone: 'Z' });
  const seatsTotal = plan.concerts * plan.schedulesPerConcert * plan.seatsPerSchedule;
  let seatsDone = 0;
  let seatsInserted = 0;
  let seatLoadStarted = Date.now();
  const report = (phase: SeedProgress['phase']): void => {
    const loadMs = Date.now() - seatLoadStarted;
    onProgress({ phase, seatsDone, seatsTotal, seatRowsPerSecond: loadMs > 0 ? (seatsInserted / loadMs) * 1000 : 0, elapsedMs: Date.now() - started });
  };
  try {
    await pool.query('CREATE TABLE IF NOT EXISTS seed_progress (item VARCHAR(64) NOT NULL PRIMARY KEY, done BIGINT NOT NULL) ENGINE=InnoDB');
    report('concerts');
    const concerts = await ensureConcerts(pool, plan.concerts);
    report('schedules');
    const schedules = await ensureSchedules(pool, concerts.ids, plan.schedulesPerConcert, plan.seatsPerSchedule);
    report('users');
    const usersInserted = await ensureUsers(pool, plan.users, plan.batch);

    const progress = await readProgress(pool, 'seats:');
    seatsDone = schedules.ids.reduce((n, id) => n + Math.min(progress.get(`seats:${id}`) ?? 0, plan.seatsPerSchedule), 0);
    const pending = schedules.ids.filter((id) => (progress.get(`seats:${id}`) ?? 0) < plan.seatsPerSchedule);
    if (plan.deferIndexes && pending.length > 0) await dropSeatIndexes(pool);
    seatLoadStarted = Date.now();
    report('seats');
    const timer = setInterval(() => report('seats'), PROGRESS_TICK_MS);
    try {
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < pending.length) {
          const scheduleId = pending[next++]!;
          let from = progress.get(`seats:${scheduleId}`) ?? 0;
          while (from < plan.seatsPerSchedule) {
            const to = Math.min(from + plan.batch, plan.seatsPerSchedule);
            const inserted = await insertSeatBatch(pool, scheduleId, from, to, plan.method ?? 'insert');
            seatsDone += to - from;
            seatsInserted += inserted;
            from = to;
          }
        }
      };
      await Promise.all(Array.from({ length: plan.parallel }, worker));
    } finally {
      clearInterval(timer);
    }
    const seatLoadMs = Date.now() - seatLoadStarted;
    // Announce the index phase only when there is a rebuild to wait for (deferred indexes).
    if (plan.deferIndexes) report('indexes');
    const indexStarted = Date.now();
    await ensureSeatIndexes(pool);
    const indexBuildMs = Date.now() - indexStarted;
    report('indexes');

    // information_schema's sizes come from InnoDB's persistent statistics, which lag a bulk load
    // (a fresh 1M-row table reads 0 bytes); ANALYZE refreshes them from a few sampled pages.
    await pool.query('ANALYZE TABLE seats');
    const [sizes] = await pool.query<RowDataPacket[]>(
      "SELECT data_length AS data, index_length AS idx FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'seats'",
    );
    const loadAndIndexMs = seatLoadMs + indexBuildMs;
    return {
      inserted: { concerts: concerts.inserted, schedules: schedules.inserted, seats: seatsInserted, users: usersInserted },
      present: { concerts: plan.concerts, schedules: schedules.ids.length, seats: seatsDone, users: plan.users },
      elapsedMs: Date.now() - started,
      seatLoadMs,
      indexBuildMs,
      seatRowsPerSecond: loadAndIndexMs > 0 ? (seatsInserted / loadAndIndexMs) * 1000 : 0,
      seatsTableBytes: { data: Number(sizes[0]?.data ?? 0), index: Number(sizes[0]?.idx ?? 0) },
      scheduleIds: schedules.ids,
    };
  } finally {
    await pool.end();
  }
}

/** Seed concerts 1..n by name; returns their ids in order and how many were added. */
async function ensureConcerts(pool: Pool, n: number): Promise<{ ids: number[]; inserted: number }> {
  const existing = await concertIds(pool);
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((i) => !existing.has(i));
  if (missing.length > 0) await pool.query('INSERT INTO concerts (name) VALUES ?', [missing.map((i) => [`${CONCERT_PREFIX}${i}`])]);
  const all = missing.length > 0 ? await concertIds(pool) : existing;
  return { ids: Array.from({ length: n }, (_, i) => all.get(i + 1)!), inserted: missing.length };
}

async function concertIds(pool: Pool): Promise<Map<number, number>> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT id, name FROM concerts WHERE name LIKE ? ORDER BY id', [`${CONCERT_PREFIX}%`]);
  const ids = new Map<number, number>();
  for (const row of rows) {
    const i = Number(String(row.name).slice(CONCERT_PREFIX.length));
    // The first row of a name wins; a duplicate (from a race of two seeds) is ignored.
    if (Number.isInteger(i) && !ids.has(i)) ids.set(i, Number(row.id));
  }
  return ids;
}

/** The first `perConcert` schedules of each seed concert (created as needed), in order. */
async function ensureSchedules(pool: Pool, concertIdList: readonly number[], perConcert: number, seats: number): Promise<{ ids: number[]; inserted: number }> {
  const read = async (): Promise<Map<number, number[]>> => {
    const byConcert = new Map<number, number[]>();
    for (let i = 0; i < concertIdList.length; i += 1_000) {
      const chunk = concertIdList.slice(i, i + 1_000);
      const [rows] = await pool.query<RowDataPacket[]>('SELECT id, concert_id FROM schedules WHERE concert_id IN (?) ORDER BY id', [chunk]);
      for (const row of rows) byConcert.set(Number(row.concert_id), [...(byConcert.get(Number(row.concert_id)) ?? []), Number(row.id)]);
    }
    return byConcert;
  };
  const before = await read();
  const rows: unknown[][] = [];
  for (const concertId of concertIdList) {
    const have = before.get(concertId)?.length ?? 0;
    // Deterministic start times: one schedule per day from 2030-01-01.
    for (let k = have; k < perConcert; k++) rows.push([concertId, new Date(Date.UTC(2030, 0, 1 + k, 19)), seats]);
  }
  for (let i = 0; i < rows.length; i += 5_000) {
    await pool.query('INSERT INTO schedules (concert_id, starts_at, seat_count) VALUES ?', [rows.slice(i, i + 5_000)]);
  }
  const after = rows.length > 0 ? await read() : before;
  return { ids: concertIdList.flatMap((c) => (after.get(c) ?? []).slice(0, perConcert)), inserted: rows.length };
}

/** Users `seed-user-1`…`n`, each with an empty wallet, in batches committed with their progress. */
async function ensureUsers(pool: Pool, n: number, batch: number): Promise<number> {
  let done = (await readProgress(pool, 'users')).get('users') ?? 0;
  let inserted = 0;
  while (done < n) {
    const to = Math.min(done + batch, n);
    const names = Array.from({ length: to - done }, (_, j) => [`${USER_PREFIX}${done + j + 1}`]);
    await inTransaction(pool, async (conn) => {
      const [result] = await conn.query<ResultSetHeader>('INSERT INTO users (name) VALUES ?', [names]);
      // Rows of this statement have ids from insertId on; other clients' rows in between are
      // filtered out by name.
      await conn.query('INSERT INTO wallets (user_id, balance) SELECT id, 0 FROM users WHERE id >= ? AND name LIKE ?', [result.insertId, `${USER_PREFIX}%`]);
      await conn.query('INSERT INTO seed_progress (item, done) VALUES (?, ?) ON DUPLICATE KEY UPDATE done = VALUES(done)', ['users', to]);
    });
    inserted += to - done;
    done = to;
  }
  return inserted;
}

/** Seats `S{from+1}`…`S{to}` of a schedule and their progress row, in one transaction. */
async function insertSeatBatch(pool: Pool, scheduleId: number, from: number, to: number, method: SeedMethod): Promise<number> {
  // Built as text: numbers and `S<digits>` only, so nothing needs escaping, and no per-value
  // placeholder work on a 5,000-row statement.
  const rows: string[] = [];
  for (let i = from + 1; i <= to; i++) rows.push(method === 'insert' ? `(${scheduleId},'S${i}',${seedSeatPrice(i)})` : `${scheduleId},S${i},${seedSeatPrice(i)}\n`);
  return inTransaction(pool, async (conn) => {
    const [result] =
      method === 'insert'
        ? await conn.query<ResultSetHeader>(`INSERT IGNORE INTO seats (schedule_id, seat_no, price) VALUES ${rows.join(',')}`)
        : await conn.query<ResultSetHeader>({
            // The file name is only a label: the driver streams the CSV built above (mysql2's
            // infileStreamFactory); the server must allow local_infile.
            sql: "LOAD DATA LOCAL INFILE 'seats.csv' IGNORE INTO TABLE seats FIELDS TERMINATED BY ',' LINES TERMINATED BY '\\n' (schedule_id, seat_no, price)",
            infileStreamFactory: () => Readable.from([Buffer.from(rows.join(''))]),
          });
    await conn.query('INSERT INTO seed_progress (item, done) VALUES (?, ?) ON DUPLICATE KEY UPDATE done = VALUES(done)', [`seats:${scheduleId}`, to]);
    return result.affectedRows;
  });
}

async function readProgress(pool: Pool, prefix: string): Promise<Map<string, number>> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT item, done FROM seed_progress WHERE item LIKE ?', [`${prefix}%`]);
  return new Map(rows.map((row) => [String(row.item), Number(row.done)]));
}

async function seatIndexNames(pool: Pool): Promise<Set<string>> {
  const [rows] = await pool.query<RowDataPacket[]>(
    "SELECT DISTINCT index_name AS name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'seats'",
  );
  return new Set(rows.map((row) => String(row.name)));
}

async function dropSeatIndexes(pool: Pool): Promise<void> {
  const present = await seatIndexNames(pool);
  const drops = Object.keys(SEAT_INDEXES).filter((name) => present.has(name));
  if (drops.length > 0) await pool.query(`ALTER TABLE seats ${drops.map((name) => `DROP INDEX ${name}`).join(', ')}`);
}

/** Adds back any of the seats table's secondary indexes that is missing (one ALTER for all). */
async function ensureSeatIndexes(pool: Pool): Promise<void> {
  const present = await seatIndexNames(pool);
  const adds = Object.entries(SEAT_INDEXES).filter(([name]) => !present.has(name));
  if (adds.length > 0) await pool.query(`ALTER TABLE seats ${adds.map(([name, cols]) => `ADD INDEX ${name} ${cols}`).join(', ')}`);
}
