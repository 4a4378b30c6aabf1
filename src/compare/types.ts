/**
 * The events of `ticketbench compare` that its views listen to. The comparison's data (runs,
 * table, result) is the model's (src/model/compare.ts).
 */
import type { EventEmitter } from 'node:events';
import type { CompareResult, ComparePaths, CompareRunInfo, StrategyRun } from '../model/compare.ts';
import type { RunEmitter } from '../run/types.ts';

/** Events of a comparison; each run's own RunEmitter comes with `run-start`. */
export interface CompareEventMap {
  /** The plan: labels in order and runs per label. */
  start: [plan: { readonly scenario: string; readonly labels: readonly string[]; readonly repeat: number; readonly total: number }];
  /** A run is about to start; `emitter` carries its phase/notice/progress/check/done events. */
  'run-start': [info: CompareRunInfo, emitter: RunEmitter];
  /** A run finished and was checked. */
  'run-done': [info: CompareRunInfo, run: StrategyRun];
  /** Something the user should know about the comparison itself (e.g. an interruption). */
  notice: [message: string];
  /** The comparison was aggregated and written. */
  done: [result: CompareResult, paths: ComparePaths];
}

/** The emitter compareStrategies reports through. */
export type CompareEmitter = EventEmitter<CompareEventMap>;

