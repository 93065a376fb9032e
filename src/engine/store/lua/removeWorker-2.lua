--[[
  Removes a worker from the registry (it stopped on purpose).

  KEYS[1] workers  ZSET
  KEYS[2] worker   HASH

  ARGV[1] worker id

  Returns: 1 removed; 0 the registry did not know the worker
]]
redis.call('DEL', KEYS[2])
return redis.call('ZREM', KEYS[1], ARGV[1])
