-- Applies changes of rows, each unless its row already has that version or a newer one. One call
-- carries a batch of records, applied in order (Redis runs the whole call atomically).
-- Loaded and called by io.tidelog.sink.redis.VersionedWriteScript; its Javadoc explains the layout.
--
-- Per record i (KEYS in pairs, ARGV in groups):
-- KEYS[2i-1]  the row key
-- KEYS[2i]    the table's version hash: field = row key, value = 'major/minor' (unsigned decimals)
-- ARGV        'upsert' or 'delete';
--             the Redis type of a row: 'string' or 'hash';
--             the change's version 'major/minor', or '' to apply unconditionally;
--             expiry of the row key in milliseconds, '0' for none;
--             n, the count of values that follow: the row as JSON (string), or field, value, ... (hash)
--
-- Returns one reply per record, in order: 1 when applied, 0 when the stored version is equal or newer
-- (nothing written), or the text 'WRONGTYPE …' / 'BADVERSION …' for a record refused before anything
-- of it was written:
--   WRONGTYPE   a key holds another type than this script writes there (someone else's value)
--   BADVERSION  the stored version is not 'major/minor'

-- Unsigned decimals of up to 20 digits exceed a Lua number's 53-bit mantissa, so they are compared
-- as text: without leading zeros, the longer is larger; of equal length, the first differing digit decides.
local function compare(a, b)
  if #a ~= #b then
    return #a < #b and -1 or 1
  end
  for i = 1, #a do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then
      return x < y and -1 or 1
    end
  end
  return 0
end

local function parse(v)
  local major, minor = string.match(v, '^(%d+)/(%d+)$')
  if not major then
    return nil
  end
  return string.match(major, '^0*(%d-.)$'), string.match(minor, '^0*(%d-.)$')
end

local function apply(row, versions, op, kind, version, ttl, first, n)
  local expires = ttl ~= '0'

  local held = redis.call('TYPE', row).ok
  if held ~= 'none' and held ~= kind then
    return ('WRONGTYPE ' .. row .. ' holds a ' .. held .. ', not a ' .. kind .. ' row')
  end
  held = redis.call('TYPE', versions).ok
  if held ~= 'none' and held ~= 'hash' then
    return ('WRONGTYPE ' .. versions .. ' holds a ' .. held .. ', not a hash of row versions')
  end

  if version ~= '' then
    local stored = redis.call('HGET', versions, row)
    if stored then
      local storedMajor, storedMinor = parse(stored)
      if not storedMajor then
        return ('BADVERSION ' .. versions .. ' field ' .. row .. ' holds "' .. stored
            .. '", not major/minor')
      end
      local major, minor = parse(version)
      local c = compare(major, storedMajor)
      if c == 0 then
        c = compare(minor, storedMinor)
      end
      if c <= 0 then
        return 0
      end
    end
  end

  if op == 'delete' then
    redis.call('DEL', row)
  elseif kind == 'string' then
    if expires then
      redis.call('SET', row, ARGV[first], 'PX', ttl)
    else
      redis.call('SET', row, ARGV[first])
    end
  else
    -- Replace, not merge: a column that became null must lose its field. A row without any
    -- non-null column leaves no key (Redis has no empty hash).
    redis.call('DEL', row)
    if n >= 2 then
      redis.call('HSET', row, unpack(ARGV, first, first + n - 1))
      if expires then
        redis.call('PEXPIRE', row, ttl)
      end
    end
  end
  if version ~= '' then
    redis.call('HSET', versions, row, version)
  end
  return 1
end

local replies = {}
local a = 1
for i = 1, #KEYS, 2 do
  local n = tonumber(ARGV[a + 4])
  replies[#replies + 1] = apply(KEYS[i], KEYS[i + 1], ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], a + 5, n)
  a = a + 5 + n
end
return replies
