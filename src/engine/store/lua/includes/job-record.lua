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
local U16, U32, U48 = 65535, 4294967295, 281474976710655
-- flag, field, struct format, the largest value (a text section: the longest text); a text
-- section's format carries its length before it
local SECTIONS = {
  { 1, 'expiresAt', '>I6', U48 }, { 2, 'leaseToken', '>I6', U48 }, { 4, 'releases', '>H', U16 },
  { 8, 'traceparent', '>Bc0', 255 }, { 16, 'unique', '>Hc0', U16 }, { 32, 'errors', '>I4c0', U32 },
  { 64, 'deadReason', '>Hc0', U16 },
}

local HEADER_BYTES = 19

-- struct.pack wraps a value its field cannot hold without a word ('>H' of 65536 is 0; a 300-byte
-- text behind a 'B' length stores 44, and its tail is read as the next sections), so values are
-- checked before they are packed (a fraction is truncated, which corrupts nothing). Inputs are
-- validated long before this, so it cannot happen: a script error, raised before an enqueue
-- writes (it packs first), not a corrupt record.
local function outOfRange(field, value)
  error('presque: job record field ' .. field .. ' out of range: ' .. tostring(value))
end

local function checkNumber(field, value, low, high)
  if type(value) ~= 'number' or value < low or value > high then outOfRange(field, value) end
end

-- The header's fields, in one test (packJob runs per job written); the field is named on failure.
local function checkHeader(j)
  local attempt, maxAttempts, priority, deliveries, enqueuedAt =
    j.attempt, j.maxAttempts, j.priority, j.deliveries, j.enqueuedAt
  if not (attempt >= 0 and attempt <= U16 and maxAttempts >= 0 and maxAttempts <= U16
      and priority >= -32768 and priority <= 32767 and deliveries >= 0 and deliveries <= U32
      and enqueuedAt >= 0 and enqueuedAt <= U48) then
    checkNumber('attempt', attempt, 0, U16)
    checkNumber('maxAttempts', maxAttempts, 0, U16)
    checkNumber('priority', priority, -32768, 32767)
    checkNumber('deliveries', deliveries, 0, U32)
    checkNumber('enqueuedAt', enqueuedAt, 0, U48)
  end
end

-- A record's sections, packed in flag order (the general case, any section present).
local function packSections(j)
  local flags, parts = 0, {}
  for _, section in ipairs(SECTIONS) do
    local value = j[section[2]]
    if value then
      flags = flags + section[1]
      if type(value) == 'string' then
        if #value > section[4] then outOfRange(section[2], #value .. ' bytes') end
        parts[#parts + 1] = struct.pack(section[3], #value, value)
      else
        checkNumber(section[2], value, 0, section[4])
        parts[#parts + 1] = struct.pack(section[3], value)
      end
    end
  end
  return flags, table.concat(parts)
end

local HEADER_TOKEN = HEADER .. 'I6' -- the header, then a lease token as the only section

local function packJob(j)
  checkHeader(j)
  -- Most records have no section, or a lease token alone: those skip the loop.
  if j.expiresAt or j.releases or j.traceparent or j.unique or j.errors or j.deadReason then
    local flags, sections = packSections(j)
    return struct.pack(HEADER, RECORD_VERSION, STATE_CODES[j.state], flags, j.attempt, j.maxAttempts,
      j.priority, j.deliveries, j.enqueuedAt) .. sections .. j.payload
  elseif j.leaseToken then
    checkNumber('leaseToken', j.leaseToken, 0, U48)
    return struct.pack(HEADER_TOKEN, RECORD_VERSION, STATE_CODES[j.state], 2, j.attempt, j.maxAttempts,
      j.priority, j.deliveries, j.enqueuedAt, j.leaseToken) .. j.payload
  end
  return struct.pack(HEADER, RECORD_VERSION, STATE_CODES[j.state], 0, j.attempt, j.maxAttempts,
    j.priority, j.deliveries, j.enqueuedAt) .. j.payload
end

local function unpackJob(s)
  local version, state, flags, attempt, maxAttempts, priority, deliveries, enqueuedAt = struct.unpack(HEADER, s)
  if version ~= RECORD_VERSION then error('presque: job record of unknown version ' .. version) end
  local j = { state = STATE_NAMES[state], attempt = attempt, maxAttempts = maxAttempts, priority = priority,
    deliveries = deliveries, enqueuedAt = enqueuedAt, payload = false }
  local at = HEADER_BYTES + 1
  if flags == 2 then
    j.leaseToken, at = struct.unpack('>I6', s, at)
  elseif flags ~= 0 then
    for _, section in ipairs(SECTIONS) do
      if bit.band(flags, section[1]) ~= 0 then j[section[2]], at = struct.unpack(section[3], s, at) end
    end
  end
  j.payload = string.sub(s, at)
  return j
end

-- A fetch's fast path, for a ready record with no section (most are), without a table: true
-- when `s` is one (see leasePlain).
local function isPlainReady(s)
  local version, state, flags = string.byte(s, 1, 3)
  return version == RECORD_VERSION and state == STATE_CODES.ready and flags == 0
end

-- A plain ready record (isPlainReady) leased under `token`, its attempt and delivery counted:
-- the new record, then payload, attempt, enqueuedAt, priority, maxAttempts and deliveries.
local function leasePlain(s, token)
  local _, _, _, attempt, maxAttempts, priority, deliveries, enqueuedAt = struct.unpack(HEADER, s)
  local payload = string.sub(s, HEADER_BYTES + 1)
  attempt, deliveries = attempt + 1, deliveries + 1
  local record = struct.pack(HEADER_TOKEN, RECORD_VERSION, STATE_CODES.leased, 2, attempt,
    maxAttempts, priority, deliveries, enqueuedAt, token) .. payload
  return record, payload, attempt, enqueuedAt, priority, maxAttempts, deliveries
end

-- What a lease check needs of a packed record, without unpacking the rest: the state, the lease
-- token (nil when none), enqueuedAt, and whether the record carries a unique key.
local function leaseOf(s)
  local version, state, flags, _, _, _, _, enqueuedAt, at = struct.unpack(HEADER, s)
  if version ~= RECORD_VERSION then error('presque: job record of unknown version ' .. version) end
  local token
  if bit.band(flags, 2) ~= 0 then
    if bit.band(flags, 1) ~= 0 then at = at + 6 end -- expiresAt comes first
    token = struct.unpack('>I6', s, at)
  end
  return STATE_NAMES[state], token, enqueuedAt, bit.band(flags, 16) ~= 0
end

-- The job's record as a table (fields above, and payload), or nil when there is no such job.
local function readJob(id)
  local s = redis.call('HGET', jobKey(id), id)
  if not s then return nil end
  return unpackJob(s)
end

local function writeJob(id, j) redis.call('HSET', jobKey(id), id, packJob(j)) end

local function deleteJob(id) redis.call('HDEL', jobKey(id), id) end

-- One command per bucket for many jobs (ids of one call are mostly of one bucket, and in runs):
-- `command` gets the ids, or id, value pairs when `values` is given, at most 1000 arguments at a
-- time (unpack() of a long table overflows Lua's stack). Returns the replies' elements in order.
local function eachBucket(command, ids, values)
  local replies, args, key = {}, {}, nil
  local function send()
    if #args == 0 then return end
    local reply = redis.call(command, key, unpack(args))
    if type(reply) == 'table' then
      for _, value in ipairs(reply) do replies[#replies + 1] = value end
    end
    args = {}
  end
  for i, id in ipairs(ids) do
    local k = jobKey(id)
    if k ~= key or #args >= 1000 then
      send()
      key = k
    end
    args[#args + 1] = id
    if values then args[#args + 1] = values[i] end
  end
  send()
  return replies
end

-- The records of `ids` (false where a job is gone), with one HMGET per bucket.
local function readJobs(ids)
  local jobs = eachBucket('HMGET', ids)
  for i = 1, #ids do jobs[i] = jobs[i] and unpackJob(jobs[i]) end
  return jobs
end

-- Writes the records `jobs` of `ids`, with one HSET per bucket.
local function writeJobs(ids, jobs)
  local packed = {}
  for i = 1, #ids do packed[i] = packJob(jobs[i]) end
  eachBucket('HSET', ids, packed)
end

-- Deletes the records of `ids`, with one HDEL per bucket.
local function deleteJobs(ids) eachBucket('HDEL', ids) end

-- A new job's record: state, payload and the fields every job has; the caller adds the rest.
local function newJob(state, payload, maxAttempts, priority, now)
  return { state = state, payload = payload, attempt = 0, deliveries = 0, maxAttempts = maxAttempts,
    priority = priority, enqueuedAt = now }
end
