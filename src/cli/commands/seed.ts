/**
 * `ticketbench seed --concerts C --schedules-per-concert S --seats-per-schedule N --users U [--confirmed K]`:
 * creates the database and applies the migrations (unless `--no-infra`; with `--confirmed`, brings
 * the servers up as `infra up` does, since the sales are published to Kafka), fills it (src/seed/seed.ts),
 * then sells K seats as a settled run leaves them (src/seed/confirmed-sales.ts),
 * with a one-line progress bar (plain lines every 2 s with `--ci` or without a terminal), and
 * prints what it inserted, rows per second and the seats table's size.
 */
import { parseNonNegativeInt, parsePositiveInt } from '../../options/values.ts';
import { ExitCode, TicketbenchError } from '../../errors.ts';
import { applyMigrations } from '../../infra/migrations.ts';
import { ensureDatabase } from '../../infra/mysql.ts';
import { redactUrl } from '../../config/connections.ts';
import { formatCount, formatDuration, formatGiB } from '../../report/format.ts';
import { RESERVATION_CONFIRMED_TOPIC } from '../../infra/kafka-admin.ts';
import { infraUp } from '../../infra/local-services.ts';
import { seedConfirmedSales, type SalesProgress } from '../../seed/confirmed-sales.ts';
import { SEED_DEFAULTS, seedDatabase, type SeedMethod, type SeedPlan, type SeedProgress } from '../../seed/seed.ts';
import { connectionsFromFlags } from '../connection-flags.ts';
import type { CliIo } from '../io.ts';

/** Most seats one seed may plan (a sanity bound: 2 billion rows would not fit this machine). */
export const MAX_SEED_SEATS = 2_000_000_000;
const PLAIN_EVERY_MS = 2_000;
const BAR_WIDTH = 30;

/**
 * The plan from the flags (defaults from SEED_DEFAULTS).
 * @throws TicketbenchError INVALID_OPTION for a bad count or a plan above MAX_SEED_SEATS seats.
 */
export function seedPlanFromFlags(opts: Readonly<Record<string, unknown>>): SeedPlan {
  const int = (key: string, flag: string, fallback: number, max?: number): number =>
    opts[key] === undefined ? fallback : parsePositiveInt(String(opts[key]), flag, max);
  const plan: SeedPlan = {
    concerts: int('concerts', '--concerts', SEED_DEFAULTS.concerts, 1_000_000),
    schedulesPerConcert: int('schedulesPerConcert', '--schedules-per-concert', SEED_DEFAULTS.schedulesPerConcert, 100_000),
    seatsPerSchedule: int('seatsPerSchedule', '--seats-per-schedule', SEED_DEFAULTS.seatsPerSchedule, 1_000_000),
    users: int('users', '--users', SEED_DEFAULTS.users, 100_000_000),
    batch: int('batch', '--batch', SEED_DEFAULTS.batch, 50_000),
    parallel: SEED_DEFAULTS.parallel,
    deferIndexes: Boolean(opts['deferIndexes']),
    method: seedMethod(opts['method']),
  };
  const seats = planSeats(plan);
  if (seats > MAX_SEED_SEATS) {
    throw new TicketbenchError('INVALID_OPTION', `The plan asks for ${formatCount(seats)} seats; at most ${formatCount(MAX_SEED_SEATS)} are allowed.`);
  }
  return plan;
}

/** Seats the plan creates in all. */
function planSeats(plan: SeedPlan): number {
  return plan.concerts * plan.schedulesPerConcert * plan.seatsPerSchedule;
}

/**
 * `--confirmed`: how many seats to sell (0 when absent).
 * @throws TicketbenchError INVALID_OPTION for a bad count or more sales than the plan has seats.
 */
export function confirmedFromFlags(opts: Readonly<Record<string, unknown>>, plan: SeedPlan): number {
  if (opts['confirmed'] === undefined) return 0;
  const confirmed = parseNonNegativeInt(String(opts['confirmed']), '--confirmed', MAX_SEED_SEATS);
  const seats = planSeats(plan);
  if (confirmed > seats) throw new TicketbenchError('INVALID_OPTION', `--confirmed ${formatCount(confirmed)} is more than the plan's ${formatCount(seats)} seats.`);
  return confirmed;
}

function seedMethod(value: unknown): SeedMethod {
  if (value === undefined || value === 'insert' || value === 'load-data') return value ?? 'insert';
  throw new TicketbenchError('INVALID_OPTION', `--method must be insert or load-data, got "${String(value)}".`);
}

/**
 * Runs the seed and prints its result.
 * @returns 0
 * @throws TicketbenchError INVALID_OPTION for bad flags, INFRA_UNAVAILABLE when MySQL cannot be
 *   reached, the migrations fail or a statement fails mid-load (re-run the same command to resume).
 */
export async function seedCommand(opts: Record<string, unknown>, io: CliIo): Promise<number> {
  const plan = seedPlanFromFlags(opts);
  const confirmed = confirmedFromFlags(opts, plan);
  const connections = connectionsFromFlags(opts);
  const { mysqlUrl } = connections;
  if (opts['infra'] !== false && confirmed > 0) {
    await ensureDatabase(mysqlUrl);
    await infraUp({ connections, ...(opts['stateDir'] ? { stateDir: String(opts['stateDir']) } : {}), log: () => undefined });
  } else if (opts['infra'] !== false) {
    await ensureDatabase(mysqlUrl);
    await applyMigrations(mysqlUrl);
  }
  const seats = planSeats(plan);
  io.stdout.write(
    `seeding ${redactUrl(mysqlUrl)}: ${formatCount(plan.concerts)} concerts × ${formatCount(plan.schedulesPerConcert)} schedules × ${formatCount(plan.seatsPerSchedule)} seats = ${formatCount(seats)} seats, ${formatCount(plan.users)} users${plan.deferIndexes ? ' (secondary indexes deferred)' : ''}${plan.method === 'load-data' ? ' via LOAD DATA LOCAL INFILE' : ''}\n`,
  );
  const live = !opts['ci'] && Boolean(io.stdout.isTTY);
  const result = await showingProgress(io, live, 'Seeding stopped', (show) =>
    seedDatabase(mysqlUrl, plan, (p: SeedProgress) => show(progressLine(p), p.elapsedMs, p.phase === 'indexes')),
  );
  const gib = (bytes: number): string => (bytes >= 2 ** 30 ? formatGiB(bytes / 2 ** 30) : `${(bytes / 2 ** 20).toFixed(1)} MiB`);
  io.stdout.write(
    [
      `inserted: ${formatCount(result.inserted.concerts)} concerts, ${formatCount(result.inserted.schedules)} schedules, ${formatCount(result.inserted.seats)} seats, ${formatCount(result.inserted.users)} users (present: ${formatCount(result.present.seats)} seats)`,
      `time: ${formatDuration(result.elapsedMs)} (seat load ${formatDuration(result.seatLoadMs)}${result.indexBuildMs >= 1 ? `, index build ${formatDuration(result.indexBuildMs)}` : ''}); ${formatCount(Math.round(result.seatRowsPerSecond))} seat rows/s`,
      `seats table: data ${gib(result.seatsTableBytes.data)}, indexes ${gib(result.seatsTableBytes.index)}`,
      '',
    ].join('\n'),
  );
  if (confirmed === 0) return ExitCode.OK;

  const sales = await showingProgress(io, live, 'Selling seats stopped', (show) =>
    seedConfirmedSales(mysqlUrl, connections.kafkaBrokers, { scheduleIds: result.scheduleIds, seatsPerSchedule: plan.seatsPerSchedule, confirmed, users: plan.users, batch: plan.batch }, (p: SalesProgress) =>
      show(`${p.phase.padEnd(9)} ${formatCount(p.done)}/${formatCount(p.total)}  ${formatDuration(p.elapsedMs)}`, p.elapsedMs),
    ),
  );
  const first = sales.scheduleIds[0];
  const last = sales.scheduleIds[sales.scheduleIds.length - 1];
  io.stdout.write(
    [
      `sold: ${formatCount(confirmed)} confirmed reservations in schedules ${first}–${last} (${formatCount(sales.salesInserted)} written now in ${formatDuration(sales.salesMs)}, ${formatCount(sales.eventsPublished)} events published and consumed in ${formatDuration(sales.publishMs)})`,
      `events on ${RESERVATION_CONFIRMED_TOPIC} from ${new Date(sales.publishedFromMs).toISOString()}`,
      '',
    ].join('\n'),
  );
  return ExitCode.OK;
}

/**
 * Runs one phase of the seed with its progress shown: rewritten in place on a terminal (`live`),
 * else a plain line every PLAIN_EVERY_MS or when `always`; ends the live line either way.
 * @param stopped how a failure's one-line message starts, e.g. `Seeding stopped`
 * @throws TicketbenchError INFRA_UNAVAILABLE with the driver's first line, saying to run again (it resumes)
 */
async function showingProgress<T>(io: CliIo, live: boolean, stopped: string, run: (show: (line: string, elapsedMs: number, always?: boolean) => void) => Promise<T>): Promise<T> {
  let lastPlain = 0;
  const show = (line: string, elapsedMs: number, always = false): void => {
    if (live) {
      io.stdout.write(`\r${line}`);
    } else if (elapsedMs - lastPlain >= PLAIN_EVERY_MS || always) {
      lastPlain = elapsedMs;
      io.stdout.write(`${line}\n`);
    }
  };
  try {
    return await run(show);
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new TicketbenchError('INFRA_UNAVAILABLE', `${stopped}: ${message}. Run the same command again to resume.`, { cause: err });
  } finally {
    if (live) io.stdout.write('\n');
  }
}

/** `seats [#####.....] 42% 420,000/1,000,000  95,000 rows/s  4.4 s`. */
export function progressLine(p: SeedProgress): string {
  const fraction = p.seatsTotal > 0 ? p.seatsDone / p.seatsTotal : 1;
  const filled = Math.round(fraction * BAR_WIDTH);
  return `${p.phase.padEnd(9)} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}% ${formatCount(p.seatsDone)}/${formatCount(p.seatsTotal)}  ${formatCount(Math.round(p.seatRowsPerSecond))} rows/s  ${formatDuration(p.elapsedMs)}`;
}
