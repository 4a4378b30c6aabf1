/**
 * What the live run view and the live comparison view share: rendering with a handle to wait for
 * the end or tear down, and leaving Ink once the work is done.
 */
import { render, useApp, type RenderOptions } from 'ink';
import { useEffect, type ReactElement } from 'react';

/** Handle on a live view. */
export interface LiveView {
  /** Resolves once the `done` event has been drawn and Ink has exited (or after unmount). */
  waitUntilExit(): Promise<void>;
  /** Tears the view down now; for work that failed and will never emit `done`. */
  unmount(): void;
}

/**
 * Renders a live view with Ink. Call before the work starts emitting: a view subscribes in a
 * layout effect, which runs inside `render`, so events emitted right after this returns are not lost.
 * @param options ink's render options (tests pass their own stdout)
 */
export function renderView(element: ReactElement, options?: RenderOptions): LiveView {
  const instance = render(element, options);
  return {
    async waitUntilExit() {
      await instance.waitUntilExit();
    },
    unmount() {
      instance.unmount();
    },
  };
}

/**
 * Leaves Ink once `done` is set. The exit runs on a later task, not in the effect: `<Static>`
 * clears its printed rows with a state update of its own, and ink's final render on exit would
 * print rows added in the same batch as `done` a second time if it ran before that update.
 */
export function useExitWhenDone(done: unknown): void {
  const { exit } = useApp();
  useEffect(() => {
    if (!done) return;
    const timer = setTimeout(exit, 0);
    return () => clearTimeout(timer);
  }, [done, exit]);
}
