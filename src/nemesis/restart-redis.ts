/**
 * `restart-redis`: `SHUTDOWN NOSAVE` the Redis on this machine's loopback and start it again with
 * the same configuration at heal. It keeps nothing on disk, so every seat lock, queue key and
 * cached read is gone: the service must not rely on them surviving (seed 001 keeps the database's
 * unique guard behind the Redis lock for exactly this). A Redis that persists to disk is refused:
 * a restart would lose or replay its data.
 */
import { Redis } from 'ioredis';
import { isPortClosed } from '../infra/ports.ts';
import { pollUntil } from '../infra/polling.ts';
import { processStartTime, readPidFile } from '../infra/processes.ts';
import { readRedisRelaunch, redisTarget, relaunchRedis } from '../infra/redis.ts';
import { readStarted, recordStarted } from '../infra/started-state.ts';
import { recordPending, settlePending } from '../infra/fault-leftovers.ts';
import type { Fault } from './types.ts';

export const restartRedis: Fault = {
  name: 'restart-redis',
  description: 'SHUTDOWN NOSAVE Redis (every lock, queue key and cached read is lost), start it again as it was at heal',
  unavailable: () => undefined,
  async start(context) {
    const { host, port } = redisTarget(context.connections.redisUrl);
    const client = new Redis(context.connections.redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => null });
    client.on('error', () => undefined);
    let relaunch;
    try {
      relaunch = await readRedisRelaunch(client);
      if (relaunch.persists) throw new Error('this Redis writes RDB snapshots or an AOF; restart-redis acts only on a Redis that keeps nothing on disk');
      // Recorded before the shutdown, so `infra up` can start it again if ticketbench dies meanwhile.
      recordPending(context.stateDir, { fault: 'restart-redis', kind: 'relaunch-redis', redisUrl: context.connections.redisUrl, relaunch });
      // The server closes the connection instead of answering.
      await client.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
    } finally {
      client.disconnect();
    }
    const down = await pollUntil(async () => ((await isPortClosed(host, port)) ? true : undefined), 5_000, 50);
    const before = relaunch;
    return {
      target: `redis ${host}:${port} (pid ${before.pid})`,
      detail: `SHUTDOWN NOSAVE, run_id ${before.runId.slice(0, 8)}; ${down ? 'port closed' : 'port still open'}`,
      async heal() {
        const runId = await relaunchRedis(before, context.connections.redisUrl);
        settlePending(context.stateDir, 'relaunch-redis');
        // A Redis that `infra up` started is recorded again, so `infra down` still stops it.
        const recorded = readStarted(context.stateDir).find((s) => s.name === 'redis');
        const pid = recorded ? readPidFile(recorded.pidFile) : undefined;
        if (recorded && pid !== undefined && pid !== recorded.pid) recordStarted(context.stateDir, { ...recorded, pid, startedAt: new Date().toISOString(), startTime: processStartTime(pid) });
        return `started again, run_id ${runId.slice(0, 8)}`;
      },
    };
  },
};
