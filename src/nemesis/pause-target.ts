/** `pause-target`: SIGSTOP one target instance for the fault interval (a long GC pause), SIGCONT at heal. */
import { recordPending, settlePending } from '../infra/fault-leftovers.ts';
import { processStartTime, processState } from '../infra/processes.ts';
import { chooseTarget, startedTargetsOnly } from './target-choice.ts';
import type { Fault } from './types.ts';

export const pauseTarget: Fault = {
  name: 'pause-target',
  description: 'SIGSTOP one target instance for the fault interval, SIGCONT at heal (its leases run out meanwhile)',
  unavailable: startedTargetsOnly,
  async start(context) {
    const { target, pid, label } = chooseTarget(context);
    // Recorded first, so `infra up` resumes it if ticketbench dies while it is stopped.
    recordPending(context.stateDir, { fault: 'pause-target', kind: 'continue-process', pid, startTime: processStartTime(pid) });
    target.signal('SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, 20));
    return {
      target: label,
      detail: `SIGSTOP; process state ${processState(pid)}`,
      async heal() {
        target.signal('SIGCONT');
        settlePending(context.stateDir, 'continue-process', pid);
        return `SIGCONT; process state ${processState(pid)}`;
      },
    };
  },
};
