-- Each principal's access stamp, the fresh one (ARGV[1], kept ARGV[2] ms) set where there is none:
-- SET … NX GET on every key, as one command (a Cluster, whose keys sit in different slots, sends those one by one).
local out = {}
for i, key in ipairs(KEYS) do
  local stamp = redis.call('GET', key)
  if not stamp then
    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
    stamp = ARGV[1]
  end
  out[i] = stamp
end
return out
