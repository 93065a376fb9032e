--[[
  Sizes and counters of one queue, read consistently in one round trip.
  KEYS and ARGV[1..6]: the queue layout of includes/queue.lua.

  Returns: { ready, delayed, leased, dead, done, stopped, enqueued, processed, failed,
             expiredLeases, deadTotal, oldest ready job's enqueuedAt or -1 }
]]
-- @include "queue"
-- @include "job-record"

local meta = redis.call('HMGET', Q.meta, 'stopped', 'enqueued', 'processed', 'failed', 'expiredLeases', 'dead')
-- the head of the ready index, in fetch order
local head = redis.call('ZRANGE', Q.readyHigh, 0, 0)[1] or redis.call('LINDEX', Q.ready, 0)
  or redis.call('ZRANGE', Q.readyLow, 0, 0)[1]
local oldest = -1
local j = head and readJob(head)
if j then oldest = j.enqueuedAt end
return {
  readyCount(), redis.call('ZCARD', Q.delayed), redis.call('ZCARD', Q.leased),
  redis.call('ZCARD', Q.dead), redis.call('ZCARD', Q.done),
  tonumber(meta[1] or '0'), tonumber(meta[2] or '0'), tonumber(meta[3] or '0'),
  tonumber(meta[4] or '0'), tonumber(meta[5] or '0'), tonumber(meta[6] or '0'), oldest,
}
