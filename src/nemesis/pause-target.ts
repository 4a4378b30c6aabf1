/** `pause-target`: SIGSTOP one target instance for the fault interval (a long GC pause), SIGCONT at heal. */
import { processState } from '../infra/processes.ts';
import { chooseTarget, startedTargetsOnly } from './target-choice.ts';
import type { Fault } from './types.ts';

export const pauseTarget: Fault = {
  name: 'pause-target',
  description: 'SIGSTOP one target instance for the fault interval, SIGCONT at heal (its leases run out meanwhile)',
  unavailable: startedTargetsOnly,
  async start(context) {
    const { target, pid, label } = chooseTarget(context);
    target.signal('SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, 20));
    return {
      target: label,
      detail: `SIGSTOP; process state ${processState(pid)}`,
      async heal() {
        target.signal('SIGCONT');
        return `SIGCONT; process state ${processState(pid)}`;
      },
    };
  },
};
