/** `ticketbench scenarios`: the bundled scenarios with their descriptions and flags. */
import { loadScenario, SCENARIO_NAMES } from '../../scenario/registry.ts';
import type { CliIo } from '../io.ts';

/** Prints each bundled scenario; returns exit code 0. */
export async function scenariosCommand(io: CliIo): Promise<number> {
  for (const name of SCENARIO_NAMES) {
    const scenario = await loadScenario(name);
    io.stdout.write(`${name} (default ${scenario.defaultVus} VUs)\n  ${scenario.description}\n`);
    for (const flag of scenario.flags) io.stdout.write(`  ${flag.flags}  ${flag.description}\n`);
  }
  return 0;
}
