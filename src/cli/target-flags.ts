/**
 * `run`'s target flags: `--target-url` (drive a running service) or the bundled target's
 * settings (`--strategy`, `--wallet-strategy`, `--cache`), validated and turned into run options
 * in one place, so every bad value or combination is one sentence naming the flags. The target's
 * times (`--hold-ttl`, `--lock-ttl`) are shared run flags (run-flags.ts).
 */
import { TicketbenchError } from '../errors.ts';
import { loadProfile, type LoadedProfile } from '../profile/load.ts';
import type { RunScenarioOptions } from '../run/run-scenario.ts';
import { validateCache, validateStrategy, validateWalletStrategy } from '../target/launch.ts';

/** The run options the target flags set. */
export type TargetRunOptions = Pick<RunScenarioOptions, 'targetUrl' | 'strategy' | 'walletStrategy' | 'cache'>;

const BUNDLED_FLAGS = [
  { key: 'strategy', flag: '--strategy', what: "selects the bundled target's strategy", validate: validateStrategy },
  { key: 'walletStrategy', flag: '--wallet-strategy', what: "selects the bundled target's wallet strategy", validate: validateWalletStrategy },
  { key: 'cache', flag: '--cache', what: "sets the bundled target's read cache", validate: validateCache },
] as const;

/**
 * Validates the target flags (`opts` as commander gives them) and returns the run options they set.
 * @throws TicketbenchError INVALID_OPTION for a `--target-url` that is not an http(s) URL (or a
 *   comma-separated list of them, one per instance), `--target-instances` with `--target-url`, an
 *   unknown strategy or cache mode, or a bundled-target setting given with `--target-url`.
 */
export function targetFromFlags(opts: Readonly<Record<string, unknown>>): TargetRunOptions {
  const targetUrl = opts['targetUrl'] === undefined ? undefined : String(opts['targetUrl']).split(',').map(validateTargetUrl).join(',');
  if (targetUrl !== undefined && opts['targetInstances'] !== undefined) {
    throw new TicketbenchError('INVALID_OPTION', '--target-instances starts instances; with --target-url, list the running instances instead: --target-url http://127.0.0.1:8080,http://127.0.0.1:8081.');
  }
  const options: { -readonly [K in keyof TargetRunOptions]: TargetRunOptions[K] } = targetUrl === undefined ? {} : { targetUrl };
  for (const { key, flag, what, validate } of BUNDLED_FLAGS) {
    if (opts[key] === undefined) continue;
    if (targetUrl !== undefined) throw new TicketbenchError('INVALID_OPTION', `${flag} ${what}; it cannot be combined with --target-url.`);
    options[key] = validate(String(opts[key]));
  }
  return options;
}

/**
 * Checks a `--target-url` value.
 * @throws TicketbenchError INVALID_OPTION unless it is an http(s) URL
 */
export function validateTargetUrl(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol)) {
    throw new TicketbenchError('INVALID_OPTION', `--target-url "${text}" is not an http(s) URL, e.g. http://127.0.0.1:8080.`);
  }
  return text;
}

/**
 * The profile `--profile FILE` names, loaded and validated; undefined without the flag (the run
 * uses the bundled target's).
 * @throws TicketbenchError INVALID_PROFILE (exit 2) with one line per problem
 */
export async function profileFromFlags(opts: Readonly<Record<string, unknown>>): Promise<LoadedProfile | undefined> {
  return opts['profile'] === undefined ? undefined : loadProfile(String(opts['profile']));
}
