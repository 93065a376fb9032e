-- The error history of a job (`errors` of its record, JSON): one entry per failed attempt, the
-- most recent 50 kept. Changes the record table `j`; the caller writes it.
local MAX_ERRORS = 50

local function recordError(j, message, now)
  local errors = j.errors and cjson.decode(j.errors) or {}
  errors[#errors + 1] = { attempt = j.attempt, message = message, at = now }
  while #errors > MAX_ERRORS do table.remove(errors, 1) end
  j.errors = cjson.encode(errors)
end
