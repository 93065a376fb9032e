--[[
  Finishes a leased job: it is removed for good.

  KEYS[1] leased  ZSET
  KEYS[2] meta    HASH
  KEYS[3] job     HASH

  ARGV[1] job id
  ARGV[2] lease token

  Returns: { 1, ms from enqueue to ack } acked; 0 no such job;
           -1 the job is not leased under this token (nothing changed)
]]
-- @include "now"
-- @include "check-lease"
-- @include "count-event"

local leasedKey, metaKey, jobKey = KEYS[1], KEYS[2], KEYS[3]
local status = checkLease(jobKey, ARGV[2])
if status ~= 1 then return status end
local now = nowMs()
local enqueuedAt = tonumber(redis.call('HGET', jobKey, 'enqueuedAt') or now)
redis.call('ZREM', leasedKey, ARGV[1])
redis.call('DEL', jobKey)
countEvent(metaKey, 'processed', 1, now)
return { 1, now - enqueuedAt }
