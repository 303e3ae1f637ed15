-- Every row of one user's view and every version seen, read together so they agree.
-- KEYS: the user's view keys (viewKeys.ts): 1 :v, 2 :r, … 11 :bl. Answers {rows hash, versions hash}.
return { redis.call('HGETALL', KEYS[2]), redis.call('HGETALL', KEYS[1]) }
