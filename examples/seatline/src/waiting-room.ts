/**
 * The waiting room of a queue-enabled performance, all in Redis:
 * - `waiting-room:{performanceId}:line`   ZSET user_key → arrival time (ms), first arrival kept;
 * - `waiting-room:{performanceId}:active` ZSET token → expiry (epoch ms);
 * - `waiting-room:token:{token}`          `{performanceId}:{userKey}`, PX = token TTL;
 * - `waiting-room:{performanceId}:user:{userKey}` → token, PX = token TTL (the way back from a
 *   user to their token, so status checks and payments need no scan of the active set).
 * Every multi-key step is one Lua script, so several service instances can share a room.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** The room's Redis keys for one performance. */
export function roomKeys(performanceId: number) {
  return {
    line: `waiting-room:${performanceId}:line`,
    active: `waiting-room:${performanceId}:active`,
    user: (userKey: string) => `waiting-room:${performanceId}:user:${userKey}`,
    token: (token: string) => `waiting-room:token:${token}`,
  };
}

/** Where a user stands: waiting (1-based rank), admitted (token + expiry epoch ms), or nowhere. */
export type RoomStatus =
  | { readonly status: 'WAITING'; readonly rank: number }
  | { readonly status: 'ACTIVE'; readonly token: string; readonly expiresAt: number }
  | { readonly status: 'NONE' };

// KEYS: line, active, user→token. ARGV: userKey, now ms, '1' to join the line.
// An admitted user keeps their token (no second place in line); otherwise ZADD NX keeps the first
// arrival, so rejoining never moves anyone back.
const STATUS = `
local token = redis.call('GET', KEYS[3])
if token then
  local expiresAt = redis.call('ZSCORE', KEYS[2], token)
  if expiresAt and tonumber(expiresAt) > tonumber(ARGV[2]) then
    return {'ACTIVE', token, expiresAt}
  end
end
if ARGV[3] == '1' then
  redis.call('ZADD', KEYS[1], 'NX', ARGV[2], ARGV[1])
end
local rank = redis.call('ZRANK', KEYS[1], ARGV[1])
if rank then
  return {'WAITING', rank + 1}
end
return {'NONE'}`;

async function status(redis: Redis, performanceId: number, userKey: string, join: boolean): Promise<RoomStatus> {
  const keys = roomKeys(performanceId);
  const answer = (await redis.eval(STATUS, 3, keys.line, keys.active, keys.user(userKey), userKey, Date.now(), join ? '1' : '0')) as (string | number)[];
  if (answer[0] === 'ACTIVE') return { status: 'ACTIVE', token: String(answer[1]), expiresAt: Number(answer[2]) };
  if (answer[0] === 'WAITING') return { status: 'WAITING', rank: Number(answer[1]) };
  return { status: 'NONE' };
}

/**
 * Puts the user in line (keeping an earlier arrival) unless already admitted.
 * @returns WAITING with the rank, or ACTIVE when the user already holds a live token.
 * @throws the Redis error.
 */
export function joinRoom(redis: Redis, performanceId: number, userKey: string): Promise<RoomStatus> {
  return status(redis, performanceId, userKey, true);
}

/**
 * Reports where the user stands without changing anything.
 * @returns NONE when not in line and without a live token (never joined, expired or used).
 * @throws the Redis error.
 */
export function roomStatus(redis: Redis, performanceId: number, userKey: string): Promise<RoomStatus> {
  return status(redis, performanceId, userKey, false);
}

/**
 * Whether `token` is a live admission of this user to this performance: its token key still
 * names them and it is in the active set with an expiry in the future.
 * @throws the Redis error.
 */
export async function isActiveToken(redis: Redis, performanceId: number, userKey: string, token: string): Promise<boolean> {
  const keys = roomKeys(performanceId);
  const [owner, expiresAt] = await redis.multi().get(keys.token(token)).zscore(keys.active, token).exec().then((results) => (results ?? []).map(([err, value]) => (err ? null : value)));
  return owner === `${performanceId}:${userKey}` && expiresAt !== null && expiresAt !== undefined && Number(expiresAt) > Date.now();
}

// KEYS: active, user→token. ARGV: token key prefix.
const RELEASE = `
local token = redis.call('GET', KEYS[2])
if not token then return 0 end
redis.call('DEL', ARGV[1] .. token, KEYS[2])
redis.call('ZREM', KEYS[1], token)
return 1`;

/**
 * Gives up the user's admission (after a payment) so the next user in line gets in.
 * @returns whether the user held a token.
 * @throws the Redis error.
 */
export async function releaseAdmission(redis: Redis, performanceId: number, userKey: string): Promise<boolean> {
  const keys = roomKeys(performanceId);
  return (await redis.eval(RELEASE, 2, keys.active, keys.user(userKey), keys.token(''))) === 1;
}

// KEYS: line, active. ARGV: now ms, capacity, token TTL ms, performanceId, token key prefix,
// user key prefix, then one fresh token per user that may be admitted. Tokens come from the
// caller because a script cannot make good random ids.
const ADMIT = `
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local free = tonumber(ARGV[2]) - redis.call('ZCARD', KEYS[2])
local admitted = 0
for i = 7, #ARGV do
  if free <= 0 then break end
  local head = redis.call('ZPOPMIN', KEYS[1])
  if #head == 0 then break end
  local user = head[1]
  local token = ARGV[i]
  redis.call('SET', ARGV[5] .. token, ARGV[4] .. ':' .. user, 'PX', ttl)
  redis.call('SET', ARGV[6] .. user, token, 'PX', ttl)
  redis.call('ZADD', KEYS[2], now + ttl, token)
  free = free - 1
  admitted = admitted + 1
end
return admitted`;

/**
 * One scheduling step for one performance: drops expired tokens from the active set, then admits
 * the earliest waiting users while fewer than `capacity` tokens are live.
 * @param capacity users admitted at once.
 * @param tokenTtlMs lifetime of each new token in milliseconds.
 * @returns how many users were admitted.
 * @throws the Redis error.
 */
export async function admitWaiting(redis: Redis, performanceId: number, capacity: number, tokenTtlMs: number): Promise<number> {
  const keys = roomKeys(performanceId);
  const now = Date.now();
  const [live, waiting] = await redis
    .multi()
    .zcount(keys.active, `(${now}`, '+inf')
    .zcard(keys.line)
    .exec()
    .then((results) => (results ?? []).map(([err, value]) => (err ? 0 : Number(value))));
  // Only as many tokens as could be handed out now; the script re-checks under its atomicity.
  const candidates = Math.max(0, Math.min(waiting ?? 0, capacity - (live ?? 0)));
  const tokens = Array.from({ length: candidates }, () => randomUUID());
  const admitted = await redis.eval(ADMIT, 2, keys.line, keys.active, now, capacity, tokenTtlMs, performanceId, keys.token(''), keys.user(''), ...tokens);
  return Number(admitted);
}
