/**
 * Runs the nemesis during the load: on its schedule, injects one of the chosen faults (seeded
 * choice), heals it after the fault interval, and records each as a timeline row. Whatever
 * happens, `stop` heals the fault in force before it returns.
 */
import { performance } from 'node:perf_hooks';
import { TicketbenchError } from '../errors.ts';
import { unbracket } from '../infra/ports.ts';
import { describeError } from '../util/describe-error.ts';
import { FAULTS } from './registry.ts';
import { seededRandom, type NemesisSchedule } from './schedule.ts';
import type { ActiveFault, Fault, FaultRun, NemesisContext } from './types.ts';

/** One fault as it happened; times in ms since the load started. */
export interface FaultRecord {
  readonly fault: string;
  readonly target: string;
  readonly startMs: number;
  readonly endMs: number;
  /** What was done and seen at start, then at heal. */
  readonly detail: string;
}

/** A running nemesis. */
export interface RunningNemesis {
  /** Stops injecting, heals the fault in force, and returns the timeline. */
  stop(): Promise<FaultRecord[]>;
}

/**
 * Resolves fault names and checks each can run here, before anything starts.
 * @throws TicketbenchError INVALID_OPTION (exit 2) for an unknown fault, one that cannot act in
 *   this run (e.g. on a --target-url), or servers that are not on this machine's loopback
 */
export function resolveFaults(names: readonly string[], run: FaultRun & { readonly connections: NemesisContext['connections'] }): Fault[] {
  const faults = names.map((name) => {
    const fault = FAULTS.get(name);
    if (!fault) throw new TicketbenchError('INVALID_OPTION', `Unknown --nemesis fault "${name}"; the nemesis has: ${[...FAULTS.keys()].join(', ')}.`);
    const why = fault.unavailable(run);
    if (why) throw new TicketbenchError('INVALID_OPTION', `--nemesis ${name}: ${why}.`);
    return fault;
  });
  for (const [what, url] of [
    ['MySQL', run.connections.mysqlUrl],
    ['Redis', run.connections.redisUrl],
  ] as const) {
    const host = unbracket(new URL(url).hostname);
    if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
      throw new TicketbenchError('INVALID_OPTION', `--nemesis acts only on servers on this machine's loopback addresses; ${what} is at ${host}.`);
    }
  }
  return faults;
}

/**
 * Starts the nemesis now (the load's start).
 * @param loadStartMs performance.now() at the load's start (timeline times are relative to it)
 * @param onEvent told of each fault and heal, for the views
 */
export function startNemesis(faults: readonly Fault[], schedule: NemesisSchedule, seed: number, context: Omit<NemesisContext, 'pick' | 'faultMs'>, loadStartMs: number, onEvent?: (message: string) => void): RunningNemesis {
  const random = seededRandom(seed);
  const full: NemesisContext = { ...context, faultMs: schedule.faultMs, pick: (n) => Math.min(n - 1, Math.floor(random() * n)) };
  const timeline: FaultRecord[] = [];
  let stopped = false;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const now = () => Math.round((performance.now() - loadStartMs) * 10) / 10;

  const loop = (async () => {
    await sleep(schedule.afterMs);
    while (!stopped) {
      const fault = faults[full.pick(faults.length)]!;
      const startMs = now();
      let active: ActiveFault;
      try {
        active = await fault.start(full);
      } catch (err) {
        timeline.push({ fault: fault.name, target: '-', startMs, endMs: now(), detail: `could not inject: ${describeError(err)}` });
        onEvent?.(`nemesis: ${fault.name} could not be injected: ${describeError(err)}`);
        if (!stopped) await sleep(schedule.healMs);
        continue;
      }
      onEvent?.(`nemesis: ${fault.name} on ${active.target}: ${active.detail}`);
      if (!stopped) await sleep(schedule.faultMs);
      let healed: string;
      try {
        healed = await active.heal();
      } catch (err) {
        healed = `heal failed: ${describeError(err)}`;
      }
      timeline.push({ fault: fault.name, target: active.target, startMs, endMs: now(), detail: `${active.detail}; ${healed}` });
      onEvent?.(`nemesis: healed ${fault.name} on ${active.target}: ${healed}`);
      if (!stopped) await sleep(schedule.healMs);
    }
  })();

  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      return timeline;
    },
  };
}
