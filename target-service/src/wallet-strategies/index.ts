/**
 * Registry of wallet strategies by name (`TARGET_WALLET_STRATEGY`), like the seat-hold
 * strategies' (`../hold-strategies/index.ts`). Adding a strategy is one new file exporting a
 * `WalletStrategyFactory` plus one entry here.
 */
import { createNoLockWalletStrategy } from './none.ts';
import { createOptimisticWalletStrategy } from './optimistic.ts';
import { createPessimisticWalletStrategy } from './pessimistic.ts';
import { createRedisLockWalletStrategy } from './redis-lock.ts';
import { DEFAULT_WALLET_STRATEGY as CONTRACT_DEFAULT_WALLET_STRATEGY, WALLET_STRATEGY_SAFETY } from '../../../contract/bundled-target.ts';
import { defineStrategyRegistry, withSafety } from '../strategy-registry.ts';
import type { WalletStrategy, WalletStrategyDeps, WalletStrategyRegistration } from './types.ts';

export type { WalletChange, WalletState, WalletStrategy, WalletStrategyDeps, WalletStrategyFactory, WalletStrategyRegistration, WalletWork } from './types.ts';

/** The wallet strategies, by the name `TARGET_WALLET_STRATEGY` selects them with. */
const REGISTRY = defineStrategyRegistry<WalletStrategyDeps, WalletStrategy>(
  withSafety(WALLET_STRATEGY_SAFETY, {
    none: createNoLockWalletStrategy,
    optimistic: createOptimisticWalletStrategy,
    pessimistic: createPessimisticWalletStrategy,
    'redis-lock': createRedisLockWalletStrategy,
  }),
  (name) => new UnknownWalletStrategyError(name),
);

/** Every wallet strategy, by the name `TARGET_WALLET_STRATEGY` selects it with. */
export const WALLET_STRATEGIES: Readonly<Record<string, WalletStrategyRegistration>> = REGISTRY.entries;

/** The default wallet strategy (seed 002's pessimistic lock for points; the contract's). */
export const DEFAULT_WALLET_STRATEGY: string = CONTRACT_DEFAULT_WALLET_STRATEGY;

/**
 * Wallet strategies that lose updates on purpose (they exist to show that the wallet checks catch
 * the drift). A run whose checks fail with one of these is the expected outcome, not a regression.
 */
export const UNSAFE_WALLET_STRATEGIES: ReadonlySet<string> = REGISTRY.unsafe;

/** True unless the wallet strategy is deliberately unsafe (see `UNSAFE_WALLET_STRATEGIES`). */
export const isSafeWalletStrategy: (name: string) => boolean = REGISTRY.isSafe;

/** The registered names, sorted. */
export const walletStrategyNames: () => string[] = REGISTRY.names;

/** Thrown for a `TARGET_WALLET_STRATEGY` that names no registered strategy. */
export class UnknownWalletStrategyError extends Error {
  constructor(name: string) {
    super(`Unknown TARGET_WALLET_STRATEGY "${name}"; known wallet strategies: ${walletStrategyNames().join(', ')}.`);
    this.name = 'UnknownWalletStrategyError';
  }
}

/**
 * Builds the named wallet strategy.
 * @throws UnknownWalletStrategyError when no strategy has that name.
 */
export function createWalletStrategy(name: string, deps: WalletStrategyDeps): WalletStrategy {
  return REGISTRY.create(name, deps);
}
