--[[
  Gives a leased job back: ready again at once, or after a delay. Counts a failure and keeps
  the error text on the job (lastError) for the operator.

  KEYS[1] ready    ZSET
  KEYS[2] delayed  ZSET
  KEYS[3] leased   ZSET
  KEYS[4] meta     HASH
  KEYS[5] job      HASH

  ARGV[1] job id
  ARGV[2] lease token
  ARGV[3] delay in ms (0: ready at once)
  ARGV[4] error text ("" for none)
  ARGV[5] wake channel
  ARGV[6] queue name

  Returns: 1 nacked; 0 no such job; -1 the job is not leased under this token (nothing changed)
]]
-- @include "now"
-- @include "check-lease"
-- @include "make-ready"
-- @include "count-event"

local readyKey, delayedKey, leasedKey, metaKey, jobKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local id, delayMs = ARGV[1], tonumber(ARGV[3])
local status = checkLease(jobKey, ARGV[2])
if status ~= 1 then return status end
local now = nowMs()

redis.call('ZREM', leasedKey, id)
redis.call('HDEL', jobKey, 'leaseToken', 'leaseDeadline')
if ARGV[4] ~= '' then redis.call('HSET', jobKey, 'lastError', ARGV[4]) end
if delayMs > 0 then
  redis.call('HSET', jobKey, 'state', 'delayed')
  redis.call('ZADD', delayedKey, now + delayMs, id)
else
  redis.call('HSET', jobKey, 'state', 'ready')
  local priority = tonumber(redis.call('HGET', jobKey, 'priority') or '0')
  makeReady(readyKey, metaKey, { id }, { priority }, ARGV[5], ARGV[6])
end
countEvent(metaKey, 'failed', 1, now)
return 1
