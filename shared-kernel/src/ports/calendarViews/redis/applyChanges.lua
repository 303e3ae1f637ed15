-- Applies rows to one user's view under the version guard, and files their busy time.
-- KEYS: the user's view keys (viewKeys.ts): 1 :v, 2 :r, 3 :s, 4 :l, 5 :c, 6 :bh, 7 :bm, 8 :bk, 9 :bu, 10 :bf, 11 :bl.
-- ARGV: ttl, completeFrom ('' for none), rekeep ('1': rows already at their version get their busy
-- time kept anew), then per row: event id, version, index ('s', 'l', or '' to remove), score, JSON,
-- busy intervals ('<start>|<end>|<b|t>' space-separated, 'L'-prefixed when longer than a day),
-- covered from, covered until ('' = unbounded), longest long interval.
-- Day texts are read once and written once per script, however many intervals a row files there.

-- The day :bh files an interval under is floor(instant / DAY_MS): DAY_MS in busyTimeEncoding.ts.
local DAY_MS = 86400000

local days = {}
local function dayText(day)
  local text = days[day]
  if text == nil then
    text = redis.call('HGET', KEYS[6], day) or ''
    days[day] = text
  end
  return text
end
-- Each interval of a kept list: its long mark ('L' or ''), its text without the mark, and its start and end
-- instants, which the days it is filed under follow from.
local INTERVAL = '(L?)((%-?%d+)|(%-?%d+)|%a)'
local function firstDay(s) return math.floor(tonumber(s) / DAY_MS) end
local function lastDay(e) return math.floor((tonumber(e) - 1) / DAY_MS) end
-- `entry` out of a day's text, when there (entries are ' <interval>|<event id>', each followed by ' ' or the end).
local function unfile(day, entry)
  local text = dayText(day)
  local from = 1
  while true do
    local i, j = string.find(text, entry, from, true)
    if not i then return end
    local after = string.sub(text, j + 1, j + 1)
    if after == '' or after == ' ' then
      days[day] = string.sub(text, 1, i - 1) .. string.sub(text, j + 1)
      return
    end
    from = j + 1
  end
end
-- Set once :bu or :bf may have changed: only then are their mirrors in :bk looked at again.
local busyMoved = false
-- `old`: the event's intervals in :bm when already read (false: none).
local function clearBusy(id, old)
  busyMoved = true
  if old == nil then old = redis.call('HGET', KEYS[7], id) end
  if old then
    for long, interval, s, e in string.gmatch(old, INTERVAL) do
      if long == 'L' then redis.call('ZREM', KEYS[11], interval .. '|' .. id)
      else
        local entry = ' ' .. interval .. '|' .. id
        for d = firstDay(s), lastDay(e) do unfile(string.format('%d', d), entry) end
      end
    end
    redis.call('HDEL', KEYS[7], id)
  end
  redis.call('ZREM', KEYS[9], id)
  redis.call('ZREM', KEYS[10], id)
end
-- Whether a sorted set scores `id` as `bound` says ('' = not in it).
local function scored(set, id, bound)
  local score = redis.call('ZSCORE', set, id)
  if bound == '' then return not score end
  return score ~= false and tonumber(score) == tonumber(bound)
end
local function keepBusy(id, intervals, coveredFrom, coveredUntil, longestLong)
  -- The same busy time as kept already (most rewrites: an answer, a title, another's invitation) is left
  -- filed as it is rather than unfiled and filed again; the longest long interval came with it.
  local old = redis.call('HGET', KEYS[7], id)
  if (old or '') == intervals and scored(KEYS[9], id, coveredUntil) and scored(KEYS[10], id, coveredFrom) then return end
  clearBusy(id, old)
  if intervals ~= '' then
    redis.call('HSET', KEYS[7], id, intervals)
    for long, interval, s, e in string.gmatch(intervals, INTERVAL) do
      if long == 'L' then redis.call('ZADD', KEYS[11], s, interval .. '|' .. id)
      else
        local entry = ' ' .. interval .. '|' .. id
        for d = firstDay(s), lastDay(e) do
          local day = string.format('%d', d)
          days[day] = dayText(day) .. entry
        end
      end
    end
  end
  if coveredUntil ~= '' then redis.call('ZADD', KEYS[9], coveredUntil, id) end
  if coveredFrom ~= '' then redis.call('ZADD', KEYS[10], coveredFrom, id) end
  if tonumber(longestLong) > tonumber(redis.call('HGET', KEYS[8], 'l') or '0') then redis.call('HSET', KEYS[8], 'l', longestLong) end
end
-- The lowest / highest score of a sorted set, mirrored into a field of :bk (none when it is empty).
local function mirror(set, at, field)
  local got = redis.call('ZRANGE', set, at, at, 'WITHSCORES')
  if got[2] then redis.call('HSET', KEYS[8], field, got[2]) else redis.call('HDEL', KEYS[8], field) end
end
local function writeDays()
  local set, gone = {}, {}
  for day, text in pairs(days) do
    if text == '' then gone[#gone + 1] = day else set[#set + 1] = day; set[#set + 1] = text end
    if #set >= 1000 then redis.call('HSET', KEYS[6], unpack(set)); set = {} end
    if #gone >= 1000 then redis.call('HDEL', KEYS[6], unpack(gone)); gone = {} end
  end
  if #set > 0 then redis.call('HSET', KEYS[6], unpack(set)) end
  if #gone > 0 then redis.call('HDEL', KEYS[6], unpack(gone)) end
end
for i = 4, #ARGV, 9 do
  local id = ARGV[i]
  local version = tonumber(ARGV[i + 1])
  local index = ARGV[i + 2]
  local seen = tonumber(redis.call('HGET', KEYS[1], id) or '-1')
  if version > seen then
    redis.call('HSET', KEYS[1], id, ARGV[i + 1])
    redis.call('ZREM', KEYS[3], id)
    redis.call('ZREM', KEYS[4], id)
    if index == '' then
      redis.call('HDEL', KEYS[2], id)
      clearBusy(id)
    else
      redis.call('HSET', KEYS[2], id, ARGV[i + 4])
      redis.call('ZADD', index == 'l' and KEYS[4] or KEYS[3], ARGV[i + 3], id)
      keepBusy(id, ARGV[i + 5], ARGV[i + 6], ARGV[i + 7], ARGV[i + 8])
    end
  elseif version == seen and ARGV[3] == '1' and index ~= '' and redis.call('HEXISTS', KEYS[2], id) == 1 then
    keepBusy(id, ARGV[i + 5], ARGV[i + 6], ARGV[i + 7], ARGV[i + 8])
  end
end
writeDays()
if busyMoved then
  mirror(KEYS[9], 0, 'u')
  mirror(KEYS[10], -1, 'f')
end
if ARGV[2] ~= '' then
  local since = redis.call('GET', KEYS[5])
  if not since or tonumber(ARGV[2]) < tonumber(since) then redis.call('SET', KEYS[5], ARGV[2]) end
  since = redis.call('HGET', KEYS[8], 'c')
  if not since or tonumber(ARGV[2]) < tonumber(since) then redis.call('HSET', KEYS[8], 'c', ARGV[2]) end
end
-- Every write moves the view's change stamp (:bk n), which a reader keeps beside an answer built from
-- the view: to the server's clock in microseconds, or one past the stamp when that is later. So it never
-- repeats a stamp a reader may still hold: not for a view seen for the first time (new, or expired and
-- back), nor after a failover or restore brought back an older stamp (counting on from it would hand out
-- the same numbers again, for other contents).
local t = redis.call('TIME')
local now = t[1] .. string.format('%06d', tonumber(t[2]))
local stamp = redis.call('HGET', KEYS[8], 'n')
if stamp and (#stamp > #now or (#stamp == #now and stamp >= now)) then redis.call('HINCRBY', KEYS[8], 'n', 1)
else redis.call('HSET', KEYS[8], 'n', now) end
-- Written views stay as long as they are used: every key expires at the same instant (idleTtlMs).
local ttl = tonumber(ARGV[1])
if ttl > 0 then for k = 1, #KEYS do redis.call('PEXPIRE', KEYS[k], ttl) end end
return 1
