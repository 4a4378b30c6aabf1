/**
 * The k6 interop commands: `ticketbench setup` (the run's data setup, written as a fixture file),
 * `ticketbench export k6` (a typed k6 script) and `ticketbench verify` (a k6 run's output judged
 * as `run` judges its own load, with the same report, CI files and exit codes).
 */
import { EventEmitter } from 'node:events';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TicketbenchError } from '../../errors.ts';
import { exportK6Script } from '../../k6/export.ts';
import { readFixture, setupFixture, writeFixture } from '../../k6/fixture.ts';
import { verifyK6Run } from '../../k6/verify.ts';
import { runExitCode } from '../../model/exit-code.ts';
import { parseDuration } from '../../options/values.ts';
import { bundledTargetProfile } from '../../profile/default-profile.ts';
import { writeReport } from '../../report/write.ts';
import type { RunEventMap } from '../../run/types.ts';
import { loadScenario } from '../../scenario/registry.ts';
import { writeErrorOutputs } from '../ci-outputs.ts';
import { writeRunOutputs } from './run.ts';
import { connectionsFromFlags } from '../connection-flags.ts';
import type { CliIo } from '../io.ts';
import { ciOutputsFromFlags, runSettingsFromFlags } from '../run-flags.ts';
import { profileFromFlags, targetFromFlags } from '../target-flags.ts';

/**
 * `ticketbench setup <scenario> [run options] --out FILE`: the data setup `run` does, written as
 * a fixture file for an exported k6 script and for `verify`.
 * @returns 0
 * @throws TicketbenchError INVALID_OPTION (exit 2) for bad options or a missing --out; exit 4 when
 *   servers or the target cannot be reached
 */
export async function setupCommand(scenarioName: string, opts: Record<string, unknown>, scenarioArgs: readonly string[], io: CliIo): Promise<number> {
  const scenario = await loadScenario(scenarioName);
  const settings = runSettingsFromFlags(scenario, opts, scenarioArgs, io, 'setup');
  const target = targetFromFlags(opts);
  const profile = await profileFromFlags(opts);
  if (opts['out'] === undefined) throw new TicketbenchError('INVALID_OPTION', 'setup needs --out FILE: where to write the fixture, e.g. --out fixture.json.');
  const emitter = new EventEmitter<RunEventMap>();
  emitter.on('phase', (phase, detail) => io.stdout.write(`${phase}: ${detail}\n`));
  emitter.on('notice', (message) => io.stdout.write(`${message}\n`));
  const fixture = await setupFixture({
    scenario,
    ...settings,
    ...target,
    ...(profile ? { profile } : {}),
    thresholdExpressions: (opts['threshold'] as readonly string[] | undefined) ?? [],
    emitter,
  });
  const file = path.resolve(String(opts['out']));
  await writeFixture(file, fixture);
  io.stdout.write(`wrote ${file}: ${Object.entries(fixture.ids).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
  if (fixture.targetUrl === undefined) io.stdout.write('the target ticketbench started for the setup is stopped again: run k6 against your own with -e BASE_URL=http://host:port\n');
  return 0;
}

/**
 * `ticketbench export k6 <scenario> [run options] [--profile FILE] -o FILE`: writes the scenario
 * as a TypeScript k6 script.
 * @returns 0
 * @throws TicketbenchError INVALID_OPTION (exit 2) for a format other than k6, a missing -o, bad
 *   options, or a scenario that cannot be exported
 */
export async function exportCommand(format: string, scenarioName: string, opts: Record<string, unknown>, scenarioArgs: readonly string[], io: CliIo): Promise<number> {
  if (format !== 'k6') throw new TicketbenchError('INVALID_OPTION', `export knows the format k6, not "${format}": ticketbench export k6 <scenario> -o script.k6.ts.`);
  if (opts['output'] === undefined) throw new TicketbenchError('INVALID_OPTION', 'export k6 needs -o FILE: where to write the script, e.g. -o contention.k6.ts.');
  const scenario = await loadScenario(scenarioName);
  const settings = runSettingsFromFlags(scenario, opts, scenarioArgs, io, 'export k6');
  const profile = (await profileFromFlags(opts)) ?? bundledTargetProfile();
  const script = exportK6Script({
    scenario,
    executor: settings.executor,
    profile: profile.profile,
    thresholds: settings.thresholds,
    requestTimeoutMs: settings.requestTimeoutMs,
  });
  const file = path.resolve(String(opts['output']));
  await writeFile(file, script);
  io.stdout.write(`wrote ${file} (k6 run -e FIXTURE=fixture.json -e BASE_URL=http://host:port --out json=out.json ${path.basename(file)})\n`);
  return 0;
}

/**
 * `ticketbench verify <scenario> --fixture FILE --k6-output FILE...`: judges a k6 run and writes
 * the report, `--summary-json` and `--junit` as `run` does.
 * @returns runExitCode: 0 OK, 1 a check failed or was unknown, 3 a threshold failed
 * @throws TicketbenchError INVALID_OPTION (exit 2) for bad input (fixture, k6 output, options);
 *   INFRA_UNAVAILABLE (exit 4) when the stores cannot be reached
 */
export async function verifyCommand(scenarioName: string, opts: Record<string, unknown>, io: CliIo): Promise<number> {
  const scenario = await loadScenario(scenarioName);
  if (opts['fixture'] === undefined) throw new TicketbenchError('INVALID_OPTION', 'verify needs --fixture FILE, written by ticketbench setup.');
  const fixture = await readFixture(String(opts['fixture']), scenario.name);
  const files = ((opts['k6Output'] as string[] | undefined) ?? []).map((f) => path.resolve(f));
  const outputs = ciOutputsFromFlags(opts);
  const startedAt = new Date().toISOString();
  const emitter = new EventEmitter<RunEventMap>();
  const { attachPlainPrinter } = await import('../../ui/plain.ts');
  const detach = attachPlainPrinter(emitter, (s) => io.stdout.write(s));
  try {
    const outcome = await verifyK6Run({
      scenario,
      fixture,
      k6Outputs: files,
      connections: connectionsFromFlags(opts),
      ...(opts['profile'] === undefined ? {} : { profile: (await profileFromFlags(opts))! }),
      thresholds: (opts['threshold'] as readonly string[] | undefined) ?? [],
      requireChecks: (opts['requireCheck'] as readonly string[] | undefined) ?? [],
      settleTimeoutMs: parseDuration(String(opts['settleTimeout'] ?? '30s'), '--settle-timeout'),
      emitter,
    });
    const outDir = path.resolve(String(opts['out'] ?? 'reports'));
    emitter.emit('phase', 'report', `writing ${outDir}`);
    const paths = await writeReport(outcome.report, outDir);
    emitter.emit('done', outcome.report, paths);
    const exitCode = runExitCode(outcome.report);
    await writeRunOutputs(outputs, { ...outcome, paths }, exitCode);
    return exitCode;
  } catch (err) {
    if (err instanceof TicketbenchError) await writeErrorOutputs(outputs, scenario.name, startedAt, err);
    throw err;
  } finally {
    detach();
  }
}
