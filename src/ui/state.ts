/**
 * The Ink view's state as a pure reducer over run events, so App only wires events to `dispatch`
 * and the transitions are testable without rendering.
 */
import type { CheckResult } from '../checks/types.ts';
import type { ProgressSnapshot } from '../engine/types.ts';
import type { RunEventMap, RunPhase } from '../run/types.ts';
import type { RunReport } from '../model/run-report.ts';

/** Something finished that is printed once, above the live area (ink `<Static>`). */
export type StaticItem =
  | { readonly id: number; readonly kind: 'phase'; readonly phase: RunPhase; readonly detail: string }
  | { readonly id: number; readonly kind: 'notice'; readonly message: string }
  | { readonly id: number; readonly kind: 'progress'; readonly snapshot: ProgressSnapshot }
  | { readonly id: number; readonly kind: 'check'; readonly check: CheckResult };

/** Everything the view shows. */
export interface LiveState {
  /** Printed once, in arrival order. */
  readonly items: readonly StaticItem[];
  readonly phase: RunPhase | undefined;
  /** Latest load snapshot while it is still live (cleared once frozen into `items`). */
  readonly progress: ProgressSnapshot | undefined;
  readonly done: { readonly report: RunReport; readonly paths: RunEventMap['done'][1] } | undefined;
}

/** One run event as a reducer action: the event name and its arguments. */
export type LiveAction = { [K in keyof RunEventMap]: { readonly type: K; readonly args: RunEventMap[K] } }[keyof RunEventMap];

/** The state before any event. */
export const initialLiveState: LiveState = { items: [], phase: undefined, progress: undefined, done: undefined };

/**
 * Applies one event. When a new phase starts or the run is done, the last progress snapshot is
 * frozen into the static items so the final load figures stay in the scrollback.
 */
export function liveReducer(state: LiveState, action: LiveAction): LiveState {
  const nextId = state.items.length;
  const freezeProgress = (): readonly StaticItem[] =>
    state.progress ? [...state.items, { id: nextId, kind: 'progress', snapshot: state.progress }] : state.items;
  switch (action.type) {
    case 'phase': {
      const items = freezeProgress();
      const [phase, detail] = action.args;
      return { ...state, phase, progress: undefined, items: [...items, { id: items.length, kind: 'phase', phase, detail }] };
    }
    case 'notice':
      return { ...state, items: [...state.items, { id: nextId, kind: 'notice', message: action.args[0] }] };
    case 'progress':
      return { ...state, progress: action.args[0] };
    case 'check':
      return { ...state, items: [...state.items, { id: nextId, kind: 'check', check: action.args[0] }] };
    case 'done': {
      const [report, paths] = action.args;
      return { ...state, items: freezeProgress(), progress: undefined, done: { report, paths } };
    }
  }
}
