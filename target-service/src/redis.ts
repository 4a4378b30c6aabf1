/** The ioredis client: fails fast while Redis is down instead of queueing commands for long. */
import { Redis } from 'ioredis';
import { OutageLog, type Logger } from './log.ts';

export type { Redis } from 'ioredis';

/**
 * Creates a client (not yet connected; call `connect()`).
 * Connection errors are logged once per outage; ioredis keeps reconnecting in the background.
 * @param url `redis://host:port[/db]`.
 */
export function createRedis(url: string, log: Logger): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2_000,
    // A hold must answer within its request, not wait out a long reconnect loop.
    maxRetriesPerRequest: 2,
    retryStrategy: (times) => Math.min(times * 100, 1_000),
  });
  const outage = new OutageLog(log, 'redis');
  redis.on('error', (err: unknown) => outage.failed(err));
  redis.on('ready', () => outage.succeeded());
  return redis;
}
