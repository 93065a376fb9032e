--[[
  Removes up to `limit` jobs from each of ready, delayed and leased, with their job hashes.
  Called until nothing remains, so one call never blocks Redis for long on a huge queue.

  KEYS[1] ready    ZSET
  KEYS[2] delayed  ZSET
  KEYS[3] leased   ZSET
  KEYS[4] meta     HASH

  ARGV[1] job key prefix
  ARGV[2] limit per set

  Returns: { removed, remaining }
]]
local jobPrefix, limit = ARGV[1], tonumber(ARGV[2])
local removed = 0
for i = 1, 3 do
  local ids = redis.call('ZRANGE', KEYS[i], 0, limit - 1)
  if #ids > 0 then
    local jobKeys = {}
    for j, id in ipairs(ids) do jobKeys[j] = jobPrefix .. id end
    redis.call('DEL', unpack(jobKeys))
    redis.call('ZREM', KEYS[i], unpack(ids))
    removed = removed + #ids
  end
end
local remaining = redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', KEYS[2]) + redis.call('ZCARD', KEYS[3])
if remaining == 0 then redis.call('HSET', KEYS[4], 'readySeq', 0) end
return { removed, remaining }
