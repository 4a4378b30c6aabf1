/**
 * The bundled-target settings `compare --vary KEY=v1,v2` can vary, each with its registry of
 * values, validation and safety: `strategy` (seat-hold, `TARGET_STRATEGY`), `wallet-strategy`
 * (`TARGET_WALLET_STRATEGY`) and `cache` (read cache `off|on`, `TARGET_CACHE`). `--strategies a,b`
 * is `--vary strategy=a,b` (or `wallet-strategy=` for a wallet scenario).
 */
import { TicketbenchError } from '../errors.ts';
import type { RunScenarioOptions } from '../run/run-scenario.ts';
import { VARY_OPTION_KEYS, type StrategyKind, type VaryKey } from '../model/compare.ts';
import { CACHE_MODES, holdStrategyNames, isSafeStrategy, isSafeWalletStrategy, validateCache, validateStrategy, validateWalletStrategy, walletStrategyNames } from '../target/launch.ts';

/** What each key means: its values, validation, safety, wording and the run option it sets. */
export interface VarySpec {
  /** Known values, for messages. */
  readonly names: () => readonly string[];
  /** @throws TicketbenchError INVALID_OPTION for an unknown value. */
  readonly validate: (value: string) => string;
  /** False for a value that is unsafe on purpose (its failed checks are expected). */
  readonly isSafe: (value: string) => boolean;
  /** What a value is called in messages, e.g. `wallet strategy`. */
  readonly what: string;
  /** The `RunReport.options` key that holds the value (left out of the settings table). */
  readonly optionKey: 'strategy' | 'walletStrategy' | 'cache';
}

/** Every key `--vary` takes. */
export const VARY_KEYS: Readonly<Record<VaryKey, VarySpec>> = {
  strategy: { names: holdStrategyNames, validate: validateStrategy, isSafe: isSafeStrategy, what: 'strategy', optionKey: VARY_OPTION_KEYS.strategy },
  'wallet-strategy': { names: walletStrategyNames, validate: validateWalletStrategy, isSafe: isSafeWalletStrategy, what: 'wallet strategy', optionKey: VARY_OPTION_KEYS['wallet-strategy'] },
  cache: { names: () => CACHE_MODES, validate: validateCache, isSafe: () => true, what: 'cache', optionKey: VARY_OPTION_KEYS.cache },
};

/** The key `--strategies` means for a scenario racing that kind of strategy. */
export function varyKeyOfKind(kind: StrategyKind | VaryKey): VaryKey {
  if (kind === 'hold') return 'strategy';
  if (kind === 'wallet') return 'wallet-strategy';
  return kind;
}

/**
 * Parses `KEY=v1,v2,...`, e.g. `cache=off,on` → `{ key: 'cache', values: ['off', 'on'] }`.
 * Values are trimmed; an empty one is kept as `''` for planComparison to reject with a sentence.
 * @throws TicketbenchError INVALID_OPTION without `=` or for an unknown key (listing the known).
 */
export function parseVary(text: string): { key: VaryKey; values: string[] } {
  const at = text.indexOf('=');
  const key = (at < 0 ? text : text.slice(0, at)).trim();
  if (at < 0 || key === '') throw new TicketbenchError('INVALID_OPTION', `--vary needs KEY=v1,v2 (e.g. --vary cache=off,on), got "${text}".`);
  if (!Object.hasOwn(VARY_KEYS, key)) {
    throw new TicketbenchError('INVALID_OPTION', `Unknown --vary key "${key}"; the bundled target can vary: ${Object.keys(VARY_KEYS).join(', ')}.`);
  }
  const rest = text.slice(at + 1);
  return { key: key as VaryKey, values: rest.trim() === '' ? [] : rest.split(',').map((v) => v.trim()) };
}

/** The run option that sets the key's value on one run of the comparison. */
export function runOptionOf(key: VaryKey, value: string): Pick<RunScenarioOptions, 'strategy' | 'walletStrategy' | 'cache'> {
  return { [VARY_KEYS[key].optionKey]: value };
}

/** Target settings held fixed across a comparison's runs (`compare --cache on --vary strategy=…`). */
export type FixedSettings = Partial<Record<VaryKey, string>>;

/**
 * Validates the settings a comparison holds fixed and turns them into run options, e.g.
 * `{ cache: 'on' }` while varying `strategy`.
 * @param fixed each key's value from its own flag (`--strategy`, `--wallet-strategy`, `--cache`)
 * @param varied the key the comparison varies; fixing it too is a contradiction
 * @throws TicketbenchError INVALID_OPTION for an unknown value or a fixed key that is also varied
 */
export function fixedRunOptions(fixed: FixedSettings, varied: VaryKey): Pick<RunScenarioOptions, 'strategy' | 'walletStrategy' | 'cache'> {
  const options: Record<string, string> = {};
  for (const key of Object.keys(fixed) as VaryKey[]) {
    const value = fixed[key];
    if (value === undefined) continue;
    if (key === varied) {
      throw new TicketbenchError('INVALID_OPTION', `--${key} fixes the setting this comparison varies (--vary ${varied}=…): give one of them.`);
    }
    options[VARY_KEYS[key].optionKey] = VARY_KEYS[key].validate(value);
  }
  return options;
}
