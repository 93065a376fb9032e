--[[
  Hands out up to `count` ready jobs, highest priority first, FIFO within a priority.
  Due delayed jobs and expired leases are moved to the ready set first, so a consumer never
  waits on the reaper's tick.

  KEYS[1] ready    ZSET
  KEYS[2] delayed  ZSET
  KEYS[3] leased   ZSET
  KEYS[4] meta     HASH

  ARGV[1] job key prefix
  ARGV[2] wake channel
  ARGV[3] queue name
  ARGV[4] count (>= 1)
  ARGV[5] lease in ms; 0 removes the jobs as they are handed out (at-most-once)

  Returns:
    { "stopped" }                          the queue is stopped; nothing changed
    { "ok", now, <7 fields per job>... }   id, payload, attempt, enqueuedAt, priority,
                                           leaseToken, leaseDeadline (last two "" when auto-acked)
]]
-- @include "now"
-- @include "zadd-pairs"
-- @include "promote-due"
-- @include "count-event"

local readyKey, delayedKey, leasedKey, metaKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local jobPrefix, wakeChannel, queueName = ARGV[1], ARGV[2], ARGV[3]
local count = tonumber(ARGV[4])
local leaseMs = tonumber(ARGV[5])

if redis.call('HGET', metaKey, 'stopped') == '1' then return { 'stopped' } end

local now = nowMs()
promoteDue(readyKey, delayedKey, leasedKey, metaKey, jobPrefix, now, 1000, wakeChannel, queueName)

local popped = redis.call('ZPOPMIN', readyKey, count)
local out = { 'ok', now }
local deadline = now + leaseMs
local leased = {}
for i = 1, #popped, 2 do
  local id = popped[i]
  local jobKey = jobPrefix .. id
  local fields = redis.call('HMGET', jobKey, 'payload', 'attempt', 'enqueuedAt', 'priority')
  local attempt = tonumber(fields[2] or '0') + 1
  local token, tokenDeadline = '', ''
  if leaseMs > 0 then
    token = tostring(redis.call('HINCRBY', metaKey, 'leaseSeq', 1))
    tokenDeadline = deadline
    redis.call('HSET', jobKey, 'state', 'leased', 'attempt', attempt,
      'leaseToken', token, 'leaseDeadline', deadline)
    leased[#leased + 1] = deadline
    leased[#leased + 1] = id
  else
    redis.call('DEL', jobKey)
  end
  out[#out + 1] = id
  out[#out + 1] = fields[1]
  out[#out + 1] = attempt
  out[#out + 1] = fields[3]
  out[#out + 1] = fields[4]
  out[#out + 1] = token
  out[#out + 1] = tokenDeadline
end

local n = #popped / 2
zaddPairs(leasedKey, leased)
if n > 0 and leaseMs == 0 then countEvent(metaKey, 'processed', n, now) end
return out
