/**
 * The waiting queue's Lua scripts. Each runs atomically in Redis, so entering, advancing,
 * reading a status and releasing a pass never see each other half done; all times are Redis's
 * own clock (`TIME`), so several target instances agree on them. Keys are described in
 * `../waiting-queue.ts` (QueueKeys). Numbers are formatted with `%.0f` because Lua would print a
 * µs timestamp as `1.7e+15`.
 */
import { luaScript } from '../redis.ts';

const NOW = `
local t = redis.call('TIME')
local nowUs = tonumber(t[1]) * 1000000 + tonumber(t[2])
local nowMs = math.floor(nowUs / 1000)
local function f(n) return string.format('%.0f', n) end
`;

/**
 * Enter: KEYS waiting, conf, passes, admitted, log; ARGV userId, keepMs.
 * ZADD NX with score = arrival µs, made strictly increasing (`lastUs`) so arrival order is total.
 * Returns {code, score|expiry}: 1 entered now, 0 already waiting (first place kept),
 * 2 holds a pass now, 3 admitted before (pass used or expired), -1 no queue for the schedule.
 */
export const ENTER = luaScript(`${NOW}
if redis.call('EXISTS', KEYS[2]) == 0 then return {-1, '0'} end
local user = ARGV[1]
local existing = redis.call('ZSCORE', KEYS[1], user)
if existing then return {0, existing} end
local expiry = redis.call('ZSCORE', KEYS[3], user)
if expiry then return {2, expiry} end
if redis.call('SISMEMBER', KEYS[4], user) == 1 then return {3, '0'} end
local us = nowUs
local last = tonumber(redis.call('HGET', KEYS[2], 'lastUs') or '0')
if us <= last then us = last + 1 end
redis.call('HSET', KEYS[2], 'lastUs', f(us))
redis.call('ZADD', KEYS[1], 'NX', f(us), user)
redis.call('RPUSH', KEYS[5], 'e,' .. user .. ',' .. f(nowMs) .. ',' .. f(us))
for i = 1, 5 do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
return {1, f(us)}
`);

/**
 * Advance: KEYS waiting, passes, conf, admitted, log; ARGV fault, passPrefix, seed, keepMs, slot
 * (the advance slot this run claimed, logged with the tick so duplicates would show).
 * Removes expired passes (score ≤ now), computes free = capacity − ZCARD(passes), pops that many
 * from the head of the waiting set and gives each a pass: ZADD passes (score = now + TTL), the
 * token `sha1(seed:user)` under passPrefix..user with PX = TTL, SADD admitted. Logs every change.
 * `fault` is a test-only broken variant: `over-admit` (admits capacity/10 more than free),
 * `skip-expiry` (never removes expired passes), `lifo` (pops the tail); anything else is correct.
 * Returns {expired, admitted, activeAfter, waitingAfter, nowMs}, or {-1} without a queue.
 */
export const ADVANCE = luaScript(`${NOW}
local conf = redis.call('HMGET', KEYS[3], 'capacity', 'passTtlMs')
local capacity = tonumber(conf[1])
local ttl = tonumber(conf[2])
if not capacity or not ttl then return {-1} end
local fault = ARGV[1]
local expired = {}
if fault ~= 'skip-expiry' then
  expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', nowMs, 'WITHSCORES')
  if #expired > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', nowMs) end
end
for i = 1, #expired, 2 do
  redis.call('DEL', ARGV[2] .. expired[i])
  redis.call('RPUSH', KEYS[5], 'x,' .. expired[i] .. ',' .. f(nowMs) .. ',' .. expired[i + 1])
end
local free = capacity - redis.call('ZCARD', KEYS[2])
if fault == 'over-admit' then free = free + math.max(1, math.floor(capacity / 10)) end
local admitted = 0
if free > 0 then
  local popped
  if fault == 'lifo' then popped = redis.call('ZPOPMAX', KEYS[1], free) else popped = redis.call('ZPOPMIN', KEYS[1], free) end
  for i = 1, #popped, 2 do
    local user = popped[i]
    local expiry = nowMs + ttl
    redis.call('ZADD', KEYS[2], f(expiry), user)
    redis.call('SET', ARGV[2] .. user, string.sub(redis.sha1hex(ARGV[3] .. ':' .. user), 1, 32), 'PX', ttl)
    redis.call('SADD', KEYS[4], user)
    redis.call('RPUSH', KEYS[5], 'a,' .. user .. ',' .. f(nowMs) .. ',' .. popped[i + 1] .. ',' .. f(expiry))
    admitted = admitted + 1
  end
end
local active = redis.call('ZCARD', KEYS[2])
local waiting = redis.call('ZCARD', KEYS[1])
if admitted > 0 then
  redis.call('HINCRBY', KEYS[3], 'admitted', admitted)
  redis.call('HSETNX', KEYS[3], 'firstAdmitMs', f(nowMs))
end
if #expired > 0 or admitted > 0 or waiting > 0 then
  redis.call('RPUSH', KEYS[5], 't,' .. f(nowMs) .. ',' .. (#expired / 2) .. ',' .. admitted .. ',' .. active .. ',' .. waiting .. ',' .. ARGV[5])
  for i = 1, 5 do redis.call('PEXPIRE', KEYS[i], ARGV[4]) end
end
return {#expired / 2, admitted, active, waiting, f(nowMs)}
`);

/**
 * Status: KEYS waiting, passes, conf, admitted; ARGV userId, passPrefix.
 * Returns {state, position, token, expiryMs, waitingCount, capacity, advanceMs, admittedTotal,
 * firstAdmitMs, nowMs}; state: `waiting` (position 1-based), `admitted` (token, expiry),
 * `done` (admitted before, pass gone), `absent` (not in the queue), `none` (no queue).
 */
export const STATUS = luaScript(`${NOW}
local conf = redis.call('HMGET', KEYS[3], 'capacity', 'advanceMs', 'admitted', 'firstAdmitMs')
if not conf[1] then return {'none'} end
local user = ARGV[1]
local state = 'absent'
local position = -1
local token = ''
local expiry = '0'
local rank = redis.call('ZRANK', KEYS[1], user)
if rank then
  state = 'waiting'
  position = rank + 1
else
  local score = redis.call('ZSCORE', KEYS[2], user)
  local t = redis.call('GET', ARGV[2] .. user)
  if score and t and tonumber(score) > nowMs then
    state = 'admitted'
    token = t
    expiry = score
  elseif redis.call('SISMEMBER', KEYS[4], user) == 1 then
    state = 'done'
  end
end
return {state, position, token, expiry, redis.call('ZCARD', KEYS[1]), conf[1], conf[2], conf[3] or '0', conf[4] or '0', f(nowMs)}
`);

/**
 * Release: KEYS waiting, passes, log; ARGV userId, passPrefix, reason (`paid` | `left`).
 * Takes the user out of the waiting line and gives back its pass, if any.
 * Returns {leftLine (0|1), releasedPass (0|1)}.
 */
export const RELEASE = luaScript(`${NOW}
local user = ARGV[1]
local left = redis.call('ZREM', KEYS[1], user)
local released = redis.call('ZREM', KEYS[2], user)
redis.call('DEL', ARGV[2] .. user)
if left == 1 then redis.call('RPUSH', KEYS[3], 'l,' .. user .. ',' .. f(nowMs)) end
if released == 1 then redis.call('RPUSH', KEYS[3], 'r,' .. user .. ',' .. f(nowMs) .. ',' .. ARGV[3]) end
return {left, released}
`);
