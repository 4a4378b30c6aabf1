/**
 * Scheduled advancement of every queue of a namespace (seed 001's choice over issuing passes on
 * entry: bursts are smoothed, capacity is controlled, expired passes are redistributed).
 *
 * Every schedule's time is cut into slots of its `advanceMs` (slot = ⌊epoch ms / advanceMs⌋).
 * At the start of each slot every instance tries `SET queue:advance:{ns}:{id}:{slot} NX PX`;
 * only the one that wins runs the advance script, so several target instances never advance the
 * same tick twice (the ShedLock idea of seed 002, per tick). Idle queues (nobody waiting, no pass)
 * are looked at once a second instead, until this instance sees someone enter.
 */
import { randomUUID } from 'node:crypto';
import { OutageLog, type Logger } from '../log.ts';
import type { Redis } from '../redis.ts';
import { queueRegistryKey } from '../waiting-queue.ts';
import type { WaitingQueue } from './waiting-queue.ts';

/** How often the advancer wakes to see which schedule's slot has begun, ms. */
export const ADVANCER_TICK_MS = 5;
/** How often the list of schedules with a queue is re-read from Redis, ms. */
export const REGISTRY_REFRESH_MS = 1_000;
/** Idle queues are advanced at most this often, ms. */
export const IDLE_ADVANCE_MS = 1_000;

/** A running advancer. */
export interface Advancer {
  /** Marks a schedule busy at once (someone entered through this instance). */
  wake(scheduleId: number): void;
  /** Stops; resolves once the advancement in progress, if any, has finished. */
  stop(): Promise<void>;
}

interface Tracked {
  lastSlot: number;
  idleUntil: number;
}

/**
 * Starts advancing the namespace's queues.
 * @param log failures are logged once per outage
 */
export function startAdvancer(queue: WaitingQueue, redis: Redis, log: Logger): Advancer {
  const owner = randomUUID();
  const outage = new OutageLog(log, 'queue advance');
  const tracked = new Map<number, Tracked>();
  let stopped = false;
  let running: Promise<void> | undefined;
  let nextRefresh = 0;
  let timer: NodeJS.Timeout | undefined;

  const refresh = async (): Promise<void> => {
    const ids = (await redis.smembers(queueRegistryKey(queue.namespace))).map(Number).filter((n) => Number.isInteger(n) && n > 0);
    for (const id of ids) if (!tracked.has(id)) tracked.set(id, { lastSlot: 0, idleUntil: 0 });
    for (const id of tracked.keys()) if (!ids.includes(id)) tracked.delete(id);
  };

  const advanceDue = async (): Promise<void> => {
    const now = Date.now();
    if (now >= nextRefresh) {
      nextRefresh = now + REGISTRY_REFRESH_MS;
      await refresh();
    }
    for (const [id, state] of tracked) {
      if (stopped) return;
      if (state.idleUntil > now) continue;
      const settings = await queue.settingsOf(id);
      if (!settings) {
        tracked.delete(id);
        await redis.srem(queueRegistryKey(queue.namespace), String(id));
        continue;
      }
      const slot = Math.floor(now / settings.advanceMs);
      if (slot <= state.lastSlot) continue;
      state.lastSlot = slot;
      const claimed = await redis.set(queue.keys(id).advancePrefix + String(slot), owner, 'PX', settings.advanceMs * 2, 'NX');
      if (claimed !== 'OK') continue;
      const result = await queue.advance(id, slot);
      if (!result) {
        tracked.delete(id);
        await redis.srem(queueRegistryKey(queue.namespace), String(id));
      } else if (result.waiting === 0 && result.active === 0) {
        state.idleUntil = now + IDLE_ADVANCE_MS;
      }
    }
  };

  const loop = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = advanceDue()
        .then(() => outage.succeeded())
        .catch((err: unknown) => outage.failed(err))
        .finally(() => {
          running = undefined;
          loop();
        });
    }, ADVANCER_TICK_MS);
  };
  loop();

  return {
    wake(scheduleId) {
      const state = tracked.get(scheduleId);
      if (state) state.idleUntil = 0;
      else tracked.set(scheduleId, { lastSlot: 0, idleUntil: 0 });
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
