/**
 * `network-partition`: cut the target instances' link to MySQL or to Redis (seeded choice) for
 * the fault interval. Connections stay open and nothing gets through (new ones are accepted but
 * go nowhere), as when packets are dropped; at heal what was held is delivered in order, as TCP's
 * retransmissions would once the link is back.
 */
import { startedTargetsOnly } from './target-choice.ts';
import type { Fault } from './types.ts';

export const networkPartition: Fault = {
  name: 'network-partition',
  description: "cut the target instances' link to MySQL or to Redis (seeded choice) for the fault interval; what was held gets through at heal",
  needsLinks: true,
  unavailable: startedTargetsOnly,
  async start(context) {
    const links = context.links ?? [];
    if (links.length === 0) throw new Error('the run has no relays on the target links');
    const link = links[context.pick(links.length)]!;
    link.takeCounters();
    link.setPartitioned(true);
    return {
      target: `link to ${link.name}`,
      detail: 'cut: nothing gets through',
      async heal() {
        link.setPartitioned(false);
        return `joined again; ${link.takeCounters().chunksWaited} chunks held and delivered`;
      },
    };
  },
};
