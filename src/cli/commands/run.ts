/** `ticketbench run <scenario>`: flags → run options → runAndWriteReport, with the live or plain view. */
import { EventEmitter } from 'node:events';
import { ciOutputsFromFlags, runSettingsFromFlags, type CiOutputPaths } from '../run-flags.ts';
import { TicketbenchError } from '../../errors.ts';
import { runJUnit, writeJUnit } from '../../report/junit.ts';
import { runSummaryJson, writeSummaryJson } from '../../report/summary-json.ts';
import { runExitCode } from '../../model/exit-code.ts';
import { runAndWriteReport, type WrittenRunOutcome } from '../../run/run-and-write.ts';
import type { RunEventMap } from '../../run/types.ts';
import { loadScenario } from '../../scenario/registry.ts';
import { writeErrorOutputs } from '../ci-outputs.ts';
import { profileFromFlags, targetFromFlags } from '../target-flags.ts';
import type { CliIo } from '../io.ts';
import { withViewSession } from '../view-session.ts';

/**
 * Runs a scenario, writes `--summary-json` / `--junit` when asked, and returns the exit code
 * (runExitCode): 0 OK, 1 a check failed or was unknown, 3 a threshold failed, 5 aborted.
 * @param scenarioArgs the arguments commander did not know: the scenario's own flags
 * @throws TicketbenchError for bad options (exit 2 at the top) or unavailable infrastructure or
 *   target (exit 4); once the options are valid, the summary and JUnit files record the error too.
 */
export async function runCommand(scenarioName: string, opts: Record<string, unknown>, scenarioArgs: readonly string[], io: CliIo): Promise<number> {
  const scenario = await loadScenario(scenarioName);
  // Parses and validates the shared run flags and the scenario's own before any view or server starts.
  const settings = runSettingsFromFlags(scenario, opts, scenarioArgs, io);
  const target = targetFromFlags(opts);
  const profile = await profileFromFlags(opts);
  const outputs = ciOutputsFromFlags(opts);
  const startedAt = new Date().toISOString();

  const emitter = new EventEmitter<RunEventMap>();
  const outcome = await withViewSession(
    io,
    {
      ci: Boolean(opts['ci']),
      attachPlain: async (write) => (await import('../../ui/plain.ts')).attachPlainPrinter(emitter, write),
      renderLive: async () => (await import('../../ui/live.tsx')).renderLive(emitter),
      onInterrupt: () => emitter.emit('notice', 'interrupted: stopping the load, then checking what happened (Ctrl-C again to quit)'),
    },
    (signal) =>
      runAndWriteReport({
        scenario,
        ...settings,
        ...target,
        ...(profile ? { profile } : {}),
        emitter,
        signal,
      }),
  ).catch(async (err: unknown) => {
    if (err instanceof TicketbenchError) await writeErrorOutputs(outputs, scenario.name, startedAt, err);
    throw err;
  });
  const exitCode = runExitCode(outcome.report);
  await writeRunOutputs(outputs, outcome, exitCode);
  return exitCode;
}

/** Writes `--summary-json` and `--junit` for a finished run (or a verified k6 run) when asked. */
export async function writeRunOutputs(outputs: CiOutputPaths, { report, paths }: WrittenRunOutcome, exitCode: number): Promise<void> {
  if (outputs.summaryJson) await writeSummaryJson(outputs.summaryJson, runSummaryJson(report, paths, exitCode));
  if (outputs.junit) await writeJUnit(outputs.junit, runJUnit(report, paths.markdown));
}
