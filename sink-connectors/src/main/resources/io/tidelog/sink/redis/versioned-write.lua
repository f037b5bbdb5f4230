-- Applies one change of one row unless the row already has this version or a newer one.
-- Loaded and called by io.tidelog.sink.redis.VersionedWriteScript; its Javadoc explains the layout.
--
-- KEYS[1]  the row key
-- KEYS[2]  the table's version hash: field = row key, value = 'major/minor' (unsigned decimals)
-- ARGV[1]  'upsert' or 'delete'
-- ARGV[2]  the Redis type of a row: 'string' (ARGV[5] = the row as JSON) or 'hash' (ARGV[5..] = field, value, ...)
-- ARGV[3]  the change's version 'major/minor', or '' to apply unconditionally
-- ARGV[4]  expiry of the row key in milliseconds, '0' for none
--
-- Returns 1 when applied, 0 when the stored version is equal or newer (nothing written).
-- Fails before writing anything, so a failed call leaves both keys as they were:
--   WRONGTYPE   a key holds another type than this script writes there (someone else's value)
--   BADVERSION  the stored version is not 'major/minor'

local row, versions = KEYS[1], KEYS[2]
local op, kind, version, expires = ARGV[1], ARGV[2], ARGV[3], ARGV[4] ~= '0'

local held = redis.call('TYPE', row).ok
if held ~= 'none' and held ~= kind then
  return redis.error_reply('WRONGTYPE ' .. row .. ' holds a ' .. held .. ', not a ' .. kind .. ' row')
end
held = redis.call('TYPE', versions).ok
if held ~= 'none' and held ~= 'hash' then
  return redis.error_reply('WRONGTYPE ' .. versions .. ' holds a ' .. held .. ', not a hash of row versions')
end

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

if version ~= '' then
  local stored = redis.call('HGET', versions, row)
  if stored then
    local storedMajor, storedMinor = parse(stored)
    if not storedMajor then
      return redis.error_reply('BADVERSION ' .. versions .. ' field ' .. row .. ' holds "' .. stored
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
    redis.call('SET', row, ARGV[5], 'PX', ARGV[4])
  else
    redis.call('SET', row, ARGV[5])
  end
else
  -- Replace, not merge: a column that became null must lose its field. A row without any
  -- non-null column leaves no key (Redis has no empty hash).
  redis.call('DEL', row)
  if #ARGV >= 6 then
    redis.call('HSET', row, unpack(ARGV, 5))
    if expires then
      redis.call('PEXPIRE', row, ARGV[4])
    end
  end
end
if version ~= '' then
  redis.call('HSET', versions, row, version)
end
return 1
