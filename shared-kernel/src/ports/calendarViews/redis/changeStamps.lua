-- The change stamp (applyChanges.lua) of each view whose :bk key is given, false where there is none.
-- KEYS: one :bk key per user (viewKeys.ts), all on one server (a standalone Redis; a Cluster reads them one by one).
local stamps = {}
for k = 1, #KEYS do stamps[k] = redis.call('HGET', KEYS[k], 'n') end
return stamps
