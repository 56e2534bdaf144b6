import { RedisScript } from "./redis-script.js";
import { BUCKETS, DAY_WINDOW, MINUTE_WINDOW } from "./sliding-window.js";

/** Values the admit script answers per scope: used / ms until room / ms until empty of 3 windows, then 4. */
export const ADMIT_VALUES_PER_SCOPE = 13;

// Lua shared by both scripts.
const releaseHold = `
-- Takes usd off a running total of holds; exactly 0 once none is left, so rounding never
-- accumulates (memory-scope-state.ts keeps the same sum the same way).
local function release(expiries, total, usd)
  if redis.call('ZCARD', expiries) == 0 then
    redis.call('DEL', total)
    return 0
  end
  local held = tonumber(redis.call('GET', total) or '0') - usd
  redis.call('SET', total, string.format('%.17g', held), 'KEEPTTL')
  return held
end
`;

/**
 * One admission over every scope, atomically: read all counters, and only if no scope refuses,
 * count the request and take the leases. Comparisons mirror refusals.ts; windows are read as
 * bucket-ring.ts reads them (sliding-window.ts says what they promise).
 *
 * KEYS: per scope, the 9 keys of redis-keys.ts admitKeys().
 * ARGV: now ms, minute bucket index, day bucket index, lease id, lease expiry ms,
 *       TTLs (ms) of leases / minute windows / day windows, the USD this request reserves, then
 *       per scope 6 limits in the order rpm, tpm, rpd, concurrency, usd/day, usd/month ("" = not set).
 * Returns: allowed (1/0), index of the first refusing scope (1-based, 0 if none), its reason, then
 *          per scope 13 values: for rpm, tpm and rpd each the count, ms until it is below the limit,
 *          ms until it is empty; then leases, usd today, usd this month, usd reserved by requests
 *          in flight — as read before this admission counted. Budgets compare as refusals.ts
 *          budgetExceeded does.
 */
export const admitScript = new RedisScript(`
local BUCKETS = ${BUCKETS}
local MINUTE_BUCKET_MS, MINUTE_MS = ${MINUTE_WINDOW.bucketMs}, ${MINUTE_WINDOW.lengthMs}
local DAY_BUCKET_MS, DAY_MS = ${DAY_WINDOW.bucketMs}, ${DAY_WINDOW.lengthMs}
local KEYS_PER_SCOPE, LIMITS_PER_SCOPE, GLOBAL_ARGS = 9, 6, 9
local now, minuteBucket, dayBucket = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local leaseId, leaseExpiresAt = ARGV[4], ARGV[5]
local leasesTtl, minuteTtl, dayTtl = ARGV[6], ARGV[7], ARGV[8]
local reserve = tonumber(ARGV[9])

local function key(s, slot) return KEYS[(s - 1) * KEYS_PER_SCOPE + slot] end
local function limit(s, slot)
  local v = ARGV[GLOBAL_ARGS + (s - 1) * LIMITS_PER_SCOPE + slot]
  if v == '' then return nil end
  return tonumber(v)
end
local function read(k) return redis.call('GET', k) or '0' end

-- A window hash (bucket index -> count): the live count, ms until it is below lim, ms until it
-- is empty. A bucket counts until one window after it began; older ones are deleted here.
local function window(k, bucket, bucketMs, lengthMs, lim)
  local oldest = tonumber(bucket) - BUCKETS + 1
  local fields = redis.call('HGETALL', k)
  local stale, used, newest = {}, 0, nil
  for i = 1, #fields, 2 do
    local index = tonumber(fields[i])
    if index < oldest then
      stale[#stale + 1] = fields[i]
    else
      used = used + tonumber(fields[i + 1])
      if newest == nil or index > newest then newest = index end
    end
  end
  if #stale > 0 then redis.call('HDEL', k, unpack(stale)) end
  local untilRoom, untilEmpty = 0, 0
  if newest ~= nil and used > 0 then untilEmpty = newest * bucketMs + lengthMs - now end
  if used >= lim then
    -- Only a refusal needs the buckets in order, oldest first.
    local live = {}
    for i = 1, #fields, 2 do
      local index = tonumber(fields[i])
      if index >= oldest then live[#live + 1] = {index, tonumber(fields[i + 1])} end
    end
    table.sort(live, function(a, b) return a[1] < b[1] end)
    local left = used
    for _, b in ipairs(live) do
      left = left - b[2]
      if left < lim then
        untilRoom = b[1] * bucketMs + lengthMs - now
        break
      end
    end
  end
  return used, untilRoom, untilEmpty
end

${releaseHold}
-- The USD held by live reservations: a running total, so an admission reads one value however
-- many requests are in flight. Holds of gateways that died mid-request are released here, once
-- their expiry has passed (few at a time: the rest go at the next admissions).
local function reservations(s)
  local holds, expiries, total = key(s, 7), key(s, 8), key(s, 9)
  local gone = redis.call('ZRANGEBYSCORE', expiries, '-inf', now, 'LIMIT', 0, 64)
  if #gone > 0 then
    local freed = 0
    for _, usd in ipairs(redis.call('HMGET', holds, unpack(gone))) do
      if usd then freed = freed + tonumber(usd) end
    end
    redis.call('HDEL', holds, unpack(gone))
    redis.call('ZREM', expiries, unpack(gone))
    return release(expiries, total, freed)
  end
  return tonumber(redis.call('GET', total) or '0')
end

local function exceeded(spent, held, lim)
  return spent + held >= lim or spent + held + reserve > lim
end

local result = {1, 0, ''}
local function refuse(s, reason)
  if result[1] == 1 then result = {0, s, reason} end
end

local usage = {}
for s = 1, #KEYS / KEYS_PER_SCOPE do
  local u = {0, 0, 0, 0, 0, 0, 0, 0, 0, '0', '0', '0', '0'}
  local rpm, tpm, rpd, conc, usdDay, usdMonth = limit(s, 1), limit(s, 2), limit(s, 3), limit(s, 4), limit(s, 5), limit(s, 6)
  if rpm then
    u[1], u[2], u[3] = window(key(s, 1), minuteBucket, MINUTE_BUCKET_MS, MINUTE_MS, rpm)
    if u[1] >= rpm then refuse(s, 'requests_per_minute') end
  end
  if tpm then
    u[4], u[5], u[6] = window(key(s, 2), minuteBucket, MINUTE_BUCKET_MS, MINUTE_MS, tpm)
    if u[4] >= tpm then refuse(s, 'tokens_per_minute') end
  end
  if rpd then
    u[7], u[8], u[9] = window(key(s, 3), dayBucket, DAY_BUCKET_MS, DAY_MS, rpd)
    if u[7] >= rpd then refuse(s, 'requests_per_day') end
  end
  if conc then
    -- Leases of a gateway that died are dropped here, once their expiry has passed.
    redis.call('ZREMRANGEBYSCORE', key(s, 4), '-inf', now)
    u[10] = tostring(redis.call('ZCARD', key(s, 4)))
    if tonumber(u[10]) + 1 > conc then refuse(s, 'concurrency') end
  end
  local held = 0
  if usdDay or usdMonth then
    held = reservations(s)
    u[13] = string.format('%.17g', held)
  end
  if usdDay then
    u[11] = read(key(s, 5))
    if exceeded(tonumber(u[11]), held, usdDay) then refuse(s, 'budget_day') end
  end
  if usdMonth then
    u[12] = read(key(s, 6))
    if exceeded(tonumber(u[12]), held, usdMonth) then refuse(s, 'budget_month') end
  end
  -- As strings: a Lua number becomes an integer reply, which would truncate a spend in dollars.
  for i = 1, ${ADMIT_VALUES_PER_SCOPE} do usage[#usage + 1] = tostring(u[i]) end
end

if result[1] == 1 then
  for s = 1, #KEYS / KEYS_PER_SCOPE do
    if limit(s, 1) then
      redis.call('HINCRBY', key(s, 1), minuteBucket, 1)
      redis.call('PEXPIRE', key(s, 1), minuteTtl)
    end
    if limit(s, 3) then
      redis.call('HINCRBY', key(s, 3), dayBucket, 1)
      redis.call('PEXPIRE', key(s, 3), dayTtl)
    end
    if limit(s, 4) then
      redis.call('ZADD', key(s, 4), leaseExpiresAt, leaseId)
      redis.call('PEXPIRE', key(s, 4), leasesTtl)
    end
    if (limit(s, 5) or limit(s, 6)) and reserve > 0 and redis.call('HSETNX', key(s, 7), leaseId, ARGV[9]) == 1 then
      redis.call('ZADD', key(s, 8), leaseExpiresAt, leaseId)
      local held = tonumber(redis.call('GET', key(s, 9)) or '0') + reserve
      redis.call('SET', key(s, 9), string.format('%.17g', held))
      for slot = 7, 9 do redis.call('PEXPIRE', key(s, slot), leasesTtl) end
    end
  end
end

for i = 1, #usage do result[#result + 1] = usage[i] end
return result
`);

/**
 * Records a finished request: tokens into the current minute's bucket, cost into the day and
 * month, and releases the lease and the budgets' reservation.
 *
 * KEYS: per scope, the 7 keys of redis-keys.ts finishKeys().
 * ARGV: lease id, tokens (integer), cost (USD, decimal), TTLs (ms) of minute windows / day budget /
 *       month budget, minute bucket index, then per scope a 4-character flag string ("1" = this
 *       scope has the limit) for tpm, concurrency, usd/day, usd/month.
 */
export const finishScript = new RedisScript(`
local leaseId, tokens, cost = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local minuteTtl, dayTtl, monthTtl, minuteBucket = ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local spent = tonumber(cost) > 0
local KEYS_PER_SCOPE = 7
${releaseHold}
for s = 1, #KEYS / KEYS_PER_SCOPE do
  local flags = ARGV[7 + s]
  local base = (s - 1) * KEYS_PER_SCOPE
  if string.sub(flags, 1, 1) == '1' and tokens > 0 then
    redis.call('HINCRBY', KEYS[base + 1], minuteBucket, tokens)
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
  if string.sub(flags, 3, 3) == '1' or string.sub(flags, 4, 4) == '1' then
    local usd = redis.call('HGET', KEYS[base + 5], leaseId)
    if usd then
      redis.call('HDEL', KEYS[base + 5], leaseId)
      redis.call('ZREM', KEYS[base + 6], leaseId)
      release(KEYS[base + 6], KEYS[base + 7], tonumber(usd))
    end
  end
end
return 1
`);

/**
 * Raises one scope's day and month spend to at least the given sums (the usage ledger's), never
 * lowering them: a Redis that restarted without its data gets back what the ledger knows.
 *
 * KEYS: the scope's day and month spend keys. ARGV: day USD, month USD (decimal), their TTLs (ms).
 */
export const spendFloorScript = new RedisScript(`
for i = 1, 2 do
  local floor = tonumber(ARGV[i])
  if floor > tonumber(redis.call('GET', KEYS[i]) or '0') then
    redis.call('SET', KEYS[i], ARGV[i], 'PX', ARGV[i + 2])
  end
end
return 1
`);

/**
 * Renews one request's lease and budget hold in every scope, while it still runs: only where
 * they are still held (XX), so a lease finished or expired meanwhile is not brought back.
 *
 * One already expired stays gone, as in memory-scope-state.ts.
 *
 * KEYS: per scope, the 4 keys of redis-keys.ts renewKeys(). ARGV: lease id, now (ms), new expiry
 * (ms), TTL (ms).
 */
export const renewScript = new RedisScript(`
local leaseId, now, expiresAt, ttl = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local function held(k)
  local score = redis.call('ZSCORE', k, leaseId)
  return score and tonumber(score) > now
end
for s = 1, #KEYS / 4 do
  local base = (s - 1) * 4
  if held(KEYS[base + 1]) then
    redis.call('ZADD', KEYS[base + 1], 'XX', expiresAt, leaseId)
    redis.call('PEXPIRE', KEYS[base + 1], ttl)
  end
  if held(KEYS[base + 2]) then
    redis.call('ZADD', KEYS[base + 2], 'XX', expiresAt, leaseId)
    for i = 2, 4 do redis.call('PEXPIRE', KEYS[base + i], ttl) end
  end
end
return 1
`);
