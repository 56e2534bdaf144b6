import { RedisScript } from "./redis-script.js";

/**
 * One admission over every scope, atomically: read all counters, and only if no scope refuses,
 * count the request and take the leases. Comparisons mirror refusals.ts.
 *
 * KEYS: per scope, the 9 keys of redis-keys.ts admitKeys().
 * ARGV: now ms, previous-minute weight, previous-day weight, lease id, lease expiry ms,
 *       TTLs (ms) of leases / minute windows / day windows, then per scope 6 limits in the order
 *       rpm, tpm, rpd, concurrency, usd/day, usd/month ("" = not set).
 * Returns: allowed (1/0), index of the first refusing scope (1-based, 0 if none), its reason, then
 *          per scope 9 strings: rpm cur, rpm prev, tpm cur, tpm prev, rpd cur, rpd prev, leases,
 *          usd today, usd this month — as read before this admission counted.
 */
export const admitScript = new RedisScript(`
local KEYS_PER_SCOPE, LIMITS_PER_SCOPE, GLOBAL_ARGS = 9, 6, 8
local now, minuteWeight, dayWeight = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local leaseId, leaseExpiresAt = ARGV[4], ARGV[5]
local leasesTtl, minuteTtl, dayTtl = ARGV[6], ARGV[7], ARGV[8]

local function key(s, slot) return KEYS[(s - 1) * KEYS_PER_SCOPE + slot] end
local function limit(s, slot)
  local v = ARGV[GLOBAL_ARGS + (s - 1) * LIMITS_PER_SCOPE + slot]
  if v == '' then return nil end
  return tonumber(v)
end
local function read(k) return redis.call('GET', k) or '0' end

local result = {1, 0, ''}
local function refuse(s, reason)
  if result[1] == 1 then result = {0, s, reason} end
end

local usage = {}
for s = 1, #KEYS / KEYS_PER_SCOPE do
  local u = {'0', '0', '0', '0', '0', '0', '0', '0', '0'}
  local rpm, tpm, rpd, conc, usdDay, usdMonth = limit(s, 1), limit(s, 2), limit(s, 3), limit(s, 4), limit(s, 5), limit(s, 6)
  if rpm then
    u[1], u[2] = read(key(s, 1)), read(key(s, 2))
    if tonumber(u[2]) * minuteWeight + tonumber(u[1]) + 1 > rpm then refuse(s, 'requests_per_minute') end
  end
  if tpm then
    u[3], u[4] = read(key(s, 3)), read(key(s, 4))
    if tonumber(u[4]) * minuteWeight + tonumber(u[3]) >= tpm then refuse(s, 'tokens_per_minute') end
  end
  if rpd then
    u[5], u[6] = read(key(s, 5)), read(key(s, 6))
    if tonumber(u[6]) * dayWeight + tonumber(u[5]) + 1 > rpd then refuse(s, 'requests_per_day') end
  end
  if conc then
    -- Leases of a gateway that died are dropped here, once their expiry has passed.
    redis.call('ZREMRANGEBYSCORE', key(s, 7), '-inf', now)
    u[7] = tostring(redis.call('ZCARD', key(s, 7)))
    if tonumber(u[7]) + 1 > conc then refuse(s, 'concurrency') end
  end
  if usdDay then
    u[8] = read(key(s, 8))
    if tonumber(u[8]) >= usdDay then refuse(s, 'budget_day') end
  end
  if usdMonth then
    u[9] = read(key(s, 9))
    if tonumber(u[9]) >= usdMonth then refuse(s, 'budget_month') end
  end
  for i = 1, KEYS_PER_SCOPE do usage[#usage + 1] = u[i] end
end

if result[1] == 1 then
  for s = 1, #KEYS / KEYS_PER_SCOPE do
    if limit(s, 1) then
      redis.call('INCR', key(s, 1))
      redis.call('PEXPIRE', key(s, 1), minuteTtl)
    end
    if limit(s, 3) then
      redis.call('INCR', key(s, 5))
      redis.call('PEXPIRE', key(s, 5), dayTtl)
    end
    if limit(s, 4) then
      redis.call('ZADD', key(s, 7), leaseExpiresAt, leaseId)
      redis.call('PEXPIRE', key(s, 7), leasesTtl)
    end
  end
end

for i = 1, #usage do result[#result + 1] = usage[i] end
return result
`);

/**
 * Records a finished request: tokens into the current minute, cost into the day and month, and
 * releases the lease.
 *
 * KEYS: per scope, the 4 keys of redis-keys.ts finishKeys().
 * ARGV: lease id, tokens (integer), cost (USD, decimal), TTLs (ms) of minute windows / day budget /
 *       month budget, then per scope a 4-character flag string ("1" = this scope has the limit) for
 *       tpm, concurrency, usd/day, usd/month.
 */
export const finishScript = new RedisScript(`
local leaseId, tokens, cost = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local minuteTtl, dayTtl, monthTtl = ARGV[4], ARGV[5], ARGV[6]
local spent = tonumber(cost) > 0
for s = 1, #KEYS / 4 do
  local flags = ARGV[6 + s]
  local base = (s - 1) * 4
  if string.sub(flags, 1, 1) == '1' and tokens > 0 then
    redis.call('INCRBY', KEYS[base + 1], tokens)
    redis.call('PEXPIRE', KEYS[base + 1], minuteTtl)
  end
  if string.sub(flags, 2, 2) == '1' then redis.call('ZREM', KEYS[base + 2], leaseId) end
  if string.sub(flags, 3, 3) == '1' and spent then
    redis.call('INCRBYFLOAT', KEYS[base + 3], cost)
    redis.call('PEXPIRE', KEYS[base + 3], dayTtl)
  end
  if string.sub(flags, 4, 4) == '1' and spent then
    redis.call('INCRBYFLOAT', KEYS[base + 4], cost)
    redis.call('PEXPIRE', KEYS[base + 4], monthTtl)
  end
end
return 1
`);
