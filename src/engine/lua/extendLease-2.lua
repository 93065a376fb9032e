--[[
  Moves the deadline of a lease to now + the given length.

  KEYS[1] leased  ZSET
  KEYS[2] job     HASH

  ARGV[1] job id
  ARGV[2] lease token
  ARGV[3] lease in ms

  Returns: the new deadline in ms; 0 no such job; -1 not leased under this token (nothing changed)
]]
-- @include "now"
-- @include "check-lease"

local leasedKey, jobKey = KEYS[1], KEYS[2]
local status = checkLease(jobKey, ARGV[2])
if status ~= 1 then return status end
local deadline = nowMs() + tonumber(ARGV[3])
redis.call('ZADD', leasedKey, deadline, ARGV[1])
redis.call('HSET', jobKey, 'leaseDeadline', deadline)
return deadline
