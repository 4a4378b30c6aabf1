import { Box, Static } from 'ink';
import { useLayoutEffect, useReducer } from 'react';
import { subscribe, type RunListeners } from '../run/subscribe.ts';
import type { RunEmitter } from '../run/types.ts';
import { FinalSummary } from './FinalSummary.tsx';
import { ProgressPanel } from './ProgressPanel.tsx';
import { initialLiveState, liveReducer } from './state.ts';
import { StaticRow } from './StaticRow.tsx';
import { useExitWhenDone } from './view-lifecycle.tsx';

/** Props of App: the emitter of the run to show. */
export type AppProps = {
  readonly emitter: RunEmitter;
};

/**
 * The live view of a run: finished phases, notices, frozen load figures and check verdicts are
 * printed once through `<Static>`; only the current load progress (and at the end the final
 * summary) redraws. Subscribes to `emitter`, unsubscribes on unmount, exits Ink after `done`.
 */
export function App({ emitter }: AppProps) {
  const [state, dispatch] = useReducer(liveReducer, initialLiveState);

  // A layout effect runs synchronously inside ink's render(), so a runner that emits right after
  // renderLive() returns cannot lose its first events (a passive effect would subscribe later).
  useLayoutEffect(() => {
    const listeners: RunListeners = {
      phase: (...args) => dispatch({ type: 'phase', args }),
      notice: (...args) => dispatch({ type: 'notice', args }),
      progress: (...args) => dispatch({ type: 'progress', args }),
      check: (...args) => dispatch({ type: 'check', args }),
      done: (...args) => dispatch({ type: 'done', args }),
    };
    return subscribe(emitter, listeners);
  }, [emitter]);

  useExitWhenDone(state.done);

  return (
    <Box flexDirection="column">
      <Static items={[...state.items]}>{(item) => <StaticRow key={item.id} item={item} />}</Static>
      {state.progress ? <ProgressPanel snapshot={state.progress} /> : null}
      {state.done ? <FinalSummary report={state.done.report} paths={state.done.paths} /> : null}
    </Box>
  );
}
