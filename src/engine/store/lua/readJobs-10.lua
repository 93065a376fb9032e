--[[
  Reads job records for the job browser, dead letters and GET of one job, with the time their
  set holds for them (due time, lease deadline, death, finish): the record and its set are read
  together, so a job never shows a state without its time. Changes nothing.
  KEYS and ARGV[1..6]: the queue layout of includes/queue.lua.

  ARGV[7]   "jobs": the whole jobs; "tokens": only their lease tokens
  ARGV[8..] job ids

  Returns:
    jobs:   per job that exists, in order (gone ones are left out), a list of 15 fields:
            id, state, payload, attempt, deliveries, maxAttempts, enqueuedAt, priority,
            its score in its state's set ("" for ready), leaseToken, expiresAt, unique,
            traceparent, errors (JSON), deadReason; absent fields ""
    tokens: per id, in order, the job's lease token, "" when it is not leased or gone
]]
-- @include "queue"
-- @include "job-record"

local SETS = { delayed = Q.delayed, leased = Q.leased, dead = Q.dead, done = Q.done }
local out = {}
for i = 8, #ARGV do
  local id = ARGV[i]
  local j = readJob(id)
  if ARGV[7] == 'tokens' then
    out[#out + 1] = (j and j.state == 'leased' and j.leaseToken) and tostring(j.leaseToken) or ''
  elseif j then
    local set = SETS[j.state]
    out[#out + 1] = {
      id, j.state, j.payload, j.attempt, j.deliveries, j.maxAttempts, j.enqueuedAt, j.priority,
      set and redis.call('ZSCORE', set, id) or '', j.leaseToken and tostring(j.leaseToken) or '',
      j.expiresAt or '', j.unique or '', j.traceparent or '', j.errors or '', j.deadReason or '',
    }
  end
end
return out
