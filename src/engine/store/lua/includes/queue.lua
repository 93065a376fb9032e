-- Every state-changing script works on one queue with the same keys and first arguments, so the
-- helpers below take one table, Q. Layout (built by queueScriptKeys in src/engine/store/keys.ts and
-- src/engine/store/script-runner.ts):
--   KEYS[1] ready LIST (priority 0)   KEYS[2] ready:hi ZSET (> 0)   KEYS[3] ready:lo ZSET (< 0)
--   KEYS[4] delayed ZSET   KEYS[5] leased ZSET   KEYS[6] meta HASH   KEYS[7] settings HASH
--   KEYS[8] dead ZSET      KEYS[9] done ZSET     KEYS[10] unique HASH
--   ARGV[1] job record key prefix (`<p>:{q}:jobs:`)   ARGV[2] idempotency key prefix
--   ARGV[3] wake channel   ARGV[4] due channel   ARGV[5] queue name   ARGV[6] default settings (JSON)
-- Script-specific arguments start at ARGV[7].
local Q = {
  ready = KEYS[1], readyHigh = KEYS[2], readyLow = KEYS[3], delayed = KEYS[4], leased = KEYS[5],
  meta = KEYS[6], settings = KEYS[7], dead = KEYS[8], done = KEYS[9], unique = KEYS[10],
  jobPrefix = ARGV[1], idemPrefix = ARGV[2], wakeChannel = ARGV[3], dueChannel = ARGV[4],
  name = ARGV[5],
}

-- A queue setting: the value stored for this queue, else presque's default. No script changes
-- settings, so the hash is read once per call (one HGETALL, usually of an absent key) and the
-- defaults decoded only when a setting is asked for.
local settings
local function setting(name)
  if not settings then
    settings = {}
    local stored = redis.call('HGETALL', Q.settings)
    for i = 1, #stored, 2 do settings[stored[i]] = tonumber(stored[i + 1]) or stored[i + 1] end
    for key, value in pairs(cjson.decode(ARGV[6])) do
      if settings[key] == nil then settings[key] = value end
    end
  end
  return settings[name]
end

-- Job records live in hashes of 65536 ids each (`<jobPrefix><bucket>`, field = id): ids are a
-- per-queue sequence, so buckets fill and empty in order and none grows without bound. The jobs
-- of one call are mostly of one bucket, so its key is built once.
local BUCKET_IDS = 65536
local lastBucket, lastKey
local function jobKey(id)
  local bucket = math.floor(tonumber(id) / BUCKET_IDS)
  if bucket ~= lastBucket then lastBucket, lastKey = bucket, Q.jobPrefix .. bucket end
  return lastKey
end

-- Jobs waiting to be handed out: the priority-0 list and both priority sets.
local function readyCount()
  return redis.call('LLEN', Q.ready) + redis.call('ZCARD', Q.readyHigh) + redis.call('ZCARD', Q.readyLow)
end
