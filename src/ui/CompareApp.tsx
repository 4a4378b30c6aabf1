import { Box, Static, Text } from 'ink';
import { useLayoutEffect, useReducer } from 'react';
import type { CompareEmitter } from '../compare/types.ts';
import { subscribe } from '../run/subscribe.ts';
import { CompareCurrent } from './CompareCurrent.tsx';
import { compareReducer, initialCompareState } from './compare-state.ts';
import { CompareStaticRow } from './CompareStaticRow.tsx';
import { CompareSummary } from './CompareSummary.tsx';
import { useExitWhenDone } from './view-lifecycle.tsx';

/** Props of CompareApp: the emitter of the comparison to show. */
export type CompareAppProps = {
  readonly emitter: CompareEmitter;
};

/**
 * The live view of a comparison: notices and each finished run's row are printed once through
 * `<Static>`; the running strategy (k of N), its phase, load progress and checks redraw; at the
 * end the table, findings and files. Subscribes to `emitter` and to each run's emitter as it is
 * handed out, unsubscribes on unmount, exits Ink after `done`.
 */
export function CompareApp({ emitter }: CompareAppProps) {
  const [state, dispatch] = useReducer(compareReducer, initialCompareState);

  // Synchronous subscriptions (layout effect, and the run's emitter inside the run-start
  // listener): runScenario emits its first phase before any React effect could run.
  useLayoutEffect(() => {
    let detachRun: (() => void) | undefined;
    const detachCompare = subscribe(emitter, {
      start: (...args) => dispatch({ type: 'start', args }),
      'run-start': (info, runEmitter) => {
        detachRun?.();
        dispatch({ type: 'run-start', info });
        detachRun = subscribe(runEmitter, {
          phase: (...args) => dispatch({ type: 'run:phase', args }),
          notice: (...args) => dispatch({ type: 'run:notice', args }),
          progress: (...args) => dispatch({ type: 'run:progress', args }),
          check: (...args) => dispatch({ type: 'run:check', args }),
          done: () => {},
        });
      },
      'run-done': (...args) => {
        detachRun?.();
        detachRun = undefined;
        dispatch({ type: 'run-done', args });
      },
      notice: (...args) => dispatch({ type: 'notice', args }),
      done: (...args) => dispatch({ type: 'done', args }),
    });
    return () => {
      detachRun?.();
      detachCompare();
    };
  }, [emitter]);

  useExitWhenDone(state.done);

  return (
    <Box flexDirection="column">
      <Static items={[...state.items]}>{(item) => <CompareStaticRow key={item.id} item={item} />}</Static>
      {state.plan && !state.done && !state.current ? <Text dimColor>{`compare ${state.plan.scenario}: ${state.plan.labels.join(', ')}`}</Text> : null}
      {state.current ? <CompareCurrent current={state.current} /> : null}
      {state.done ? <CompareSummary result={state.done.result} paths={state.done.paths} /> : null}
    </Box>
  );
}
