-- @include "job-record"
-- Fencing: only the holder of the current lease may ack, nack or extend.
-- R.notFound when there is no record `j` (job-record.lua; nil or false), R.staleLease when it is
-- not leased under this token, R.ok when it is (reply codes: src/engine/store/reply-codes.ts).
local function leaseStatus(j, token)
  if not j then return R.notFound end
  if j.state ~= 'leased' or tostring(j.leaseToken) ~= token then return R.staleLease end
  return R.ok
end

-- The lease check of one job; with R.ok, the job's record as well, so the caller does not read it again.
local function checkLease(id, token)
  local j = readJob(id)
  local status = leaseStatus(j, token)
  if status ~= R.ok then return status end
  return R.ok, j
end
