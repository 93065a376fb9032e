--[[
  Adds one or more jobs to a queue, atomically: all of them or none.
  KEYS and ARGV[1..5]: the queue layout of includes/queue.lua.

  ARGV[6]  options (JSON): priority, delayMs, runAtMs, maxAttempts, expiresAtMs, unique,
           traceparent, requeue, idempotencyKey, idempotencyMs, idempotencyDigest (a hash of
           the request, so a key reused for another request is refused)
  ARGV[7..] payloads, JSON text as received

  Returns:
    { ok, id... }           the new ids, in payload order
    { duplicate, id... }    the idempotency key was seen within its window: the first request's
                            ids; nothing was added
    { mismatch }            the idempotency key was used for a different request; nothing added
    { uniqueHeld, id }      the unique key is held by that queued or leased job; nothing added
    { full, length }        the queue holds maxLength waiting jobs; nothing added
    { expired }             expiresAtMs is already past; nothing added
]]
-- @include "queue"
-- @include "now"
-- @include "add-jobs"

local o = cjson.decode(ARGV[6])
local payloads = {}
for i = 7, #ARGV do payloads[#payloads + 1] = ARGV[i] end

local function reply(status, values)
  local out = { status }
  for _, v in ipairs(values) do out[#out + 1] = v end
  return out
end

local now = nowMs()
if o.idempotencyKey then
  local seen = redis.call('GET', Q.idemPrefix .. o.idempotencyKey)
  if seen then
    local first = cjson.decode(seen)
    if first.digest ~= o.idempotencyDigest then return { R.mismatch } end
    return reply(R.duplicate, first.ids)
  end
end
if o.expiresAtMs and o.expiresAtMs <= now then return { R.expired } end
if o.unique then
  local holder = redis.call('HGET', Q.unique, o.unique)
  if holder then return { R.uniqueHeld, holder } end
end
local maxLength = setting('maxLength')
if maxLength > 0 then
  local waiting = redis.call('ZCARD', Q.ready) + redis.call('ZCARD', Q.delayed)
  if waiting + #payloads > maxLength then return { R.full, waiting } end
end

local ids = addJobs(payloads, o, now)
if o.idempotencyKey then
  local first = cjson.encode({ ids = ids, digest = o.idempotencyDigest })
  redis.call('SET', Q.idemPrefix .. o.idempotencyKey, first, 'PX', o.idempotencyMs)
end
return reply(R.ok, ids)
