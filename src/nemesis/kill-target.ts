/** `kill-target`: SIGKILL one target instance; restart it on the same port at heal. */
import { chooseTarget, startedTargetsOnly } from './target-choice.ts';
import type { Fault } from './types.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const killTarget: Fault = {
  name: 'kill-target',
  description: 'SIGKILL one target instance mid-request, restart it on the same port at heal',
  unavailable: startedTargetsOnly,
  async start(context) {
    const { target, pid, label } = chooseTarget(context);
    target.signal('SIGKILL');
    // Gone once this process has reaped it (its exit event); at most a second.
    for (let waited = 0; alive(pid) && waited < 1_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    return {
      target: label,
      detail: `SIGKILL; ${alive(pid) ? 'still alive' : 'gone'}`,
      async heal() {
        await target.restart();
        return `restarted as pid ${target.pid}`;
      },
    };
  },
};
