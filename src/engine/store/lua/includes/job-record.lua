-- The job record: one field of the queue's job hash (see jobKey), id → a packed string, so a job
-- costs one hash field instead of a hash of its own. The only place that packs or unpacks it.
--   header (19 bytes, big-endian): version B, state B, flags B, attempt H, maxAttempts H,
--     priority h, deliveries I4, enqueuedAt I6 (ms)
--   then, each only when its flag is set, in this order:
--     1 expiresAt I6   2 leaseToken I6   4 releases H   8 traceparent B+text   16 unique H+text
--     32 errors I4+JSON (the last 50)   64 deadReason H+text
--   then the payload, the bytes as received, to the end of the string.
-- Times that are the score of the job's set are not repeated here: the due time (delayed), the
-- lease deadline (leased), when it died (dead) and when it finished (done). A 105-byte payload
-- and the header fit jemalloc's 128-byte class (3 bytes of sds header + 124 + NUL).
local RECORD_VERSION = 1
local HEADER = '>BBBHHhI4I6'
local STATE_CODES = { ready = 1, delayed = 2, leased = 3, dead = 4, done = 5 }
local STATE_NAMES = { 'ready', 'delayed', 'leased', 'dead', 'done' }
-- flag, field, struct format; a text section's format carries its length before it
local SECTIONS = {
  { 1, 'expiresAt', '>I6' }, { 2, 'leaseToken', '>I6' }, { 4, 'releases', '>H' },
  { 8, 'traceparent', '>Bc0' }, { 16, 'unique', '>Hc0' }, { 32, 'errors', '>I4c0' },
  { 64, 'deadReason', '>Hc0' },
}

local function packJob(j)
  local flags, parts = 0, {}
  for _, section in ipairs(SECTIONS) do
    local value = j[section[2]]
    if value then
      flags = flags + section[1]
      if type(value) == 'string' then parts[#parts + 1] = struct.pack(section[3], #value, value)
      else parts[#parts + 1] = struct.pack(section[3], value) end
    end
  end
  return struct.pack(HEADER, RECORD_VERSION, STATE_CODES[j.state], flags, j.attempt, j.maxAttempts,
    j.priority, j.deliveries, j.enqueuedAt) .. table.concat(parts) .. j.payload
end

local function unpackJob(s)
  local version, state, flags, attempt, maxAttempts, priority, deliveries, enqueuedAt, at = struct.unpack(HEADER, s)
  if version ~= RECORD_VERSION then error('presque: job record of unknown version ' .. version) end
  local j = { state = STATE_NAMES[state], attempt = attempt, maxAttempts = maxAttempts, priority = priority,
    deliveries = deliveries, enqueuedAt = enqueuedAt }
  if flags > 0 then
    for _, section in ipairs(SECTIONS) do
      if bit.band(flags, section[1]) ~= 0 then j[section[2]], at = struct.unpack(section[3], s, at) end
    end
  end
  j.payload = string.sub(s, at)
  return j
end

-- The job's record as a table (fields above, and payload), or nil when there is no such job.
local function readJob(id)
  local s = redis.call('HGET', jobKey(id), id)
  if not s then return nil end
  return unpackJob(s)
end

local function writeJob(id, j) redis.call('HSET', jobKey(id), id, packJob(j)) end

local function deleteJob(id) redis.call('HDEL', jobKey(id), id) end

-- A new job's record: state, payload and the fields every job has; the caller adds the rest.
local function newJob(state, payload, maxAttempts, priority, now)
  return { state = state, payload = payload, attempt = 0, deliveries = 0, maxAttempts = maxAttempts,
    priority = priority, enqueuedAt = now }
end
