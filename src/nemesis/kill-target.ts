/** `kill-target`: SIGKILL one target instance; restart it on the same port at heal. */
import { waitForExit } from '../infra/processes.ts';
import { chooseTarget, startedTargetsOnly } from './target-choice.ts';
import type { Fault } from './types.ts';

export const killTarget: Fault = {
  name: 'kill-target',
  description: 'SIGKILL one target instance mid-request, restart it on the same port at heal',
  unavailable: startedTargetsOnly,
  async start(context) {
    const { target, pid, label } = chooseTarget(context);
    target.signal('SIGKILL');
    const gone = await waitForExit(pid, 1_000);
    return {
      target: label,
      detail: `SIGKILL; ${gone ? 'gone' : 'still alive'}`,
      async heal() {
        await target.restart();
        return `restarted as pid ${target.pid}`;
      },
    };
  },
};
