--[[
  Deletes a queue for good, a chunk at a time: up to `limit` jobs from each of ready, delayed,
  leased, dead and done with their records; once all are empty, the queue's meta (counters, the
  stopped flag; all but lastId), settings, unique keys and schedules too. Called until it returns 0. Idempotency
  keys and minute counters expire by themselves.
  KEYS[1..10] and ARGV[1..6]: the queue layout of includes/queue.lua.

  KEYS[11] schedules     HASH
  KEYS[12] schedule due  ZSET

  ARGV[7] limit per set

  Returns: jobs remaining (0: the queue is gone)
]]
-- @include "queue"
-- @include "make-ready"
-- @include "retire"

local limit = tonumber(ARGV[7])
deleteJobs(popReady(limit))
for _, set in ipairs({ Q.delayed, Q.leased, Q.dead, Q.done }) do
  local ids = redis.call('ZRANGE', set, 0, limit - 1)
  if #ids > 0 then
    deleteJobs(ids)
    redis.call('ZREM', set, unpack(ids))
  end
end
local remaining = readyCount()
for _, set in ipairs({ Q.delayed, Q.leased, Q.dead, Q.done }) do
  remaining = remaining + redis.call('ZCARD', set)
end
if remaining == 0 then
  -- Only lastId stays: job ids are never reused, so a late ack or an idempotency key of the old
  -- queue can never land on a new job.
  local lastId = redis.call('HGET', Q.meta, 'lastId')
  redis.call('DEL', Q.meta, Q.settings, Q.unique, KEYS[11], KEYS[12])
  if lastId then redis.call('HSET', Q.meta, 'lastId', lastId) end
end
return remaining
