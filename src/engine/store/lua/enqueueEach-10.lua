--[[
  Group commit of single enqueues: adds several independent jobs to one queue in one call, each
  as its own enqueueJobs-10.lua call would, in order (so ids follow arrival, and a job sees the
  jobs before it: their unique keys, idempotency keys and room in the queue). One job refused
  does not refuse the others.
  KEYS and ARGV[1..6]: the queue layout of includes/queue.lua.

  ARGV[7]  hand-off: how many ready jobs to lease at once to a consumer waiting in the caller's
           process (0: none, the jobs wait for a fetch)
  ARGV[8]  the hand-off's lease in ms (> 0; -1 the queue's default lease)
  ARGV[9]  k, how many distinct options follow
  ARGV[10..9+k]  options (JSON), as ARGV[7] of enqueueJobs-10.lua
  then per job, in arrival order: the index (1..k) of its options, its payload (JSON text);
  when k is 1 (every job has the same options), the payloads alone

  Returns: per job, in order: its status (the statuses of enqueueJobs-10.lua), how many values
           follow, and those values (ok: the new id; duplicate: the first request's ids;
           uniqueHeld: the holder's id; full: the number of waiting jobs; mismatch, expired: none)
           then, with a hand-off, the reply of fetchJobs-10.lua for it ({ stopped } when stopped):
           the ready jobs (new or not) leased as a fetch would, saving the consumer its fetch. The
           wake is published only when jobs are still ready after the hand-off.
  Options the job record cannot hold (see enqueueJobs-10.lua) fail the whole call, before any write.
]]
-- @include "queue"
-- @include "now"
-- @include "enqueue-request"
-- @include "hand-out"

local now = nowMs()
local handOff, handOffLeaseMs, k = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local options = {}
for i = 1, k do
  options[i] = cjson.decode(ARGV[9 + i])
  -- a record that cannot be packed fails the call before any job is written (job-record.lua)
  jobHead(options[i], 'ready', now)
end
local maxLength = setting('maxLength')

local out = {}
local function answer(reply)
  out[#out + 1] = reply[1]
  out[#out + 1] = #reply - 1
  for v = 2, #reply do out[#out + 1] = reply[v] end
end
-- Consecutive jobs with the same options and no keys are added together by one addJobs: the
-- same effects as one call each, with one HINCRBY, one ZADD and one count for the lot. Their
-- replies wait in `out` for their ids.
local run = { payloads = {}, at = {} }
local counted -- waiting jobs before the current run, once counted (maxLength)
local function addRun()
  if #run.payloads == 0 then return end
  if counted then counted = counted + #run.payloads end
  local ids = addJobs(run.payloads, run.options, now)
  for i, at in ipairs(run.at) do out[at] = ids[i] end
  run = { payloads = {}, at = {} }
end

local step = k == 1 and 1 or 2
wakeHold.held = handOff > 0
for i = 10 + k, #ARGV, step do
  local o, payload = options[1], ARGV[i]
  if k > 1 then o, payload = options[tonumber(ARGV[i])], ARGV[i + 1] end
  if o.unique or o.idempotencyKey then
    addRun()
    answer(enqueueRequest({ payload }, o, now))
    counted = nil
  elseif o.expiresAtMs and o.expiresAtMs <= now then
    answer({ R.expired })
  else
    local waiting = 0
    if maxLength > 0 then
      -- counted once, then kept up to date as jobs are taken (nothing else changes it here)
      if not counted then counted = readyCount() + redis.call('ZCARD', Q.delayed) end
      waiting = counted + #run.payloads
    end
    if maxLength > 0 and waiting + 1 > maxLength then
      answer({ R.full, waiting })
    else
      if run.options ~= o then addRun() end
      run.options = o
      run.payloads[#run.payloads + 1] = payload
      out[#out + 1] = R.ok
      out[#out + 1] = 1
      out[#out + 1] = '' -- its id, once its run is added
      run.at[#run.at + 1] = #out
    end
  end
end
addRun()
if handOff == 0 then return out end

local fetched = { R.stopped }
if redis.call('HGET', Q.meta, 'stopped') ~= '1' then
  if handOffLeaseMs < 0 then handOffLeaseMs = setting('leaseMs') end
  fetched = handOut(handOff, handOffLeaseMs, now)
end
wakeHold.held = false
if wakeHold.due and readyCount() > 0 then redis.call('PUBLISH', Q.wakeChannel, Q.name) end
for _, v in ipairs(fetched) do out[#out + 1] = v end
return out
