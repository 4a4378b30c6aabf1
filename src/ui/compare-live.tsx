import { render, type RenderOptions } from 'ink';
import type { CompareEmitter } from '../compare/types.ts';
import { CompareApp } from './CompareApp.tsx';
import type { LiveView } from './live.tsx';

/**
 * Shows a comparison live in the terminal (TTY) with Ink. Call before the comparison starts
 * emitting. `options` are ink's render options (tests pass their own stdout). The handle is the
 * same as `renderLive`'s: wait for the end, or unmount on error.
 */
export function renderCompareLive(emitter: CompareEmitter, options?: RenderOptions): LiveView {
  const instance = render(<CompareApp emitter={emitter} />, options);
  return {
    async waitUntilExit() {
      await instance.waitUntilExit();
    },
    unmount() {
      instance.unmount();
    },
  };
}
