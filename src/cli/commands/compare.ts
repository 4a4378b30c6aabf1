/**
 * `ticketbench compare <scenario> --strategies a,b,c`: the shared run flags plus the strategy list
 * → CompareOptions → compareStrategies, with the live or plain view.
 */
import { EventEmitter } from 'node:events';
import { compareStrategies, MAX_REPEAT, planComparison } from '../../compare/run-compare.ts';
import type { CompareEventMap } from '../../compare/types.ts';
import { parsePositiveInt } from '../../engine/executor-options.ts';
import { ExitCode } from '../../errors.ts';
import { loadScenario } from '../../scenario/registry.ts';
import type { CliIo } from '../main.ts';
import { runSettingsFromFlags } from '../run-flags.ts';
import { withViewSession } from '../view-session.ts';

/**
 * The names in a `--strategies` value, trimmed, e.g. `'none, redis-lock'` → `['none', 'redis-lock']`;
 * `[]` for blank text, `''` for an empty name between commas (planComparison rejects both).
 */
export function parseStrategyList(text: string): string[] {
  return text.trim() === '' ? [] : text.split(',').map((name) => name.trim());
}

/**
 * Runs the comparison and returns the exit code: 1 when a strategy declared safe had a check that
 * did not pass, else 0 (an unsafe strategy failing its checks is the expected outcome).
 * @param scenarioArgs the arguments commander did not know: the scenario's own flags
 * @throws TicketbenchError for bad options or unavailable infrastructure (exit 2 at the top)
 */
export async function compareCommand(scenarioName: string, opts: Record<string, unknown>, scenarioArgs: readonly string[], io: CliIo): Promise<number> {
  const scenario = await loadScenario(scenarioName);
  const settings = runSettingsFromFlags(scenario, opts, scenarioArgs, io, 'compare');
  const strategies = parseStrategyList(String(opts['strategies'] ?? ''));
  const repeat = parsePositiveInt(String(opts['repeat'] ?? '1'), '--repeat', MAX_REPEAT);
  const baseline = opts['baseline'] === undefined ? undefined : String(opts['baseline']);
  // Every input problem is reported before a view or a server starts.
  planComparison(strategies, repeat, baseline);

  const emitter = new EventEmitter<CompareEventMap>();
  const outcome = await withViewSession(
    io,
    {
      ci: Boolean(opts['ci']),
      attachPlain: async (write) => (await import('../../ui/compare-plain.ts')).attachComparePlainPrinter(emitter, write),
      renderLive: async () => (await import('../../ui/compare-live.tsx')).renderCompareLive(emitter),
      // The current run's load stops (and is still checked); no further run starts; the report
      // covers the runs made.
      onInterrupt: () => emitter.emit('notice', "interrupted: stopping this run's load, checking it, then writing the comparison (Ctrl-C again to quit)"),
    },
    (signal) => compareStrategies({ scenario, ...settings, strategies, repeat, ...(baseline !== undefined ? { baseline } : {}), signal }, emitter),
  );
  return outcome.regressions.length > 0 ? ExitCode.CHECKS_FAILED : ExitCode.OK;
}
