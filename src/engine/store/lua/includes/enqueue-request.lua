-- @include "add-jobs"
-- One enqueue request, all of its jobs or none: the checks, then the jobs. `o` is the decoded
-- options of enqueueJobs-10.lua (idempotencyKey, idempotencyDigest, idempotencyMs, unique,
-- expiresAtMs and what addJobs takes). Returns the reply of enqueueJobs-10.lua as a table:
-- { status, value... }.
local function enqueueRequest(payloads, o, now)
  if o.idempotencyKey then
    local seen = redis.call('GET', Q.idemPrefix .. o.idempotencyKey)
    if seen then
      local first = cjson.decode(seen)
      if first.digest ~= o.idempotencyDigest then return { R.mismatch } end
      local out = { R.duplicate }
      for _, id in ipairs(first.ids) do out[#out + 1] = id end
      return out
    end
  end
  if o.expiresAtMs and o.expiresAtMs <= now then return { R.expired } end
  if o.unique then
    local holder = redis.call('HGET', Q.unique, o.unique)
    if holder then return { R.uniqueHeld, holder } end
  end
  local maxLength = setting('maxLength')
  if maxLength > 0 then
    local waiting = readyCount() + redis.call('ZCARD', Q.delayed)
    if waiting + #payloads > maxLength then return { R.full, waiting } end
  end

  local ids = addJobs(payloads, o, now)
  if o.idempotencyKey then
    local first = cjson.encode({ ids = ids, digest = o.idempotencyDigest })
    redis.call('SET', Q.idemPrefix .. o.idempotencyKey, first, 'PX', o.idempotencyMs)
  end
  local out = { R.ok }
  for _, id in ipairs(ids) do out[#out + 1] = id end
  return out
end
