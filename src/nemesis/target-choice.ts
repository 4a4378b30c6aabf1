/** What the faults on target instances share: who they may act on, and which instance they hit. */
import type { RunningTarget } from '../target/launch.ts';
import type { FaultRun, NemesisContext } from './types.ts';

/** Why a target fault cannot run in a run like this: only instances ticketbench starts are fair game. */
export function startedTargetsOnly(run: FaultRun): string | undefined {
  return run.startsTargets ? undefined : 'it acts only on target instances ticketbench starts (not with --target-url)';
}

/** One instance, chosen by the nemesis's seeded stream, with its pid now and a label for the timeline. */
export function chooseTarget(context: NemesisContext): { readonly target: RunningTarget; readonly pid: number; readonly label: string } {
  const target = context.targets[context.pick(context.targets.length)]!;
  return { target, pid: target.pid, label: `${target.baseUrl} (pid ${target.pid})` };
}
