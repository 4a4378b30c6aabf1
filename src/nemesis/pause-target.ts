/** `pause-target`: SIGSTOP one target instance for the fault interval (a long GC pause), SIGCONT at heal. */
import { readFileSync } from 'node:fs';
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
  unavailable: (run) => (run.startsTargets ? undefined : 'it acts only on target instances ticketbench starts (not with --target-url)'),
  async start(context) {
    const target = context.targets[context.pick(context.targets.length)]!;
    const pid = target.pid;
    target.signal('SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, 20));
    return {
      target: `${target.baseUrl} (pid ${pid})`,
      detail: `SIGSTOP; process state ${processState(pid)}`,
      async heal() {
        target.signal('SIGCONT');
        return `SIGCONT; process state ${processState(pid)}`;
      },
    };
  },
};
