/**
 * Scenarios by name (files under `scenarios/`), loaded lazily so `ticketbench --help` stays fast.
 * A path to a `.ts`/`.js` file exporting a scenario as default also works.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TicketbenchError } from '../errors.ts';
import type { AnyScenario } from './types.ts';

const BUILT_IN: Record<string, () => Promise<{ default: AnyScenario }>> = {
  contention: () => import('../../scenarios/contention.ts'),
  'flash-sale': () => import('../../scenarios/flash-sale.ts'),
  'wallet-race': () => import('../../scenarios/wallet-race.ts'),
  'queue-ttl': () => import('../../scenarios/queue-ttl.ts'),
  'seat-query': () => import('../../scenarios/seat-query.ts'),
  'hold-expiry': () => import('../../scenarios/hold-expiry.ts'),
};

/** Names of the bundled scenarios. */
export const SCENARIO_NAMES = Object.keys(BUILT_IN);

/**
 * Loads a scenario by name or file path.
 * @throws TicketbenchError UNKNOWN_SCENARIO listing the known names.
 */
export async function loadScenario(nameOrPath: string): Promise<AnyScenario> {
  const builtIn = BUILT_IN[nameOrPath];
  if (builtIn) return (await builtIn()).default;
  if (/\.(ts|js|mjs)$/.test(nameOrPath) && existsSync(nameOrPath)) {
    const mod = (await import(pathToFileURL(path.resolve(nameOrPath)).href)) as { default?: AnyScenario };
    if (!mod.default?.name || typeof mod.default.iteration !== 'function') {
      throw new TicketbenchError('UNKNOWN_SCENARIO', `${nameOrPath} does not export a scenario as default (see scenarios/contention.ts).`);
    }
    return mod.default;
  }
  throw new TicketbenchError('UNKNOWN_SCENARIO', `Unknown scenario "${nameOrPath}"; known: ${SCENARIO_NAMES.join(', ')} (or a path to a scenario file).`);
}
