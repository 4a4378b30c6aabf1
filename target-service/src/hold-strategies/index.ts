/**
 * Registry of seat-hold strategies by name (`TARGET_STRATEGY`). Adding a strategy is one new
 * file exporting a `HoldStrategyFactory` plus one entry here.
 */
import { createNoLockStrategy } from './none.ts';
import { createOptimisticStrategy } from './optimistic.ts';
import { createPessimisticStrategy } from './pessimistic.ts';
import { createRedisLockStrategy } from './redis-lock.ts';
import { createRedisStockStrategy } from './redis-stock.ts';
import { HOLD_STRATEGY_SAFETY } from '../../../contract/bundled-target.ts';
import { defineStrategyRegistry, withSafety } from '../strategy-registry.ts';
import type { HoldStrategyDeps, HoldStrategyRegistration, SeatHoldStrategy } from './types.ts';

export type {
  HoldAttempts,
  HoldInput,
  HoldResult,
  HoldStrategyDeps,
  HoldStrategyFactory,
  HoldStrategyRegistration,
  SeatHoldStrategy,
} from './types.ts';

/** The seat-hold strategies, by the name `TARGET_STRATEGY` selects them with. */
const REGISTRY = defineStrategyRegistry<HoldStrategyDeps, SeatHoldStrategy>(
  withSafety(HOLD_STRATEGY_SAFETY, {
    none: createNoLockStrategy,
    optimistic: createOptimisticStrategy,
    pessimistic: createPessimisticStrategy,
    'redis-lock': createRedisLockStrategy,
    'redis-stock': createRedisStockStrategy,
  }),
  (name) => new UnknownStrategyError(name),
);

/** Every strategy, by the name `TARGET_STRATEGY` selects it with. */
export const HOLD_STRATEGIES: Readonly<Record<string, HoldStrategyRegistration>> = REGISTRY.entries;

/**
 * Strategies that are unsafe on purpose (they exist to show that the checks catch a race). A run
 * whose checks fail with one of these is the expected outcome, not a regression.
 */
export const UNSAFE_STRATEGIES: ReadonlySet<string> = REGISTRY.unsafe;

/** True unless the strategy is deliberately unsafe (see `UNSAFE_STRATEGIES`). */
export const isSafeStrategy: (name: string) => boolean = REGISTRY.isSafe;

/** The registered names, sorted. */
export const holdStrategyNames: () => string[] = REGISTRY.names;

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
  return REGISTRY.create(name, deps);
}
