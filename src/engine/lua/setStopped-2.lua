--[[
  Stops or starts a queue. A stopped queue accepts jobs but hands none out. Starting a queue
  that has ready jobs wakes long-polling consumers.

  KEYS[1] ready  ZSET
  KEYS[2] meta   HASH

  ARGV[1] "1" to stop, "0" to start
  ARGV[2] wake channel
  ARGV[3] queue name

  Returns: 1
]]
redis.call('HSET', KEYS[2], 'stopped', ARGV[1])
if ARGV[1] == '0' and redis.call('ZCARD', KEYS[1]) > 0 then
  redis.call('PUBLISH', ARGV[2], ARGV[3])
end
return 1
