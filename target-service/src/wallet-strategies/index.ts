/**
 * Registry of wallet strategies by name (`TARGET_WALLET_STRATEGY`), like the seat-hold
 * strategies' (`../hold-strategies/index.ts`). Adding a strategy is one new file exporting a
 * `WalletStrategyFactory` plus one entry here.
 */
import { createNoLockWalletStrategy } from './none.ts';
import { createOptimisticWalletStrategy } from './optimistic.ts';
import { createPessimisticWalletStrategy } from './pessimistic.ts';
import { createRedisLockWalletStrategy } from './redis-lock.ts';
import type { WalletStrategy, WalletStrategyDeps, WalletStrategyRegistration } from './types.ts';

export type { WalletChange, WalletState, WalletStrategy, WalletStrategyDeps, WalletStrategyFactory, WalletStrategyRegistration, WalletWork } from './types.ts';

/** Every wallet strategy, by the name `TARGET_WALLET_STRATEGY` selects it with. */
export const WALLET_STRATEGIES: Readonly<Record<string, WalletStrategyRegistration>> = {
  none: { create: createNoLockWalletStrategy, safe: false },
  optimistic: { create: createOptimisticWalletStrategy, safe: true },
  pessimistic: { create: createPessimisticWalletStrategy, safe: true },
  'redis-lock': { create: createRedisLockWalletStrategy, safe: true },
};

/** The default wallet strategy (seed 002's pessimistic lock for points). */
export const DEFAULT_WALLET_STRATEGY = 'pessimistic';

/**
 * Wallet strategies that lose updates on purpose (they exist to show that the wallet checks catch
 * the drift). A run whose checks fail with one of these is the expected outcome, not a regression.
 */
export const UNSAFE_WALLET_STRATEGIES: ReadonlySet<string> = new Set(
  Object.entries(WALLET_STRATEGIES)
    .filter(([, registration]) => !registration.safe)
    .map(([name]) => name),
);

/** True unless the wallet strategy is deliberately unsafe (see `UNSAFE_WALLET_STRATEGIES`). */
export function isSafeWalletStrategy(name: string): boolean {
  return !UNSAFE_WALLET_STRATEGIES.has(name);
}

/** The registered names, sorted. */
export function walletStrategyNames(): string[] {
  return Object.keys(WALLET_STRATEGIES).sort();
}

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
  const registration = Object.hasOwn(WALLET_STRATEGIES, name) ? WALLET_STRATEGIES[name] : undefined;
  if (!registration) throw new UnknownWalletStrategyError(name);
  return registration.create(deps);
}
