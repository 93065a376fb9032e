-- @include "job-record"
-- Fencing: only the holder of the current lease may ack, nack or extend.
-- Returns R.notFound when the job does not exist, R.staleLease when it is not leased under this
-- token, R.ok when it is (reply codes: src/engine/store/reply-codes.ts); with R.ok, the job's
-- record as well (job-record.lua), so the caller does not read it again.
local function checkLease(id, token)
  local j = readJob(id)
  if not j then return R.notFound end
  if j.state ~= 'leased' or tostring(j.leaseToken) ~= token then return R.staleLease end
  return R.ok, j
end
