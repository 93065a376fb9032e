--[[
  Deletes a schedule. Jobs it already enqueued stay.

  KEYS[1] schedules     HASH
  KEYS[2] schedule due  ZSET

  ARGV[1] schedule name

  Returns: 1 deleted; 0 there was no such schedule
]]
redis.call('ZREM', KEYS[2], ARGV[1])
return redis.call('HDEL', KEYS[1], ARGV[1])
