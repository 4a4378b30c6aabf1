/**
 * A registry of interchangeable strategies by name (`TARGET_STRATEGY`, `TARGET_WALLET_STRATEGY`):
 * each entry builds its strategy from the shared dependencies and says whether it is safe. The
 * seat-hold and wallet registries are two instances of it.
 */

/** One registered strategy: how to build it, and whether it is safe (unsafe ones exist to show that the checks catch a race). */
export interface StrategyRegistration<D, S> {
  readonly create: (deps: D) => S;
  readonly safe: boolean;
}

/** The registry's view: names, safety and construction. */
export interface StrategyRegistry<D, S> {
  /** Every strategy by name. */
  readonly entries: Readonly<Record<string, StrategyRegistration<D, S>>>;
  /** Names of the strategies that are unsafe on purpose. */
  readonly unsafe: ReadonlySet<string>;
  /** The registered names, sorted. */
  names(): string[];
  /** True unless the strategy is deliberately unsafe. */
  isSafe(name: string): boolean;
  /**
   * Builds the named strategy.
   * @throws the registry's unknown-name error (see defineStrategyRegistry) when no strategy has that name.
   */
  create(name: string, deps: D): S;
}

/**
 * Builds a registry over `entries`.
 * @param unknownName makes the error thrown for an unknown name, given it and the known names
 */
export function defineStrategyRegistry<D, S>(
  entries: Readonly<Record<string, StrategyRegistration<D, S>>>,
  unknownName: (name: string, known: readonly string[]) => Error,
): StrategyRegistry<D, S> {
  const unsafe: ReadonlySet<string> = new Set(Object.keys(entries).filter((name) => !entries[name]!.safe));
  const names = (): string[] => Object.keys(entries).sort();
  return {
    entries,
    unsafe,
    names,
    isSafe: (name) => !unsafe.has(name),
    create(name, deps) {
      const registration = Object.hasOwn(entries, name) ? entries[name] : undefined;
      if (!registration) throw unknownName(name, names());
      return registration.create(deps);
    },
  };
}

/**
 * Registry entries from a safety table (`contract/bundled-target.ts`) and one factory per name:
 * the type requires a factory for every name the contract lists, and no other.
 */
export function withSafety<N extends string, D, S>(safety: Readonly<Record<N, boolean>>, factories: Readonly<Record<N, (deps: D) => S>>): Record<N, StrategyRegistration<D, S>> {
  const entries = {} as Record<N, StrategyRegistration<D, S>>;
  for (const name of Object.keys(safety) as N[]) entries[name] = { create: factories[name], safe: safety[name] };
  return entries;
}
