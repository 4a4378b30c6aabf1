// compare plans against the registry of the strategy kind its scenario races: seat-hold strategies
// by default, wallet strategies for wallet scenarios, each with its own safety flags.
import { describe, expect, it } from 'vitest';
import { isSafeStrategyOfKind, planComparison } from '../../src/compare/run-compare.ts';

describe('planComparison by strategy kind', () => {
  it('checks wallet names against the wallet registry', () => {
    expect(planComparison(['none', 'pessimistic', 'optimistic', 'redis-lock'], 1, undefined, 'wallet').labels).toEqual(['none', 'pessimistic', 'optimistic', 'redis-lock']);
    expect(() => planComparison(['redis-stock'], 1, undefined, 'wallet')).toThrow(/Unknown wallet strategy "redis-stock" in --strategies; the bundled target has: none, optimistic, pessimistic, redis-lock/);
    expect(() => planComparison(['redis-stock'])).not.toThrow();
  });

  it('takes safety from the registry of the kind', () => {
    expect(isSafeStrategyOfKind('wallet', 'none')).toBe(false);
    expect(['optimistic', 'pessimistic', 'redis-lock'].every((name) => isSafeStrategyOfKind('wallet', name))).toBe(true);
    expect(isSafeStrategyOfKind('hold', 'none')).toBe(false);
    expect(isSafeStrategyOfKind('hold', 'redis-stock')).toBe(true);
  });
});
