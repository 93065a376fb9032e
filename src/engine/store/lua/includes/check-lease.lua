-- Fencing: only the holder of the current lease may ack, nack or extend.
-- Returns R.notFound when the job does not exist, R.staleLease when it is not leased under this
-- token, R.ok when it is (reply codes: src/engine/store/reply-codes.ts).
local function checkLease(id, token)
  local fields = redis.call('HMGET', jobKey(id), 'state', 'leaseToken')
  if not fields[1] then return R.notFound end
  if fields[1] ~= 'leased' or fields[2] ~= token then return R.staleLease end
  return R.ok
end
