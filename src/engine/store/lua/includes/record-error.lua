-- The error history of a job: one entry per failed attempt, the most recent 50 kept.
local MAX_ERRORS = 50

local function recordError(id, attempt, message, now)
  local key = jobKey(id)
  local raw = redis.call('HGET', key, 'errors')
  local errors = raw and cjson.decode(raw) or {}
  errors[#errors + 1] = { attempt = attempt, message = message, at = now }
  while #errors > MAX_ERRORS do table.remove(errors, 1) end
  redis.call('HSET', key, 'errors', cjson.encode(errors), 'lastError', message)
end
