/**
 * What `run` and `compare` share around their work: the plain printer (for `--ci` or a non-TTY
 * stdout) or the live Ink view, and Ctrl-C handling — the first press aborts the work's signal so
 * it can stop its load and still check and report; a second one quits.
 */
import type { LiveView } from '../ui/live.tsx';
import type { CliIo } from './io.ts';

/** How to show the work, and what to say on the first Ctrl-C. */
export interface ViewSession {
  /** `--ci` was given. */
  readonly ci: boolean;
  /** Attaches the plain printer to `write` (lines end with a newline); returns its detach function. */
  readonly attachPlain: (write: (s: string) => void) => Promise<() => void>;
  /** Starts the live view. */
  readonly renderLive: () => Promise<LiveView>;
  /** Called on the first Ctrl-C, e.g. to emit a notice. */
  readonly onInterrupt: () => void;
}

/**
 * Runs `work` under the chosen view; waits for the live view to finish drawing before returning,
 * and unmounts it when `work` throws so the one-line error prints below it.
 */
export async function withViewSession<T>(io: CliIo, session: ViewSession, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  let view: LiveView | undefined;
  let detach: (() => void) | undefined;
  if (session.ci || !io.stdout.isTTY) detach = await session.attachPlain((s) => io.stdout.write(s.endsWith('\n') ? s : `${s}\n`));
  else view = await session.renderLive();

  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(130);
    abort.abort();
    session.onInterrupt();
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await work(abort.signal);
    await view?.waitUntilExit();
    return result;
  } catch (err) {
    view?.unmount();
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
    detach?.();
  }
}
