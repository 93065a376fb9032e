-- @include "promote-due"
-- Hands out up to `count` ready jobs (fetchJobs-10.lua's header says how, and what the reply
-- holds): due delayed jobs and expired leases first, then the ready index in fetch order.
-- `leaseMs` is resolved (0: removed as handed out). Returns the reply { ok, now, fields... }.
local function handOut(count, leaseMs, now)
  promoteDue(now, 1000)
  -- Each job handed out is its id in `handed` and, in `taken`, its record: packed when it is a plain
  -- ready record to lease (job-record.lua's fast path), else unpacked with its new counts.
  local handed, taken, buried, seen = {}, {}, 0, {}
  -- Burials are bounded so that a backlog of expired jobs never blocks Redis for long: past the
  -- bound this call hands out what it has, and the next fetch goes on.
  while #handed < count and buried < 1000 do
    local popped = popReady(count - #handed)
    if #popped == 0 then break end
    local records = eachBucket('HMGET', popped)
    for i, id in ipairs(popped) do
      local s = records[i]
      -- an id whose record is gone or no longer ready is skipped (no script leaves one behind)
      if not s or seen[id] then
      elseif leaseMs > 0 and isPlainReady(s) then
        handed[#handed + 1], taken[#taken + 1] = id, s
      else
        local j = unpackJob(s)
        if j.state ~= 'ready' then
        elseif j.expiresAt and j.expiresAt < now then
          buryJob(id, j, 'not started before its deadline', now)
          buried = buried + 1
        else
          j.attempt, j.deliveries = j.attempt + 1, j.deliveries + 1
          handed[#handed + 1], taken[#taken + 1] = id, j
        end
      end
      seen[id] = true
    end
  end

  local out, at = { R.ok, now }, 2
  -- a job's 10 fields of the reply (see the header)
  local function reply(id, payload, attempt, enqueuedAt, priority, token, tokenDeadline, maxAttempts,
                       traceparent, deliveries)
    out[at + 1], out[at + 2], out[at + 3], out[at + 4], out[at + 5] =
      id, payload, attempt, enqueuedAt, priority
    out[at + 6], out[at + 7], out[at + 8], out[at + 9], out[at + 10] =
      token, tokenDeadline, maxAttempts, traceparent, deliveries
    at = at + 10
  end

  -- The jobs handed out are written together: leased under consecutive tokens in hand-out order
  -- (one HINCRBY), or finished with their new counts (kept if retention keeps them).
  local n, deadline = #handed, now + leaseMs
  if leaseMs > 0 and n > 0 then
    local firstToken = redis.call('HINCRBY', Q.meta, 'leaseSeq', n) - n + 1
    -- one score text for all, not a number for Redis to format per job
    local packed, leased, score = {}, {}, string.format('%.17g', deadline)
    for i, j in ipairs(taken) do
      local id, token = handed[i], firstToken + i - 1
      if type(j) == 'string' then
        local record, payload, attempt, enqueuedAt, priority, maxAttempts, deliveries = leasePlain(j, token)
        packed[i] = record
        reply(id, payload, attempt, enqueuedAt, priority, token, deadline, maxAttempts, '', deliveries)
      else
        j.state, j.leaseToken = 'leased', token
        packed[i] = packJob(j)
        reply(id, j.payload, j.attempt, j.enqueuedAt, j.priority, token, deadline, j.maxAttempts,
          j.traceparent or '', j.deliveries)
      end
      leased[#leased + 1] = score
      leased[#leased + 1] = id
    end
    eachBucket('HSET', handed, packed)
    zaddPairs(Q.leased, leased)
  else
    finishJobs(handed, taken, now)
    for i, j in ipairs(taken) do
      reply(handed[i], j.payload, j.attempt, j.enqueuedAt, j.priority, '', '', j.maxAttempts,
        j.traceparent or '', j.deliveries)
    end
  end
  return out
end
