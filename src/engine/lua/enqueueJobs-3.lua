--[[
  Adds one or more jobs to a queue, atomically: all of them or none.

  KEYS[1] ready    ZSET
  KEYS[2] delayed  ZSET
  KEYS[3] meta     HASH

  ARGV[1] job key prefix
  ARGV[2] wake channel
  ARGV[3] queue name
  ARGV[4] priority (integer, -1000..1000)
  ARGV[5] delay in ms (0: ready at once)
  ARGV[6] "1" when this is presque's requeue of a failed job (counts a failure)
  ARGV[7..] payloads, JSON text as received

  Returns: the new job ids, in payload order.
]]
-- @include "now"
-- @include "zadd-pairs"
-- @include "make-ready"
-- @include "count-event"

local readyKey, delayedKey, metaKey = KEYS[1], KEYS[2], KEYS[3]
local jobPrefix, wakeChannel, queueName = ARGV[1], ARGV[2], ARGV[3]
local priority = tonumber(ARGV[4])
local delayMs = tonumber(ARGV[5])
local first = 7
local n = #ARGV - first + 1

local now = nowMs()
local lastId = redis.call('HINCRBY', metaKey, 'lastId', n)
local state = delayMs > 0 and 'delayed' or 'ready'
local ids, priorities = {}, {}
for i = 1, n do
  local id = tostring(lastId - n + i)
  ids[i] = id
  priorities[i] = priority
  redis.call('HSET', jobPrefix .. id,
    'payload', ARGV[first + i - 1], 'state', state, 'attempt', 0,
    'enqueuedAt', now, 'priority', priority)
end

if delayMs > 0 then
  local args = {}
  for i = 1, n do
    args[#args + 1] = now + delayMs
    args[#args + 1] = ids[i]
  end
  zaddPairs(delayedKey, args)
else
  makeReady(readyKey, metaKey, ids, priorities, wakeChannel, queueName)
end

countEvent(metaKey, 'enqueued', n, now)
if ARGV[6] == '1' then countEvent(metaKey, 'failed', n, now) end
return ids
