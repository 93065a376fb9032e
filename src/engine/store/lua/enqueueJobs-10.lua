--[[
  Adds one or more jobs to a queue, atomically: all of them or none (a batch request).
  Independent single enqueues that arrive together go through enqueueEach-10.lua instead.
  KEYS and ARGV[1..6]: the queue layout of includes/queue.lua.

  ARGV[7]  options (JSON): priority, delayMs, runAtMs, maxAttempts, expiresAtMs, unique,
           traceparent, requeue, idempotencyKey, idempotencyMs, idempotencyDigest (a hash of
           the request, so a key reused for another request is refused)
  ARGV[8..] payloads, JSON text as received

  Returns:
    { ok, id... }           the new ids, in payload order
    { duplicate, id... }    the idempotency key was seen within its window: the first request's
                            ids; nothing was added
    { mismatch }            the idempotency key was used for a different request; nothing added
    { uniqueHeld, id }      the unique key is held by that queued or leased job; nothing added
    { full, length }        the queue holds maxLength waiting jobs; nothing added
    { expired }             expiresAtMs is already past; nothing added
  A value the job record cannot hold (includes/job-record.lua; the callers validate, so it cannot
  happen) is a script error "presque: job record field ... out of range", raised before any write.
]]
-- @include "queue"
-- @include "now"
-- @include "enqueue-request"

local payloads = {}
for i = 8, #ARGV do payloads[#payloads + 1] = ARGV[i] end
return enqueueRequest(payloads, cjson.decode(ARGV[7]), nowMs())
