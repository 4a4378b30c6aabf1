/**
 * `kill-consumer`: crash one bundled target instance's idempotent consumer right after it applied
 * an event and before its offset was committed (a test-only hook of the bundled target, over its
 * IPC channel), and start it again at heal. The event comes again to whoever takes the partition:
 * the consumer must count it once (`consumer_dedup` in the same transaction as `sold_count`).
 */
import { startedTargetsOnly } from './target-choice.ts';
import type { Fault, FaultRun } from './types.ts';

/**
 * How long heal waits for an armed crash to happen before disarming it, ms: a consumer group in a
 * rebalance (a member killed without leaving holds it up to its 10 s session timeout) applies
 * nothing meanwhile, and the fault is only real once it crashed.
 */
const CRASH_GRACE_MS = 10_000;

export const killConsumer: Fault = {
  name: 'kill-consumer',
  description: "crash one bundled target instance's event consumer between applying an event and committing its offset; start it again at heal",
  unavailable(run: FaultRun) {
    return startedTargetsOnly(run) ?? (run.bundled === false ? "it uses a test-only hook of the bundled target, and this profile describes another service" : undefined);
  },
  async start(context) {
    const hooked = context.targets.filter((t) => t.testHook !== undefined);
    if (hooked.length === 0) throw new Error('no target instance has the bundled target\'s test hooks');
    const target = hooked[context.pick(hooked.length)]!;
    const pid = target.pid;
    let crashed: string | undefined;
    let missed: string | undefined;
    // Answers once the consumer crashed: the timeout only bounds a run that ends meanwhile.
    const crash = target.testHook!('crash-consumer', context.faultMs + 60_000).then(
      (detail) => (crashed = detail),
      (err: unknown) => (missed = (err as Error).message),
    );
    return {
      target: `${target.baseUrl} (pid ${pid}) consumer`,
      detail: 'armed: crash after the next event it applies, before the offset commit',
      async heal() {
        await Promise.race([crash, new Promise((resolve) => setTimeout(resolve, CRASH_GRACE_MS))]);
        // An instance killed meanwhile by another fault has a new process with a fresh consumer.
        if (target.pid !== pid) return 'the instance was restarted meanwhile; its consumer is new';
        const restarted = await target.testHook!('restart-consumer', 30_000);
        await crash;
        return crashed ? `${crashed}; ${restarted}` : `no event arrived during the fault (${missed ?? 'disarmed'}); ${restarted}`;
      },
    };
  },
};
