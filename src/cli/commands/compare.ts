/**
 * `ticketbench compare <scenario> --vary KEY=v1,v2` (or `--strategies a,b,c`, which is
 * `--vary strategy=a,b,c`): the shared run flags plus the values → CompareOptions →
 * compareStrategies, with the live or plain view.
 */
import { EventEmitter } from 'node:events';
import { compareStrategies, MAX_REPEAT, planComparison } from '../../compare/run-compare.ts';
import { fixedRunOptions, parseVary, varyKeyOfKind, type FixedSettings } from '../../compare/vary.ts';
import type { CompareEventMap } from '../../compare/types.ts';
import { parsePositiveInt } from '../../options/values.ts';
import { TicketbenchError } from '../../errors.ts';
import { compareJUnit, writeJUnit } from '../../report/junit.ts';
import { compareSummaryJson, writeSummaryJson } from '../../report/summary-json.ts';
import { compareExitCode } from '../../model/exit-code.ts';
import { loadScenario } from '../../scenario/registry.ts';
import type { CliIo } from '../io.ts';
import { ciOutputsFromFlags, runSettingsFromFlags } from '../run-flags.ts';
import { profileFromFlags } from '../target-flags.ts';
import { writeErrorOutputs } from '../ci-outputs.ts';
import { withViewSession } from '../view-session.ts';

/**
 * The names in a `--strategies` value, trimmed, e.g. `'none, redis-lock'` → `['none', 'redis-lock']`;
 * `[]` for blank text, `''` for an empty name between commas (planComparison rejects both).
 */
export function parseStrategyList(text: string): string[] {
  return text.trim() === '' ? [] : text.split(',').map((name) => name.trim());
}

/**
 * Runs the comparison (thresholds apply to each run), writes `--summary-json` / `--junit` when
 * asked, and returns the exit code (compareExitCode): 1 when a strategy declared safe had a check
 * that did not pass (an unsafe strategy failing its checks is the expected outcome), else 5 when
 * interrupted or a run was aborted, else 3 when a threshold failed in any run, else 0.
 * @param scenarioArgs the arguments commander did not know: the scenario's own flags
 * @throws TicketbenchError for bad options (exit 2 at the top) or unavailable infrastructure or
 *   target (exit 4)
 */
export async function compareCommand(scenarioName: string, opts: Record<string, unknown>, scenarioArgs: readonly string[], io: CliIo): Promise<number> {
  const scenario = await loadScenario(scenarioName);
  const settings = runSettingsFromFlags(scenario, opts, scenarioArgs, io, 'compare');
  const profile = await profileFromFlags(opts);
  if (opts['strategies'] !== undefined && opts['vary'] !== undefined) {
    throw new TicketbenchError('INVALID_OPTION', '--strategies a,b is --vary strategy=a,b: give one of them, not both.');
  }
  if (opts['strategies'] === undefined && opts['vary'] === undefined) {
    throw new TicketbenchError('INVALID_OPTION', "compare needs --vary KEY=v1,v2 (e.g. --vary cache=off,on) or --strategies a,b; required option '--strategies <list>' not specified.");
  }
  const vary = opts['vary'] === undefined ? undefined : parseVary(String(opts['vary']));
  const strategies = vary ? vary.values : parseStrategyList(String(opts['strategies'] ?? ''));
  const repeat = parsePositiveInt(String(opts['repeat'] ?? '1'), '--repeat', MAX_REPEAT);
  const baseline = opts['baseline'] === undefined ? undefined : String(opts['baseline']);
  // Every input problem is reported before a view or a server starts.
  const varied = vary?.key ?? varyKeyOfKind(scenario.strategyKind ?? 'hold');
  planComparison(strategies, repeat, baseline, varied, vary ? `--vary ${vary.key}` : '--strategies');
  const fixed: FixedSettings = {
    ...(opts['strategy'] !== undefined ? { strategy: String(opts['strategy']) } : {}),
    ...(opts['walletStrategy'] !== undefined ? { 'wallet-strategy': String(opts['walletStrategy']) } : {}),
    ...(opts['cache'] !== undefined ? { cache: String(opts['cache']) } : {}),
  };
  fixedRunOptions(fixed, varied);
  const outputs = ciOutputsFromFlags(opts);
  const startedAt = new Date().toISOString();

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
    (signal) => compareStrategies({ scenario, ...settings, ...(profile ? { profile } : {}), strategies, repeat, ...(baseline !== undefined ? { baseline } : {}), ...(vary ? { vary: vary.key } : {}), fixed, signal }, emitter),
  ).catch(async (err: unknown) => {
    if (err instanceof TicketbenchError) await writeErrorOutputs(outputs, scenario.name, startedAt, err, 'compare');
    throw err;
  });
  const exitCode = compareExitCode(outcome.result.runs, outcome.result.interrupted);
  if (outputs.summaryJson) await writeSummaryJson(outputs.summaryJson, compareSummaryJson(outcome.result, outcome.paths, exitCode));
  if (outputs.junit) await writeJUnit(outputs.junit, compareJUnit(outcome.result));
  return exitCode;
}
