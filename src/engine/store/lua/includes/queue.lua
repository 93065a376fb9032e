-- Every state-changing script works on one queue with the same keys and first arguments, so the
-- helpers below take one table, Q. Layout (built by queueScriptKeys in src/engine/store/keys.ts and
-- src/engine/store/script-runner.ts):
--   KEYS[1] ready ZSET    KEYS[2] delayed ZSET   KEYS[3] leased ZSET   KEYS[4] meta HASH
--   KEYS[5] settings HASH KEYS[6] dead ZSET      KEYS[7] done ZSET     KEYS[8] unique HASH
--   ARGV[1] job key prefix   ARGV[2] idempotency key prefix   ARGV[3] wake channel
--   ARGV[4] queue name       ARGV[5] default settings (JSON)
-- Script-specific arguments start at ARGV[6].
local Q = {
  ready = KEYS[1], delayed = KEYS[2], leased = KEYS[3], meta = KEYS[4],
  settings = KEYS[5], dead = KEYS[6], done = KEYS[7], unique = KEYS[8],
  jobPrefix = ARGV[1], idemPrefix = ARGV[2], wakeChannel = ARGV[3], name = ARGV[4],
  defaults = cjson.decode(ARGV[5]),
}

-- A queue setting: the value stored for this queue, else presque's default.
local function setting(name)
  local value = redis.call('HGET', Q.settings, name)
  if value then return tonumber(value) or value end
  return Q.defaults[name]
end

local function jobKey(id) return Q.jobPrefix .. id end

local function priorityOf(id) return tonumber(redis.call('HGET', jobKey(id), 'priority') or '0') end
