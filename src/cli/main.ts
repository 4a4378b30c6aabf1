/**
 * The `ticketbench` command line: commander translates flags into the options objects that the
 * command modules (and tests, and other programs) pass to the same API. Every expected failure is
 * a TicketbenchError turned into one line and its exit code here, in one place.
 */
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { ExitCode, TicketbenchError, describeError } from '../errors.ts';
import { addConnectionFlags } from './connection-flags.ts';
import type { CliIo } from './io.ts';
import { addRunFlags, collect, scenarioArgsOf } from './run-flags.ts';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Exit code for an unexpected error (a bug); kept as a name for callers of the old constant. */
export const INTERNAL_ERROR_EXIT = ExitCode.INTERNAL;


/**
 * Runs the CLI with `argv` as in process.argv (node, script, ...args).
 * @returns the process exit code (ExitCode in src/errors.ts): 0 OK, 1 a check failed, 2 bad
 *   usage, 3 a threshold failed, 4 infrastructure or target unavailable, 5 aborted, 70 internal error.
 */
export async function main(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let exitCode: number = ExitCode.OK;
  const program = new Command()
    .name('ticketbench')
    .description('Drive real traffic at a ticket reservation service, then prove from MySQL, Redis and Kafka that no seat was sold twice.')
    .version(pkg.version)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showSuggestionAfterError(true);

  addRunFlags(
    program
      .command('run')
      .description('run a scenario against the bundled target (or --target-url) and check the datastores')
      .argument('<scenario>', 'scenario name (contention) or path to a scenario file'),
  )
    .option('--strategy <name>', 'seat-hold strategy of the bundled target (default redis-lock)')
    .option('--wallet-strategy <name>', 'wallet strategy of the bundled target: none, optimistic, pessimistic, redis-lock (default pessimistic)')
    .option('--cache <mode>', 'read cache of the bundled target: off or on (default off)')
    .option('--target-url <url>', 'drive this already-running target instead of starting the bundled one')
    .helpOption('-h, --help', 'show help; scenario options: --seats <n> (contention)')
    .action(async (scenario: string, opts: Record<string, unknown>, command: Command) => {
      const { runCommand } = await import('./commands/run.ts');
      exitCode = await runCommand(scenario, opts, scenarioArgsOf(command, scenario), io);
    });

  addRunFlags(
    program
      .command('compare')
      .description('run a scenario once per value of a bundled-target setting (--vary strategy|wallet-strategy|cache=v1,v2, or --strategies a,b) and compare them in one table')
      .argument('<scenario>', 'scenario name (contention) or path to a scenario file'),
  )
    .option('--vary <KEY=v1,v2>', 'target setting to vary, one run per value: strategy, wallet-strategy or cache, e.g. cache=off,on')
    .option('--strategies <list>', 'comma-separated strategies, e.g. none,pessimistic,optimistic,redis-lock (= --vary strategy=…)')
    .option('--repeat <k>', 'runs per strategy, interleaved; the table shows the median and min–max', '1')
    .option('--baseline <name>', 'strategy the deltas are taken against (default: the first)')
    .option('--strategy <name>', 'seat-hold strategy every run keeps while another setting varies')
    .option('--wallet-strategy <name>', 'wallet strategy every run keeps while another setting varies')
    .option('--cache <mode>', 'read cache every run keeps while another setting varies: off or on')
    .helpOption('-h, --help', 'show help; scenario options: --seats <n> (contention)')
    .action(async (scenario: string, opts: Record<string, unknown>, command: Command) => {
      const { compareCommand } = await import('./commands/compare.ts');
      exitCode = await compareCommand(scenario, opts, scenarioArgsOf(command, scenario), io);
    });

  addRunFlags(
    program
      .command('setup')
      .description('create a scenario\'s data as run does (starting what is missing) and write it as a fixture file for k6 and verify')
      .argument('<scenario>', 'scenario name (contention) or path to a scenario file'),
    { reportFolder: false },
  )
    .option('--out <file>', 'where to write the fixture (JSON), e.g. fixture.json')
    .option('--strategy <name>', 'seat-hold strategy of the bundled target when setup starts it')
    .option('--wallet-strategy <name>', 'wallet strategy of the bundled target when setup starts it')
    .option('--cache <mode>', 'read cache of the bundled target when setup starts it: off or on')
    .option('--target-url <url>', 'create the data through this running target (recorded in the fixture for k6)')
    .action(async (scenario: string, opts: Record<string, unknown>, command: Command) => {
      const { setupCommand } = await import('./commands/k6.ts');
      exitCode = await setupCommand(scenario, opts, scenarioArgsOf(command, scenario), io);
    });

  addRunFlags(
    program
      .command('export')
      .description('write a scenario as a self-contained TypeScript k6 script (k6 run it, then ticketbench verify)')
      .argument('<format>', 'k6')
      .argument('<scenario>', 'scenario name: contention, flash-sale or wallet-race'),
  )
    .option('-o, --output <file>', 'where to write the script, e.g. contention.k6.ts')
    .action(async (format: string, scenario: string, opts: Record<string, unknown>, command: Command) => {
      const { exportCommand } = await import('./commands/k6.ts');
      const args = scenarioArgsOf(command, scenario);
      args.splice(args.indexOf(format), 1);
      exitCode = await exportCommand(format, scenario, opts, args, io);
    });

  addConnectionFlags(
    program
      .command('verify')
      .description('judge a k6 run of an exported script: rebuild the history from its JSON output and check MySQL, Redis and Kafka as run does')
      .argument('<scenario>', 'scenario name the fixture was set up for')
      .option('--fixture <file>', 'the fixture written by ticketbench setup')
      .option('--k6-output <files...>', 'k6 JSON output files (k6 run --out json=FILE), one per k6 instance, .gz or not')
      .option('--profile <file>', 'target profile (default: the fixture\'s)')
      .option('--threshold <expr>', 'k6-style threshold, repeatable (failed: exit 3)', collect, [])
      .option('--require-check <id>', 'fail when this check is skipped, repeatable', collect, [])
      .option('--settle-timeout <d>', 'longest wait for the outbox and consumer to catch up before checking', '30s')
      .option('--out <dir>', 'report folder', 'reports')
      .option('--summary-json <path>', 'also write a machine-readable summary to this file')
      .option('--junit <path>', 'also write the checks and thresholds as JUnit XML to this file')
      .option('--ci', 'plain output (verify always prints plain lines)'),
  ).action(async (scenario: string, opts: Record<string, unknown>) => {
    const { verifyCommand } = await import('./commands/k6.ts');
    exitCode = await verifyCommand(scenario, opts, io);
  });

  addConnectionFlags(
    program
      .command('infra')
      .description('bring up, inspect or stop the servers ticketbench needs')
      .argument('<action>', 'up | status | down')
      .option('--json', 'print the statuses as JSON'),
  ).action(async (action: string, opts: Record<string, unknown>) => {
    const { infraCommand } = await import('./commands/infra.ts');
    exitCode = await infraCommand(action, opts, io);
  });

  addConnectionFlags(
    program
      .command('profile')
      .description('validate a target profile and probe the service it describes: one request per operation, each store query once, Redis and Kafka read')
      .argument('<action>', 'check')
      .argument('<file>', 'the profile (.ts, .js, .json, .yaml)')
      .option('--target-url <url>', 'probe this running service instead of starting the profile\'s')
      .option('--settle-timeout <d>', 'longest wait for the event to reach Kafka and the consumer', '10s')
      .option('--no-infra', 'do not start MySQL/Redis/Kafka or apply the schema')
      .option('--json', 'print the probe as JSON'),
  ).action(async (action: string, file: string, opts: Record<string, unknown>) => {
    const { profileCommand } = await import('./commands/profile.ts');
    exitCode = await profileCommand(action, file, opts, io);
  });

  addConnectionFlags(
    program
      .command('seed')
      .description('fill the database with concerts, schedules, seats and users fast (multi-row inserts); resumable and idempotent'),
  )
    .option('--concerts <n>', 'concerts (default 10)')
    .option('--schedules-per-concert <n>', 'schedules of each concert (default 10)')
    .option('--seats-per-schedule <n>', 'seats of each schedule (default 10000)')
    .option('--users <n>', 'users, each with an empty wallet (default 10000)')
    .option('--batch <n>', 'rows per INSERT statement (default 5000)')
    .option('--method <how>', 'insert (multi-row INSERT, default) or load-data (LOAD DATA LOCAL INFILE; the server must allow local_infile)')
    .option('--defer-indexes', 'drop the seats table\'s secondary indexes while loading and rebuild them after')
    .option('--confirmed <n>', 'also sell this many seats (S1… of each schedule in order) as a settled run leaves them: reservation, payment, guard row, outbox event published to Kafka and consumed (default 0)')
    .option('--no-infra', 'do not start servers or apply the schema')
    .option('--ci', 'plain progress lines, no animation')
    .action(async (opts: Record<string, unknown>) => {
      const { seedCommand } = await import('./commands/seed.ts');
      exitCode = await seedCommand(opts, io);
    });

  program
    .command('scenarios')
    .description('list the bundled scenarios')
    .action(async () => {
      const { scenariosCommand } = await import('./commands/scenarios.ts');
      exitCode = await scenariosCommand(io);
    });

  program
    .command('report')
    .description('re-render saved runs\' markdown and charts, or compare two runs (--compare BEFORE.json AFTER.json)')
    .argument('<files...>', 'run report JSON files written by `ticketbench run`')
    .option('--compare', 'compare two runs: BEFORE.json AFTER.json; exit 1 when AFTER regressed')
    .option('--tolerance <pct>', 'with --compare: a figure worse by more than this % is a regression (default 10)')
    .option('--out <dir>', 'write here instead of next to the input (for --compare, next to AFTER)')
    .action(async (files: string[], opts: Record<string, unknown>) => {
      const { reportCommand } = await import('./commands/report.ts');
      exitCode = await reportCommand(files, opts, io);
    });

  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed its one-line message (or the help/version text).
      return err.exitCode === 0 ? ExitCode.OK : ExitCode.INVALID_CONFIG;
    }
    if (err instanceof TicketbenchError) {
      io.stderr.write(`ticketbench: ${err.oneLine()}\n`);
      for (const detail of err.details) io.stderr.write(`  ${detail.replace(/\s*\n\s*/g, ' ')}\n`);
      return err.exitCode;
    }
    io.stderr.write(`ticketbench: internal error: ${describeError(err).split('\n')[0]} (please report it; TICKETBENCH_DEBUG=1 prints the stack)\n`);
    if (process.env['TICKETBENCH_DEBUG']) io.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
    return INTERNAL_ERROR_EXIT;
  }
}
