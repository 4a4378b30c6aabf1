/**
 * Waiting helpers for servers that take a while to come up or go away.
 */

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Calls `attempt` every `intervalMs` until it returns a value other than `undefined`, or
 * `timeoutMs` has passed since the call (then resolves `undefined`). Attempts never overlap.
 * Errors thrown by `attempt` are not caught: they end the wait.
 */
export async function pollUntil<T>(attempt: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 500): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() + intervalMs > deadline) return undefined;
    await sleep(intervalMs);
  }
}
