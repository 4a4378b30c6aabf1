/** `pause-target`: SIGSTOP one target instance for the fault interval (a long GC pause), SIGCONT at heal. */
import { readFileSync } from 'node:fs';
import { chooseTarget, startedTargetsOnly } from './target-choice.ts';
import type { Fault } from './types.ts';

/** The process state letter of a pid from /proc (Linux), e.g. `T` when stopped; `?` when unknown. */
export function processState(pid: number): string {
  try {
    // /proc/<pid>/stat: "pid (comm) S ...": the state follows the command's closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) || '?';
  } catch {
    return '?';
  }
}

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
