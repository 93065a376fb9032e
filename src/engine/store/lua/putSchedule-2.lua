--[[
  Creates or replaces a schedule, with its first tick.

  KEYS[1] schedules     HASH  name → definition (JSON)
  KEYS[2] schedule due  ZSET  name → next tick (ms)

  ARGV[1] schedule name
  ARGV[2] definition (JSON)
  ARGV[3] first tick (ms)

  Returns: 1 created; 0 replaced
]]
local created = redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], tonumber(ARGV[3]), ARGV[1])
return created
