/**
 * Registry of seat-hold strategies by name (`TARGET_STRATEGY`). Adding a strategy is one new
 * file exporting a `HoldStrategyFactory` plus one line here.
 */
import { createRedisLockStrategy } from './redis-lock.ts';
import type { HoldStrategyDeps, HoldStrategyFactory, SeatHoldStrategy } from './types.ts';

export type { HoldInput, HoldResult, HoldStrategyDeps, HoldStrategyFactory, SeatHoldStrategy } from './types.ts';

/** Every strategy, by the name `TARGET_STRATEGY` selects it with. */
export const HOLD_STRATEGIES: Readonly<Record<string, HoldStrategyFactory>> = {
  'redis-lock': createRedisLockStrategy,
};

/**
 * Strategies that are unsafe on purpose (they exist to show that the checks catch a race). A run
 * whose checks fail with one of these is the expected outcome, not a regression.
 */
export const UNSAFE_STRATEGIES: ReadonlySet<string> = new Set(['none']);

/** True unless the strategy is deliberately unsafe (see `UNSAFE_STRATEGIES`). */
export function isSafeStrategy(name: string): boolean {
  return !UNSAFE_STRATEGIES.has(name);
}

/** The registered names, sorted. */
export function holdStrategyNames(): string[] {
  return Object.keys(HOLD_STRATEGIES).sort();
}

/** Thrown for a `TARGET_STRATEGY` that names no registered strategy. */
export class UnknownStrategyError extends Error {
  constructor(name: string) {
    super(`Unknown TARGET_STRATEGY "${name}"; known strategies: ${holdStrategyNames().join(', ')}.`);
    this.name = 'UnknownStrategyError';
  }
}

/**
 * Builds the named strategy.
 * @throws UnknownStrategyError when no strategy has that name.
 */
export function createHoldStrategy(name: string, deps: HoldStrategyDeps): SeatHoldStrategy {
  const factory = Object.hasOwn(HOLD_STRATEGIES, name) ? HOLD_STRATEGIES[name] : undefined;
  if (!factory) throw new UnknownStrategyError(name);
  return factory(deps);
}
