--[[
  A leased job failed. The error joins the job's history. The job is retried after a delay
  (given, or from the queue's backoff policy), or goes to dead letters when it was its last
  attempt or the failure is not retryable. Counts a failure.
  KEYS and ARGV[1..6]: the queue layout of includes/queue.lua.

  ARGV[7]  job id
  ARGV[8]  lease token
  ARGV[9]  retry delay in ms; -1 uses the backoff policy
  ARGV[10] error text ("" for none)
  ARGV[11] "0" when the failure is not retryable
  ARGV[12] a random number in [0, 1) for the backoff's jitter

  Returns: { ok, "retry", due ms } or { ok, "dead", reason }; { notFound } no such job;
           { staleLease } the job is not leased under this token (nothing changed)
]]
-- @include "queue"
-- @include "now"
-- @include "check-lease"
-- @include "make-ready"
-- @include "retire"
-- @include "record-error"
-- @include "add-delayed"

local id, delayMs, message, retryable, jitter = ARGV[7], tonumber(ARGV[9]), ARGV[10], ARGV[11] ~= '0', tonumber(ARGV[12])
local status, j = checkLease(id, ARGV[8])
if status ~= R.ok then return { status } end
local now = nowMs()
local attempt, maxAttempts = j.attempt, j.maxAttempts

redis.call('ZREM', Q.leased, id)
j.leaseToken = nil
recordError(j, message ~= '' and message or 'failed', now)
countEvent('failed', 1, now)

if not retryable or (maxAttempts > 0 and attempt >= maxAttempts) then
  local reason = retryable and ('failed ' .. attempt .. ' of ' .. maxAttempts .. ' attempts') or 'failed, not retryable'
  buryJob(id, j, reason, now)
  return { R.ok, 'dead', reason }
end

if delayMs < 0 then
  -- exponential: base * 2^(attempt-1), capped; "equal jitter" keeps at least half of it
  local policy, base, cap = setting('backoff'), setting('backoffBaseMs'), setting('backoffMaxMs')
  if policy == 'none' then delayMs = 0
  elseif policy == 'fixed' then delayMs = base
  else
    local full = math.min(cap, base * 2 ^ (attempt - 1))
    delayMs = math.floor(full / 2 + full / 2 * jitter)
  end
end
if delayMs > 0 then
  j.state = 'delayed'
  writeJob(id, j)
  addDelayed({ now + delayMs, id }, now + delayMs)
else
  makeOneReady(id, j)
end
return { R.ok, 'retry', now + delayMs }
