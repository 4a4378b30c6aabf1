/**
 * The compare view's state as a pure reducer over comparison events and the current run's
 * events, so CompareApp only wires events to `dispatch` and the transitions are testable without
 * rendering.
 */
import type { CheckResult } from '../checks/types.ts';
import type { CompareEventMap } from '../compare/types.ts';
import type { ComparePaths, CompareResult, CompareRunInfo, StrategyRun } from '../model/compare.ts';
import type { ProgressSnapshot } from '../engine/types.ts';
import type { RunEventMap, RunPhase } from '../run/types.ts';

/** Printed once, above the live area (ink `<Static>`): a notice or a finished run's row. */
export type CompareStaticItem =
  | { readonly id: number; readonly kind: 'notice'; readonly message: string }
  | { readonly id: number; readonly kind: 'run'; readonly info: CompareRunInfo; readonly run: StrategyRun };

/** The run in progress. */
export interface CurrentRun {
  readonly info: CompareRunInfo;
  readonly phase: RunPhase | undefined;
  readonly detail: string;
  /** Latest load snapshot; kept after the load phase so its final figures stay visible. */
  readonly progress: ProgressSnapshot | undefined;
  readonly checks: readonly CheckResult[];
}

/** Everything the compare view shows. */
export interface CompareLiveState {
  readonly plan: CompareEventMap['start'][0] | undefined;
  readonly items: readonly CompareStaticItem[];
  readonly current: CurrentRun | undefined;
  readonly done: { readonly result: CompareResult; readonly paths: ComparePaths } | undefined;
}

/**
 * One event as a reducer action: a comparison event (`run-start` without its emitter, which the
 * view subscribes to itself) or an event of the current run, prefixed `run:`.
 */
export type CompareLiveAction =
  | { readonly type: 'start'; readonly args: CompareEventMap['start'] }
  | { readonly type: 'run-start'; readonly info: CompareRunInfo }
  | { readonly type: 'run-done'; readonly args: CompareEventMap['run-done'] }
  | { readonly type: 'notice'; readonly args: CompareEventMap['notice'] }
  | { readonly type: 'done'; readonly args: CompareEventMap['done'] }
  | { [K in Exclude<keyof RunEventMap, 'done'>]: { readonly type: `run:${K}`; readonly args: RunEventMap[K] } }[Exclude<keyof RunEventMap, 'done'>];

/** The state before any event. */
export const initialCompareState: CompareLiveState = { plan: undefined, items: [], current: undefined, done: undefined };

/** Applies one event; run events arriving when no run is current are ignored. */
export function compareReducer(state: CompareLiveState, action: CompareLiveAction): CompareLiveState {
  const nextId = state.items.length;
  const current = state.current;
  switch (action.type) {
    case 'start':
      return { ...state, plan: action.args[0] };
    case 'run-start':
      return { ...state, current: { info: action.info, phase: undefined, detail: '', progress: undefined, checks: [] } };
    case 'run-done': {
      const [info, run] = action.args;
      return { ...state, current: undefined, items: [...state.items, { id: nextId, kind: 'run', info, run }] };
    }
    case 'notice':
      return { ...state, items: [...state.items, { id: nextId, kind: 'notice', message: action.args[0] }] };
    case 'done': {
      const [result, paths] = action.args;
      return { ...state, current: undefined, done: { result, paths } };
    }
    case 'run:phase':
      return current ? { ...state, current: { ...current, phase: action.args[0], detail: action.args[1] } } : state;
    case 'run:notice':
      return { ...state, items: [...state.items, { id: nextId, kind: 'notice', message: action.args[0] }] };
    case 'run:progress':
      return current ? { ...state, current: { ...current, progress: action.args[0] } } : state;
    case 'run:check':
      return current ? { ...state, current: { ...current, checks: [...current.checks, action.args[0]] } } : state;
  }
}
