-- Fencing: only the holder of the current lease may ack, nack or extend.
-- Returns 0 when the job does not exist, -1 when it is not leased under this token, 1 when it is.
local function checkLease(id, token)
  local fields = redis.call('HMGET', jobKey(id), 'state', 'leaseToken')
  if not fields[1] then return 0 end
  if fields[1] ~= 'leased' or fields[2] ~= token then return -1 end
  return 1
end
