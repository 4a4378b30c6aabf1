/**
 * `ticketbench compare`: runs one scenario once per strategy of the bundled target (or `repeat`
 * times each, interleaved A B C A B C … so drift hits all alike), each run on fresh data against
 * a freshly started target with identical settings, then aggregates the runs into one table and
 * writes the comparison report. Which strategy varies is the scenario's `strategyKind`: the
 * seat-hold strategy (default) or, for wallet scenarios, the wallet strategy. The CLI, tests and
 * other programs call this.
 */
import { EventEmitter } from 'node:events';
import { TicketbenchError } from '../errors.ts';
import { writeCompareReport } from '../report/compare-write.ts';
import { runAndWriteReport, type RunAndWriteOptions } from '../run/run-and-write.ts';
import type { RunEventMap } from '../run/types.ts';
import { fixedRunOptions, runOptionOf, VARY_KEYS, varyKeyOfKind, type FixedSettings } from './vary.ts';
import { buildCompareTable, regressions, strategyLabels } from '../report/compare-table.ts';
import type { CompareEmitter, CompareEventMap } from './types.ts';
import type { ComparePaths, CompareResult, CompareRunInfo, StrategyKind, StrategyRun, VaryKey } from '../model/compare.ts';

/** Most runs per strategy `--repeat` accepts; each run starts a target and checks the stores. */
export const MAX_REPEAT = 100;

/** What a comparison needs: the settings of every run, plus the strategies to compare. */
export interface CompareOptions extends Omit<RunAndWriteOptions, 'strategy' | 'walletStrategy' | 'targetUrl' | 'emitter'> {
  /**
   * Bundled-target strategy names in table order, of the kind the scenario races (seat-hold, or
   * wallet for `strategyKind: 'wallet'`); a name may repeat (labelled `name#2`…).
   */
  readonly strategies: readonly string[];
  /** Runs per strategy (default 1); the table shows the median and min–max of each figure. */
  readonly repeat?: number;
  /** Label the deltas are taken against (default: the first strategy). */
  readonly baseline?: string;
  /**
   * Which target setting `strategies` are values of (`--vary KEY=…`); default: the strategy kind
   * the scenario races (`strategy`, or `wallet-strategy` for wallet scenarios).
   */
  readonly vary?: VaryKey;
  /** Target settings every run keeps, e.g. `{ cache: 'on' }` while strategies vary (not the varied key). */
  readonly fixed?: FixedSettings;
}

/** What compareStrategies returns. */
export interface CompareOutcome {
  readonly result: CompareResult;
  readonly paths: ComparePaths;
  /** Labels of strategies declared safe whose checks did not all pass (exit code 1 when any). */
  readonly regressions: readonly string[];
}

/** The validated plan of a comparison. */
export interface ComparePlan {
  readonly labels: readonly string[];
  readonly repeat: number;
  readonly baseline: string;
  /** Every run in order: round 1 of every strategy, then round 2… */
  readonly runs: readonly CompareRunInfo[];
}

/** Whether the bundled target's registry of that kind (or `--vary` key) declares the value safe. */
export function isSafeStrategyOfKind(kind: StrategyKind | VaryKey, name: string): boolean {
  return VARY_KEYS[varyKeyOfKind(kind)].isSafe(name);
}

/**
 * Checks the strategies, `repeat` and `baseline` and lays out the runs, interleaved.
 * @param kind which registry the names are checked against: seat-hold (default), wallet, or any
 *   `--vary` key (see VARY_KEYS)
 * @param flag how messages name the option, e.g. `--vary cache` (default `--strategies`)
 * @throws TicketbenchError INVALID_OPTION for an empty list or name, an unknown strategy (checked
 *   against the bundled target's registry now, since strategies are added over time), a repeat
 *   that is not an integer from 1 to MAX_REPEAT, or a baseline that is not one of the labels.
 */
export function planComparison(strategies: readonly string[], repeat = 1, baseline?: string, kind: StrategyKind | VaryKey = 'hold', flag = '--strategies'): ComparePlan {
  const spec = VARY_KEYS[varyKeyOfKind(kind)];
  if (strategies.length === 0) {
    throw new TicketbenchError(
      'INVALID_OPTION',
      flag === '--strategies' ? '--strategies needs at least one strategy, e.g. --strategies none,redis-lock.' : `${flag} needs at least one value, e.g. ${flag}=${spec.names().join(',')}.`,
    );
  }
  for (const name of strategies) {
    if (name.trim() === '') throw new TicketbenchError('INVALID_OPTION', `${flag} "${strategies.join(',')}" has an empty name; separate names with single commas.`);
    try {
      spec.validate(name);
    } catch (err) {
      if (!(err instanceof TicketbenchError)) throw err;
      throw new TicketbenchError('INVALID_OPTION', `Unknown ${spec.what} "${name}" in ${flag}; the bundled target has: ${spec.names().join(', ')}.`);
    }
  }
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > MAX_REPEAT) {
    throw new TicketbenchError('INVALID_OPTION', `--repeat must be an integer from 1 to ${MAX_REPEAT}, got ${repeat}.`);
  }
  const labels = strategyLabels(strategies);
  const base = baseline ?? labels[0]!;
  if (!labels.includes(base)) {
    throw new TicketbenchError('INVALID_OPTION', `--baseline "${base}" is not one of the compared strategies: ${labels.join(', ')}.`);
  }
  const runs: CompareRunInfo[] = [];
  for (let round = 1; round <= repeat; round++) {
    labels.forEach((label, i) => {
      runs.push({ label, strategy: strategies[i]!, round, index: runs.length + 1, total: labels.length * repeat, strategyIndex: i + 1, strategies: labels.length });
    });
  }
  return { labels, repeat, baseline: base, runs };
}

/**
 * Runs the comparison. Infra is brought up (unless `infra: false`) before the first run only;
 * each run emits its own RunEmitter events, handed out with `run-start`. When `signal` aborts,
 * the current run stops its load early but is still checked, no further run starts, and the
 * report (marked interrupted) covers the runs made. Each run's own report is written to
 * `outDir` as by `ticketbench run`; the comparison adds `<time>-compare-<scenario>.md/.json`
 * and SVG latency charts there.
 * @throws TicketbenchError for bad options (see planComparison and runScenario) or unavailable
 *   infrastructure. Failed checks are not errors: see `regressions` in the outcome.
 */
export async function compareStrategies(options: CompareOptions, emitter: CompareEmitter = new EventEmitter<CompareEventMap>()): Promise<CompareOutcome> {
  const kind = options.vary ?? varyKeyOfKind(options.scenario.strategyKind ?? 'hold');
  const plan = planComparison(options.strategies, options.repeat, options.baseline, kind, options.vary ? `--vary ${options.vary}` : '--strategies');
  // Fail on impossible scenario options before any server starts.
  options.scenario.options(options.scenarioFlags, { executor: options.executor });
  const fixedOptions = fixedRunOptions(options.fixed ?? {}, kind);
  const { strategies: _strategies, repeat: _repeat, baseline: _baseline, vary: _vary, fixed: _fixed, ...runOptions } = options;
  const startedAt = new Date().toISOString();
  emitter.emit('start', { scenario: options.scenario.name, labels: plan.labels, repeat: plan.repeat, total: plan.runs.length });

  const runs: StrategyRun[] = [];
  for (const info of plan.runs) {
    if (options.signal?.aborted) break;
    const runEmitter = new EventEmitter<RunEventMap>();
    emitter.emit('run-start', info, runEmitter);
    const { report, paths } = await runAndWriteReport({
      ...runOptions,
      ...fixedOptions,
      ...runOptionOf(kind, info.strategy),
      // Each run's nemesis draws its own choices (seed + run index − 1), so the rounds differ and
      // every run can still be replayed alone with the seed its report gives.
      ...(runOptions.nemesis ? { nemesis: { ...runOptions.nemesis, seed: (runOptions.nemesis.seed + info.index - 1) % 2 ** 31 } } : {}),
      // Servers are up after the first run; bringing them up again would only cost time.
      infra: info.index === 1 ? options.infra !== false : false,
      emitter: runEmitter,
    });
    const run: StrategyRun = { label: info.label, strategy: info.strategy, round: info.round, safe: isSafeStrategyOfKind(kind, info.strategy), report, paths };
    runs.push(run);
    emitter.emit('run-done', info, run);
  }
  // An abort cuts the current run's load short, so even a complete set of runs is marked.
  const interrupted = options.signal?.aborted === true;
  if (interrupted) emitter.emit('notice', `interrupted: ${runs.length} of ${plan.runs.length} runs made, the last one's load cut short; the report covers them`);

  const table = buildCompareTable(runs, { scenario: options.scenario.name, labels: plan.labels, repeat: plan.repeat, baseline: plan.baseline, varied: kind });
  const result: CompareResult = {
    format: 1,
    kind: 'compare',
    scenario: options.scenario.name,
    strategyKind: options.scenario.strategyKind ?? 'hold',
    varied: kind,
    labels: plan.labels,
    repeat: plan.repeat,
    startedAt,
    endedAt: new Date().toISOString(),
    interrupted,
    table,
    runs,
  };
  const paths = await writeCompareReport(result, options.outDir);
  emitter.emit('done', result, paths);
  return { result, paths, regressions: regressions(table) };
}
