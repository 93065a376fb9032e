--[[
  Registers a worker, or records its heartbeat. The registry keeps a worker's hash for a while
  after its last heartbeat (so a gone worker stays visible), then Redis expires it.

  KEYS[1] workers  ZSET (score = last heartbeat, ms, Redis clock)
  KEYS[2] worker   HASH

  ARGV[1] "register" (creates or replaces the hash) or "beat" (only updates an existing one)
  ARGV[2] worker id
  ARGV[3] how long the hash outlives this heartbeat, in ms
  ARGV[4..] field, value pairs to set

  Returns: { ok, the time of this heartbeat in ms }; { notFound } when a beat names a worker the
           registry forgot
]]
-- @include "now"

local workersKey, workerKey = KEYS[1], KEYS[2]
local mode, workerId, keepMs = ARGV[1], ARGV[2], tonumber(ARGV[3])
if mode == 'beat' and redis.call('EXISTS', workerKey) == 0 then return { R.notFound } end
local now = nowMs()
if mode == 'register' then
  redis.call('DEL', workerKey)
  redis.call('HSET', workerKey, 'registeredAt', now)
end
redis.call('HSET', workerKey, 'lastBeat', now)
for i = 4, #ARGV, 2 do
  redis.call('HSET', workerKey, ARGV[i], ARGV[i + 1])
end
redis.call('PEXPIRE', workerKey, keepMs)
redis.call('ZADD', workersKey, now, workerId)
-- Drop index entries whose hash has surely expired (every worker's keepMs is within a factor 2
-- of any other's), so the index stays bounded even when nobody lists the workers.
redis.call('ZREMRANGEBYSCORE', workersKey, '-inf', now - 2 * keepMs)
return { R.ok, now }
