-- The rows of one user's view whose span may overlap a window; nil when the view is not complete for it.
-- KEYS: the user's view keys (viewKeys.ts): 1 :v, 2 :r, 3 :s, 4 :l, 5 :c, … 11 :bl.
-- ARGV: ttl, from, short lower bound, to bound.
local since = redis.call('GET', KEYS[5])
if not since or tonumber(ARGV[2]) < tonumber(since) then return false end
-- Read views stay as long as they are used: every key expires at the same instant (idleTtlMs).
local ttl = tonumber(ARGV[1])
if ttl > 0 then for k = 1, #KEYS do redis.call('PEXPIRE', KEYS[k], ttl) end end
local ids = redis.call('ZRANGE', KEYS[3], ARGV[3], ARGV[4], 'BYSCORE')
for _, id in ipairs(redis.call('ZRANGE', KEYS[4], '-inf', ARGV[4], 'BYSCORE')) do ids[#ids + 1] = id end
local rows = {}
for i = 1, #ids, 1000 do
  local got = redis.call('HMGET', KEYS[2], unpack(ids, i, math.min(i + 999, #ids)))
  for j = 1, #got do rows[#rows + 1] = got[j] end
end
return rows
