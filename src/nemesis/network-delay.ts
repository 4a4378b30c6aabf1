/**
 * `network-delay`: every chunk between the target instances and MySQL and Redis waits
 * NETWORK_DELAY_MS each way for the fault interval (a slow network: each round trip is
 * 2 × NETWORK_DELAY_MS longer, so transactions and leases last longer), through the run's relays.
 */
import { startedTargetsOnly } from './target-choice.ts';
import type { Fault } from './types.ts';

/** Delay added each way, ms. */
export const NETWORK_DELAY_MS = 20;

export const networkDelay: Fault = {
  name: 'network-delay',
  description: `delay the target instances' links to MySQL and Redis by ${NETWORK_DELAY_MS} ms each way (a relay ticketbench puts on those links)`,
  needsLinks: true,
  unavailable: startedTargetsOnly,
  async start(context) {
    const links = context.links ?? [];
    if (links.length === 0) throw new Error('the run has no relays on the target links');
    for (const link of links) {
      link.takeCounters();
      link.setDelay(NETWORK_DELAY_MS);
    }
    return {
      target: `links to ${links.map((l) => l.name).join(', ')}`,
      detail: `+${NETWORK_DELAY_MS} ms each way`,
      async heal() {
        for (const link of links) link.setDelay(0);
        return `delay lifted; ${links.map((l) => `${l.name}: ${l.takeCounters().chunksWaited} chunks delayed`).join(', ')}`;
      },
    };
  },
};
