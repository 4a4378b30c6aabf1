/** `ticketbench run <scenario>`: flags → RunScenarioOptions → runScenario, with the live or plain view. */
import { EventEmitter } from 'node:events';
import { runSettingsFromFlags } from '../run-flags.ts';
import { ExitCode, TicketbenchError } from '../../errors.ts';
import { runScenario } from '../../run/run-scenario.ts';
import { validateStrategy } from '../../target/launch.ts';
import type { RunEventMap } from '../../run/types.ts';
import { loadScenario } from '../../scenario/registry.ts';
import type { CliIo } from '../main.ts';
import { withViewSession } from '../view-session.ts';

/**
 * Runs a scenario and returns the exit code: 0 when every check passed, 1 otherwise.
 * @param scenarioArgs the arguments commander did not know: the scenario's own flags
 * @throws TicketbenchError for bad options or unavailable infrastructure (exit 2 at the top)
 */
export async function runCommand(scenarioName: string, opts: Record<string, unknown>, scenarioArgs: readonly string[], io: CliIo): Promise<number> {
  const scenario = await loadScenario(scenarioName);
  // Parses and validates the shared run flags and the scenario's own before any view or server starts.
  const settings = runSettingsFromFlags(scenario, opts, scenarioArgs, io);
  const targetUrl = opts['targetUrl'] as string | undefined;
  if (targetUrl !== undefined) validateTargetUrl(targetUrl);
  if (opts['strategy'] !== undefined) validateStrategy(String(opts['strategy']));

  const emitter = new EventEmitter<RunEventMap>();
  const report = await withViewSession(
    io,
    {
      ci: Boolean(opts['ci']),
      attachPlain: async (write) => (await import('../../ui/plain.ts')).attachPlainPrinter(emitter, write),
      renderLive: async () => (await import('../../ui/live.tsx')).renderLive(emitter),
      onInterrupt: () => emitter.emit('notice', 'interrupted: stopping the load, then checking what happened (Ctrl-C again to quit)'),
    },
    async (signal) =>
      (
        await runScenario({
          scenario,
          ...settings,
          ...(targetUrl ? { targetUrl } : {}),
          ...(opts['strategy'] !== undefined ? { strategy: String(opts['strategy']) } : {}),
          emitter,
          signal,
        })
      ).report,
  );
  return report.verdict === 'pass' ? ExitCode.OK : ExitCode.CHECKS_FAILED;
}

function validateTargetUrl(text: string): void {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol)) {
    throw new TicketbenchError('INVALID_OPTION', `--target-url "${text}" is not an http(s) URL, e.g. http://127.0.0.1:8080.`);
  }
}
