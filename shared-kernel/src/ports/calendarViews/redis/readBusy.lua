-- Busy time of one or more users over a window.
-- KEYS: per user :bk, :bh, :bl (busyKeysOf in viewKeys.ts). ARGV: from, to, 'list' or 'any', the number
-- of days D, then the D UTC day numbers the window touches, each prefixed '=' when the day lies wholly
-- inside the window, then per user the change stamp of the answer the caller keeps for this window
-- ('' when none). Per user {0} when the view cannot answer the window (busy time incomplete, or a
-- series' kept occurrences stop inside it); {2} when the view's change stamp (:bk n, moved by every
-- write) still reads as the caller's: its kept answer holds; else ('any') {1, 0 or 1, stamp}: whether
-- any interval overlaps it; else ('list') {1, {day text or nil…}, {long interval…}, stamp}: the day texts
-- as stored and the long intervals starting up to the longest one before the window's end, for the
-- caller to pick what overlaps the window. The stamp is '' for a view written before stamps existed.
-- Two to four calls per user and no string work in 'list': Redis pays per call and per value.
-- Reads do not extend the views' idle time: the calendar reads and writes do that.
local from, to = tonumber(ARGV[1]), tonumber(ARGV[2])
local before = '(' .. ARGV[2]
local any = ARGV[3] == 'any'
local dayCount = tonumber(ARGV[4])
local days, whole = {}, {}
for a = 5, 4 + dayCount do
  local field = ARGV[a]
  if string.sub(field, 1, 1) == '=' then field = string.sub(field, 2); whole[#days + 1] = true end
  days[#days + 1] = field
end
local function long(key, longest)
  if not longest then return {} end
  return redis.call('ZRANGE', key, '(' .. string.format('%.0f', from - tonumber(longest)), before, 'BYSCORE')
end
local function overlaps(text)
  for s, e in string.gmatch(text, '(%-?%d+)|(%-?%d+)|') do
    if tonumber(s) < to and tonumber(e) > from then return true end
  end
  return false
end
local out = {}
for k = 0, #KEYS - 1, 3 do
  local meta = redis.call('HMGET', KEYS[k + 1], 'c', 'u', 'f', 'l', 'n')
  local stamp = meta[5] or ''
  local keptStamp = ARGV[5 + dayCount + k / 3] or ''
  if not meta[1] or from < tonumber(meta[1]) or (meta[2] and tonumber(meta[2]) < to) or (meta[3] and tonumber(meta[3]) > from) then
    out[#out + 1] = {0}
  elseif stamp ~= '' and stamp == keptStamp then
    out[#out + 1] = {2}
  elseif any then
    local texts = redis.call('HMGET', KEYS[k + 2], unpack(days))
    local busy = 0
    for d = 1, #days do
      -- A day wholly inside the window: anything filed there overlaps it.
      if texts[d] and (whole[d] or overlaps(texts[d])) then busy = 1 break end
    end
    if busy == 0 then
      for _, m in ipairs(long(KEYS[k + 3], meta[4])) do
        if overlaps(m) then busy = 1 break end
      end
    end
    out[#out + 1] = {1, busy, stamp}
  else
    out[#out + 1] = {1, redis.call('HMGET', KEYS[k + 2], unpack(days)), long(KEYS[k + 3], meta[4]), stamp}
  end
end
return out
