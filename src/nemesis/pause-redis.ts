/**
 * `pause-redis`: `CLIENT PAUSE <fault interval> ALL`: every Redis command waits until Redis lifts
 * the pause by itself at the end of the interval. (A paused Redis also holds back the pausing
 * client's own `CLIENT UNPAUSE`, so the pause is timed rather than undone; a run stopped early
 * waits at most one fault interval.)
 */
import { Redis } from 'ioredis';
import type { Fault } from './types.ts';

export const pauseRedis: Fault = {
  name: 'pause-redis',
  description: 'CLIENT PAUSE Redis for the fault interval (every command waits), lifted by Redis itself',
  unavailable: () => undefined,
  async start(context) {
    const redis = new Redis(context.connections.redisUrl, { maxRetriesPerRequest: 1 });
    const liftAt = Date.now() + context.faultMs;
    try {
      await redis.call('CLIENT', 'PAUSE', String(context.faultMs), 'ALL');
    } finally {
      redis.disconnect();
    }
    return {
      target: `redis ${new URL(context.connections.redisUrl).host}`,
      detail: `CLIENT PAUSE ${context.faultMs} ALL`,
      async heal() {
        const left = liftAt - Date.now();
        if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
        return 'lifted by Redis';
      },
    };
  },
};
