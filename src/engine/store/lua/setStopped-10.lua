--[[
  Stops or starts a queue. A stopped queue accepts jobs but hands none out. Starting a queue
  that has ready jobs wakes long-polling consumers.
  KEYS and ARGV[1..6]: the queue layout of includes/queue.lua.

  ARGV[7] "1" to stop, "0" to start

  Returns: ok
]]
-- @include "queue"

redis.call('HSET', Q.meta, 'stopped', ARGV[7])
if ARGV[7] == '0' and readyCount() > 0 then
  redis.call('PUBLISH', Q.wakeChannel, Q.name)
end
return R.ok
