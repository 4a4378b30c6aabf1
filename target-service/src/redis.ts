/**
 * The ioredis client: fails fast while Redis is down instead of queueing commands for long. Also
 * how the service runs its Lua scripts (EVALSHA, EVAL once when Redis does not know one yet).
 */
import { createHash } from 'node:crypto';
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

/** A Lua script with its SHA1, run with EVALSHA (EVAL once when Redis does not know it yet). */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

/** Wraps a Lua script's source with its SHA1, computed once. */
export function luaScript(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * Runs a script by SHA, loading it on a NOSCRIPT answer (first use, after a Redis restart or
 * SCRIPT FLUSH).
 * @throws the Redis client's error (connection, script error).
 */
export async function runScript(redis: Redis, lua: LuaScript, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
  try {
    return await redis.evalsha(lua.sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return redis.eval(lua.source, keys.length, ...keys, ...args);
  }
}
