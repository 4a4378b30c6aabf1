/**
 * `npm run bench:checks`: how long every checker takes, and how much memory, over a run far larger
 * than this machine can drive (issue 15: a million confirmed reservations). It seeds
 * `--confirmed` sales into the database `--database` with `ticketbench seed`'s code (seats, users,
 * then src/seed/confirmed-sales.ts: reservations, payments, guard rows, outbox events published to
 * Kafka and consumed; idempotent, so a second run reuses them), then runs, each in its own
 * process (checker-child.ts) with the client history of those sales rebuilt (2 operations per
 * sale):
 * - the peer, `bare-read`: only the rows of the profile's `reservations` and `payments` queries,
 *   read with the same pool: the least any check of them can cost;
 * - each checker alone (collect = reading the stores, check = the verdict);
 * - all of them in one process, one after another, as a run does.
 * Every verdict must be `pass` (the seeded sales are what a correct target leaves); the
 * benchmark exits 1 otherwise. Saved as `reports/bench-checks-<UTC time>.md`. See bench/README.md.
 *
 * Options: --confirmed 1000000 --database ticketbench_checks --out reports --per-checker 1 (0: only the
 * peer and all checkers in one process)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONNECTIONS, type ConnectionSettings } from '../../src/config/connections.ts';
import { infraUp } from '../../src/infra/index.ts';
import { ensureDatabase } from '../../src/infra/mysql.ts';
import { formatCount } from '../../src/report/format.ts';
import { seedConfirmedSales } from '../../src/seed/confirmed-sales.ts';
import { SEED_DEFAULTS, seedDatabase } from '../../src/seed/seed.ts';
import { numberArg, parseArgs, runResultChild } from '../child-report.ts';
import { gitCommit } from '../git.ts';
import type { CheckerChildResult } from './checker-child.ts';
import { BENCHED_CHECKERS } from './checkers.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const args = parseArgs(process.argv.slice(2));
const confirmed = numberArg(args, 'confirmed', 1_000_000);
const database = args.get('database') ?? 'ticketbench_checks';
const outDir = args.get('out') ?? join(ROOT, 'reports');
const perChecker = numberArg(args, 'per-checker', 1) !== 0;
/** Seats per schedule: every seat is sold, so that sell-out has a sold-out sale to judge. */
const SEATS_PER_SCHEDULE = Math.min(10_000, confirmed);
if (!Number.isInteger(confirmed) || confirmed < 1 || confirmed % SEATS_PER_SCHEDULE !== 0) throw new Error(`--confirmed must be 1 to 10,000 or a multiple of 10,000, got ${confirmed}`);
const SCHEDULES_PER_CONCERT = 10;

const out: string[] = [];
/** Prints a line and keeps it for the saved copy. */
function say(line = ''): void {
  console.log(line);
  out.push(line);
}

const seconds = (ms: number): string => (ms / 1000).toFixed(2);

async function main(): Promise<number> {
  const mysqlUrl = DEFAULT_CONNECTIONS.mysqlUrl.replace(/\/[^/]*$/, `/${database}`);
  const connections: ConnectionSettings = { ...DEFAULT_CONNECTIONS, mysqlUrl };
  await ensureDatabase(mysqlUrl);
  await infraUp({ connections, log: () => undefined });

  const schedules = Math.ceil(confirmed / SEATS_PER_SCHEDULE);
  const plan = { ...SEED_DEFAULTS, concerts: Math.ceil(schedules / SCHEDULES_PER_CONCERT), schedulesPerConcert: Math.min(SCHEDULES_PER_CONCERT, schedules), seatsPerSchedule: SEATS_PER_SCHEDULE };
  const seeded = await seedDatabase(mysqlUrl, plan);
  const sales = await seedConfirmedSales(mysqlUrl, connections.kafkaBrokers, { scheduleIds: seeded.scheduleIds, seatsPerSchedule: SEATS_PER_SCHEDULE, confirmed, users: plan.users, batch: plan.batch });
  const started = new Date();
  say(`# bench:checks — every checker over ${formatCount(confirmed)} confirmed reservations`);
  say();
  say(`${started.toISOString()} · commit ${gitCommit(ROOT)} · database ${database} · MariaDB/MySQL, Redis and Kafka on this machine, sharing its 2 cores with the checker process.`);
  say();
  say(`Seeded data: ${formatCount(confirmed)} sales in ${sales.scheduleIds.length} schedules of ${formatCount(SEATS_PER_SCHEDULE)} seats (every seat sold): reservation, payment, guard row, SOLD seat, outbox row, event on the topic, consumer row each. This run wrote ${formatCount(sales.salesInserted)} sales in ${seconds(sales.salesMs)} s and published ${formatCount(sales.eventsPublished)} events in ${seconds(sales.publishMs)} s (0 = already there).`);

  const child = (checkers: string) =>
    runResultChild<CheckerChildResult>(process.execPath, [
      '--import', 'tsx', join(ROOT, 'bench', 'checks', 'checker-child.ts'),
      '--mysql-url', mysqlUrl, '--redis-url', connections.redisUrl, '--kafka-brokers', connections.kafkaBrokers.join(','),
      '--schedules', sales.scheduleIds.join(','), '--seats', String(sales.scheduleIds.length * SEATS_PER_SCHEDULE),
      '--published-from', String(sales.publishedFromMs), '--checkers', checkers,
    ], ROOT);

  const bare = await child('bare-read');
  const bareMs = bare.checks[0]!.collectMs;
  say(`History rebuilt in each process: ${formatCount(bare.historyOps)} operations (ok hold + ok pay per sale) in ${seconds(bare.historyMs)} s, peak RSS ${bare.baseRssMiB.toFixed(0)} MiB before any check (not counted below).`);
  say();
  say('| checker | verdict | collect s | check s | total s | × bare read | peak RSS MiB (history included) |');
  say('|---|---|---:|---:|---:|---:|---:|');
  say(`| bare read of reservations + payments (peer) | — | ${seconds(bareMs)} | — | ${seconds(bareMs)} | 1.00 | ${bare.peakRssMiB.toFixed(0)} |`);
  let failures = 0;
  let sumMs = 0;
  for (const checker of perChecker ? BENCHED_CHECKERS : []) {
    const run = await child(checker.id);
    const c = run.checks[0]!;
    const total = c.collectMs + c.checkMs;
    sumMs += total;
    if (c.verdict !== 'pass') failures += 1;
    say(`| ${c.id} | ${c.verdict} | ${seconds(c.collectMs)} | ${seconds(c.checkMs)} | ${seconds(total)} | ${(total / bareMs).toFixed(2)} | ${run.peakRssMiB.toFixed(0)} |`);
    if (c.verdict !== 'pass') say(`|   ${c.summary.replaceAll('|', '/')} | | | | | | |`);
  }
  if (perChecker) say(`| sum of the above | | | | ${seconds(sumMs)} | | |`);
  const all = await child('all');
  const allMs = all.checks.reduce((n, c) => n + c.collectMs + c.checkMs, 0);
  failures += all.checks.filter((c) => c.verdict !== 'pass').length;
  if (!perChecker) for (const c of all.checks) say(`| ${c.id} (in the process below) | ${c.verdict} | ${seconds(c.collectMs)} | ${seconds(c.checkMs)} | ${seconds(c.collectMs + c.checkMs)} | ${((c.collectMs + c.checkMs) / bareMs).toFixed(2)} | |`);
  say(`| **all ${all.checks.length} in one process, as a run does** | ${all.checks.every((c) => c.verdict === 'pass') ? 'pass' : 'FAIL'} | | | **${seconds(allMs)}** | ${(allMs / bareMs).toFixed(2)} | ${all.peakRssMiB.toFixed(0)} |`);
  say();
  if (confirmed >= 1_000_000) say(`Goal (issue 15): every checker over a million confirmed reservations in ≤ 10 s in all. ${allMs <= 10_000 ? 'Met' : 'Not met'}: ${seconds(allMs)} s.`);

  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `bench-checks-${started.toISOString().replace(/[:.]/g, '').slice(0, 15)}.md`);
  writeFileSync(file, `${out.join('\n')}\n`);
  console.log(`\nsaved ${file}`);
  return failures === 0 ? 0 : 1;
}

process.exitCode = await main();
