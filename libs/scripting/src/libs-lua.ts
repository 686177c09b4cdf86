/**
 * cjson, cmsgpack, bit and struct written in Lua 5.4 with the behaviour of the C libraries
 * Redis 7.0 links (lua-cjson 2.1 with %.14g numbers, lua-cmsgpack 0.4, LuaBitOp 1.0, struct 0.2
 * on x86-64). Errors are raised at level 0 inside and re-raised by `api` at the caller's line.
 * Argument: the cjson.null sentinel (a userdata made by the engine).
 */
export const LIBS_LUA = String.raw`
local null = ...
local type, tostring, tonumber, error, next, select, pcall = type, tostring, tonumber, error, next, select, pcall
local sformat, sgsub, ssub, sbyte, schar, sfind, srep = string.format, string.gsub, string.sub, string.byte, string.char, string.find, string.rep
local spack, sunpack = string.pack, string.unpack
local mtype, mfloor, mhuge, mtointeger = math.type, math.floor, math.huge, math.tointeger
local tconcat, tpack, tunpack = table.concat, table.pack, table.unpack

-- Every function here is exposed through the engine's C trampoline (see lua-context.ts), which
-- gives position-less errors the caller's "user_script:N: " prefix: raise at level 0.
local function api(fn) return fn end
local function typename(v)
  if v == nil then return 'no value' end
  return type(v)
end

---------------------------------------------------------------- cjson
local cjson = { null = null, _NAME = 'cjson', _VERSION = '2.1.0' }
local fmt14 = function(n) return sformat('%.14g', n) end
local escapes = {}
for i = 0, 31 do escapes[schar(i)] = sformat('\\u%04x', i) end
escapes['"'], escapes['\\'], escapes['/'] = '\\"', '\\\\', '\\/'
escapes['\b'], escapes['\f'], escapes['\n'], escapes['\r'], escapes['\t'] = '\\b', '\\f', '\\n', '\\r', '\\t'
escapes['\127'] = '\\u007f'
local function encodeString(s) return '"' .. sgsub(s, '[%c"\\/]', escapes) .. '"' end
local function encodeNumber(n)
  if n ~= n or n == mhuge or n == -mhuge then error('Cannot serialise number: must not be NaN or Inf', 0) end
  return fmt14(n)
end
local encodeValue
local function arrayLength(t)
  local max, items = 0, 0
  for k in next, t do
    if type(k) == 'number' and k >= 1 and mfloor(k) == k then
      if k > max then max = k end
      items = items + 1
    else
      return -1
    end
  end
  if max > items * 2 and max > 10 then error('Cannot serialise table: excessively sparse array', 0) end
  return max
end
encodeValue = function(v, depth, out)
  local t = type(v)
  if t == 'string' then out[#out + 1] = encodeString(v)
  elseif t == 'number' then out[#out + 1] = encodeNumber(v)
  elseif t == 'boolean' then out[#out + 1] = v and 'true' or 'false'
  elseif t == 'nil' or v == null then out[#out + 1] = 'null'
  elseif t == 'table' then
    depth = depth + 1
    if depth > 1000 then error(sformat('Cannot serialise, excessive nesting (%d)', depth), 0) end
    local len = arrayLength(v)
    if len > 0 then
      out[#out + 1] = '['
      for i = 1, len do
        if i > 1 then out[#out + 1] = ',' end
        encodeValue(v[i], depth, out)
      end
      out[#out + 1] = ']'
    else
      out[#out + 1] = '{'
      local first = true
      for k, val in next, v do
        if not first then out[#out + 1] = ',' end
        first = false
        local kt = type(k)
        if kt == 'string' then out[#out + 1] = encodeString(k)
        elseif kt == 'number' then out[#out + 1] = '"' .. encodeNumber(k) .. '"'
        else error('Cannot serialise ' .. kt .. ': table key must be a number or string', 0) end
        out[#out + 1] = ':'
        encodeValue(val, depth, out)
      end
      out[#out + 1] = '}'
    end
  else
    error('Cannot serialise ' .. t .. ': type not supported', 0)
  end
end
cjson.encode = api(function(...)
  if select('#', ...) ~= 1 then error("bad argument #1 to 'encode' (expected 1 argument)", 0) end
  local out = {}
  encodeValue((...), 0, out)
  return tconcat(out)
end)

-- decode: a tokenizer with lua-cjson's token names, so errors read the same.
local function utf8char(cp)
  if cp < 0x80 then return schar(cp) end
  if cp < 0x800 then return schar(0xC0 | (cp >> 6), 0x80 | (cp & 0x3F)) end
  if cp < 0x10000 then return schar(0xE0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3F), 0x80 | (cp & 0x3F)) end
  return schar(0xF0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3F), 0x80 | ((cp >> 6) & 0x3F), 0x80 | (cp & 0x3F))
end
local simpleEscapes = { ['"'] = '"', ['\\'] = '\\', ['/'] = '/', b = '\b', f = '\f', n = '\n', r = '\r', t = '\t' }
local punct = { ['{'] = 'T_OBJ_BEGIN', ['}'] = 'T_OBJ_END', ['['] = 'T_ARR_BEGIN', [']'] = 'T_ARR_END', [':'] = 'T_COLON', [','] = 'T_COMMA' }
-- Returns token type, value, start position, next position.
local function token(s, pos)
  pos = sfind(s, '[^ \t\n\r]', pos) or #s + 1
  local c = ssub(s, pos, pos)
  if c == '' then return 'T_END', nil, pos, pos end
  local p = punct[c]
  if p then return p, nil, pos, pos + 1 end
  if c == '"' then
    local parts, i = {}, pos + 1
    while true do
      local j = sfind(s, '["\\]', i)
      if not j then return 'invalid token', nil, pos, #s + 1 end
      parts[#parts + 1] = ssub(s, i, j - 1)
      if ssub(s, j, j) == '"' then return 'T_STRING', tconcat(parts), pos, j + 1 end
      local e = ssub(s, j + 1, j + 1)
      if e == 'u' then
        local hex = ssub(s, j + 2, j + 5)
        if not sfind(hex, '^%x%x%x%x$') then return 'invalid unicode escape code', nil, pos, j end
        local cp, nextPos = tonumber(hex, 16), j + 6
        if cp >= 0xD800 and cp <= 0xDBFF then
          local low = sfind(s, '^\\u[dD][c-fC-F]%x%x', nextPos) and tonumber(ssub(s, nextPos + 2, nextPos + 5), 16)
          if not low then return 'invalid unicode escape code', nil, pos, j end
          cp, nextPos = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00), nextPos + 6
        end
        parts[#parts + 1] = utf8char(cp)
        i = nextPos
      elseif simpleEscapes[e] then
        parts[#parts + 1] = simpleEscapes[e]
        i = j + 2
      else
        return 'invalid escape code', nil, pos, j
      end
    end
  end
  local num = s:match('^-?%d+%.?%d*[eE]?[-+]?%d*', pos) or s:match('^-?%.%d+[eE]?[-+]?%d*', pos)
  if num and #num > 0 then
    local n = tonumber(num)
    if n then
      if mtype(n) == 'integer' and not sfind(num, '[.eE]') then return 'T_NUMBER', n, pos, pos + #num end
      return 'T_NUMBER', n + 0.0, pos, pos + #num
    end
  end
  for word, value in next, { ['true'] = true, ['false'] = false, ['null'] = null } do
    if ssub(s, pos, pos + #word - 1) == word then return 'T_VALUE', value, pos, pos + #word end
  end
  return 'invalid token', nil, pos, pos + 1
end
local function decodeError(what, tok, at)
  error(sformat('Expected %s but found %s at character %d', what, tok, at), 0)
end
local parseValue
local function parseFrom(s, tok, value, at, nextPos, depth)
  if tok == 'T_STRING' or tok == 'T_NUMBER' or tok == 'T_VALUE' then return value, nextPos end
  if tok == 'T_OBJ_BEGIN' or tok == 'T_ARR_BEGIN' then
    depth = depth + 1
    if depth > 1000 then error(sformat('Found too many nested data structures (%d) at character %d', depth, at), 0) end
  end
  if tok == 'T_OBJ_BEGIN' then
    local obj = {}
    local t, v, a, n = token(s, nextPos)
    if t == 'T_OBJ_END' then return obj, n end
    while true do
      if t ~= 'T_STRING' then decodeError('object key string', t, a) end
      local key = v
      t, v, a, n = token(s, n)
      if t ~= 'T_COLON' then decodeError('colon', t, a) end
      obj[key], n = parseValue(s, n, depth)
      t, v, a, n = token(s, n)
      if t == 'T_OBJ_END' then return obj, n end
      if t ~= 'T_COMMA' then decodeError('comma or object end', t, a) end
      t, v, a, n = token(s, n)
    end
  end
  if tok == 'T_ARR_BEGIN' then
    local arr, i = {}, 1
    local t, v, a, n = token(s, nextPos)
    if t == 'T_ARR_END' then return arr, n end
    while true do
      arr[i], n = parseFrom(s, t, v, a, n, depth)
      i = i + 1
      t, v, a, n = token(s, n)
      if t == 'T_ARR_END' then return arr, n end
      if t ~= 'T_COMMA' then decodeError('comma or array end', t, a) end
      t, v, a, n = token(s, n)
    end
  end
  decodeError('value', tok, at)
end
parseValue = function(s, pos, depth)
  local t, v, a, n = token(s, pos)
  return parseFrom(s, t, v, a, n, depth)
end
cjson.decode = api(function(s)
  if type(s) ~= 'string' then error("bad argument #1 to 'decode' (string expected, got " .. typename(s) .. ')', 0) end
  local value, n = parseValue(s, 1, 0)
  local t, _, a = token(s, n)
  if t ~= 'T_END' then decodeError('the end', t, a) end
  return value
end)
for _, name in ipairs({ 'encode_sparse_array', 'encode_max_depth', 'decode_max_depth', 'encode_number_precision', 'encode_keep_buffer', 'encode_invalid_numbers', 'decode_invalid_numbers' }) do
  cjson[name] = function(...) return ... end
end

---------------------------------------------------------------- cmsgpack
local cmsgpack = { _NAME = 'cmsgpack', _VERSION = 'lua-cmsgpack 0.4.0' }
local function packInteger(n)
  if n >= 0 then
    if n <= 127 then return schar(n) end
    if n <= 0xff then return '\204' .. schar(n) end
    if n <= 0xffff then return spack('>BI2', 0xcd, n) end
    if n <= 0xffffffff then return spack('>BI4', 0xce, n) end
    return spack('>Bi8', 0xcf, n)
  end
  if n >= -32 then return schar(n & 0xff) end
  if n >= -128 then return spack('>Bi1', 0xd0, n) end
  if n >= -32768 then return spack('>Bi2', 0xd1, n) end
  if n >= -2147483648 then return spack('>Bi4', 0xd2, n) end
  return spack('>Bi8', 0xd3, n)
end
local function packNumber(n)
  if mtype(n) == 'integer' then return packInteger(n) end
  local i = mtointeger(n)
  if i and n >= -2^63 and n < 2^63 then return packInteger(i) end
  if n ~= n or sunpack('f', spack('f', n)) == n then return spack('>Bf', 0xca, n) end
  return spack('>Bd', 0xcb, n)
end
local packValue
local function isArray(t)
  local max, count = 0, 0
  for k in next, t do
    if type(k) ~= 'number' or k <= 0 or mfloor(k) ~= k then return false end
    if k > max then max = k end
    count = count + 1
  end
  return max == count
end
packValue = function(v, level, out)
  local t = type(v)
  if t == 'table' and level == 16 then t = 'nil' end
  if t == 'string' then
    local n = #v
    if n < 32 then out[#out + 1] = schar(0xa0 | n)
    elseif n <= 0xff then out[#out + 1] = spack('>BI1', 0xd9, n)
    elseif n <= 0xffff then out[#out + 1] = spack('>BI2', 0xda, n)
    else out[#out + 1] = spack('>BI4', 0xdb, n) end
    out[#out + 1] = v
  elseif t == 'number' then out[#out + 1] = packNumber(v)
  elseif t == 'boolean' then out[#out + 1] = v and '\195' or '\194'
  elseif t == 'table' then
    if isArray(v) then
      local n = #v
      if n < 16 then out[#out + 1] = schar(0x90 | n)
      elseif n <= 0xffff then out[#out + 1] = spack('>BI2', 0xdc, n)
      else out[#out + 1] = spack('>BI4', 0xdd, n) end
      for i = 1, n do packValue(v[i], level + 1, out) end
    else
      local n = 0
      for _ in next, v do n = n + 1 end
      if n < 16 then out[#out + 1] = schar(0x80 | n)
      elseif n <= 0xffff then out[#out + 1] = spack('>BI2', 0xde, n)
      else out[#out + 1] = spack('>BI4', 0xdf, n) end
      for k, val in next, v do
        packValue(k, level + 1, out)
        packValue(val, level + 1, out)
      end
    end
  else
    out[#out + 1] = '\192'
  end
end
cmsgpack.pack = api(function(...)
  local n = select('#', ...)
  if n == 0 then error("bad argument #0 to 'pack' (MessagePack pack needs input.)", 0) end
  local out = {}
  for i = 1, n do packValue((select(i, ...)), 0, out) end
  return tconcat(out)
end)

local EOF, BAD = {}, {}
local function need(s, pos, n) if pos + n - 1 > #s then error(EOF, 0) end end
local decodeValue
local function decodeN(s, pos, n, fmt)
  need(s, pos, n)
  return sunpack(fmt, s, pos)
end
local function decodeStr(s, pos, n)
  need(s, pos, n)
  return ssub(s, pos, pos + n - 1), pos + n
end
local function decodeArray(s, pos, n)
  local t = {}
  for i = 1, n do t[i], pos = decodeValue(s, pos) end
  return t, pos
end
local function decodeMap(s, pos, n)
  local t = {}
  for _ = 1, n do
    local k, v
    k, pos = decodeValue(s, pos)
    v, pos = decodeValue(s, pos)
    if k ~= nil then t[k] = v end
  end
  return t, pos
end
decodeValue = function(s, pos)
  need(s, pos, 1)
  local c = sbyte(s, pos)
  pos = pos + 1
  if c <= 0x7f then return c, pos end
  if c >= 0xe0 then return c - 256, pos end
  if c >= 0xa0 and c <= 0xbf then return decodeStr(s, pos, c & 0x1f) end
  if c >= 0x90 and c <= 0x9f then return decodeArray(s, pos, c & 0x0f) end
  if c >= 0x80 and c <= 0x8f then return decodeMap(s, pos, c & 0x0f) end
  if c == 0xc0 then return nil, pos end
  if c == 0xc2 then return false, pos end
  if c == 0xc3 then return true, pos end
  if c == 0xcc then return decodeN(s, pos, 1, '>I1') end
  if c == 0xcd then return decodeN(s, pos, 2, '>I2') end
  if c == 0xce then return decodeN(s, pos, 4, '>I4') end
  if c == 0xcf then
    local v, p = decodeN(s, pos, 8, '>i8')
    if v < 0 then v = v + 18446744073709551616.0 end
    return v, p
  end
  if c == 0xd0 then return decodeN(s, pos, 1, '>i1') end
  if c == 0xd1 then return decodeN(s, pos, 2, '>i2') end
  if c == 0xd2 then return decodeN(s, pos, 4, '>i4') end
  if c == 0xd3 then return decodeN(s, pos, 8, '>i8') end
  if c == 0xca then return decodeN(s, pos, 4, '>f') end
  if c == 0xcb then return decodeN(s, pos, 8, '>d') end
  if c == 0xd9 or c == 0xc4 then local n, p = decodeN(s, pos, 1, '>I1') return decodeStr(s, p, n) end
  if c == 0xda or c == 0xc5 then local n, p = decodeN(s, pos, 2, '>I2') return decodeStr(s, p, n) end
  if c == 0xdb or c == 0xc6 then local n, p = decodeN(s, pos, 4, '>I4') return decodeStr(s, p, n) end
  if c == 0xdc then local n, p = decodeN(s, pos, 2, '>I2') return decodeArray(s, p, n) end
  if c == 0xdd then local n, p = decodeN(s, pos, 4, '>I4') return decodeArray(s, p, n) end
  if c == 0xde then local n, p = decodeN(s, pos, 2, '>I2') return decodeMap(s, p, n) end
  if c == 0xdf then local n, p = decodeN(s, pos, 4, '>I4') return decodeMap(s, p, n) end
  error(BAD, 0)
end
local function unpackFull(s, limit, offset, all)
  if type(s) ~= 'string' then error("bad argument #1 to 'unpack' (string expected, got " .. typename(s) .. ')', 0) end
  if offset < 0 or limit < 0 then
    error(sformat('Invalid request to unpack with offset of %d and limit of %d.', offset, limit), 0)
  end
  if offset > #s then error(sformat('Start offset %d greater than input length %d.', offset, #s), 0) end
  local out, n, pos = {}, 0, offset + 1
  local ok, err = pcall(function()
    while pos <= #s and (all or n < limit) do
      n = n + 1
      out[n], pos = decodeValue(s, pos)
    end
  end)
  if not ok then
    if err == EOF then error('Missing bytes in input.', 0) end
    if err == BAD then error('Bad data format in input.', 0) end
    error(err, 0)
  end
  if all then return tunpack(out, 1, n) end
  return (pos > #s) and -1 or (pos - 1), tunpack(out, 1, n)
end
cmsgpack.unpack = api(function(s) return unpackFull(s, 0, 0, true) end)
cmsgpack.unpack_one = api(function(s, offset) return unpackFull(s, 1, offset or 0, false) end)
cmsgpack.unpack_limit = api(function(s, limit, offset) return unpackFull(s, limit or 0, offset or 0, false) end)

---------------------------------------------------------------- bit (LuaBitOp: 32-bit signed results)
local function bitArg(x, i, fname)
  local n = tonumber(x)
  if n == nil then error(sformat("bad argument #%d to '%s' (number expected, got %s)", i, fname, typename(x)), 0) end
  if mtype(n) == 'float' then
    -- LuaBitOp adds 2^52+2^51 to a double: round half to even, then keep the low 32 bits.
    local f = mfloor(n)
    local frac = n - f
    if frac > 0.5 or (frac == 0.5 and f % 2 == 1) then f = f + 1 end
    n = mtointeger(f % 4294967296.0) or 0
  end
  return n & 0xffffffff
end
local function signed(n)
  n = n & 0xffffffff
  if n >= 0x80000000 then return n - 0x100000000 end
  return n
end
local bit = { _NAME = 'bit', _VERSION = '1.0.4' }
bit.tobit = api(function(x) return signed(bitArg(x, 1, 'tobit')) end)
bit.bnot = api(function(x) return signed(~bitArg(x, 1, 'bnot')) end)
local function fold(fname, op)
  return api(function(...)
    local r = bitArg((...), 1, fname)
    for i = 2, select('#', ...) do r = op(r, bitArg((select(i, ...)), i, fname)) end
    return signed(r)
  end)
end
bit.band = fold('band', function(a, b) return a & b end)
bit.bor = fold('bor', function(a, b) return a | b end)
bit.bxor = fold('bxor', function(a, b) return a ~ b end)
bit.lshift = api(function(x, n) return signed(bitArg(x, 1, 'lshift') << (bitArg(n, 2, 'lshift') & 31)) end)
bit.rshift = api(function(x, n) return signed(bitArg(x, 1, 'rshift') >> (bitArg(n, 2, 'rshift') & 31)) end)
bit.arshift = api(function(x, n) return signed(signed(bitArg(x, 1, 'arshift')) // (1 << (bitArg(n, 2, 'arshift') & 31))) end)
bit.rol = api(function(x, n)
  local v, s = bitArg(x, 1, 'rol'), bitArg(n, 2, 'rol') & 31
  return signed((v << s) | (v >> (32 - s)))
end)
bit.ror = api(function(x, n)
  local v, s = bitArg(x, 1, 'ror'), bitArg(n, 2, 'ror') & 31
  return signed((v >> s) | (v << (32 - s)))
end)
bit.bswap = api(function(x)
  local v = bitArg(x, 1, 'bswap')
  return signed(((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >> 8) & 0xff00) | (v >> 24))
end)
bit.tohex = api(function(x, n)
  local v = bitArg(x, 1, 'tohex')
  n = n == nil and 8 or signed(bitArg(n, 2, 'tohex'))
  local digits = '0123456789abcdef'
  if n < 0 then n, digits = -n, '0123456789ABCDEF' end
  if n > 8 then n = 8 end
  local out = {}
  for i = n, 1, -1 do
    local d = v & 15
    out[i] = ssub(digits, d + 1, d + 1)
    v = v >> 4
  end
  return tconcat(out)
end)

---------------------------------------------------------------- struct
local struct = { _NAME = 'struct', _VERSION = '0.2' }
local sizes = { b = 1, B = 1, h = 2, H = 2, l = 8, L = 8, T = 8, f = 4, d = 8, x = 1 }
-- Walks a format; calls item(opt, size, endian, align) per item and returns nothing.
local function walk(fmt, item)
  local i, endian, maxAlign = 1, '<', 1
  while i <= #fmt do
    local opt = ssub(fmt, i, i)
    i = i + 1
    local digits = fmt:match('^%d+', i)
    if digits then i = i + #digits end
    local size
    if opt == ' ' then
    elseif opt == '>' or opt == '<' then endian = opt
    elseif opt == '=' then endian = '<'
    elseif opt == '!' then maxAlign = digits and tonumber(digits) or 8
    elseif opt == 'i' or opt == 'I' then
      size = digits and tonumber(digits) or 4
      if size > 8 or size < 1 then error(sformat('integral size %d is larger than limit of 8', size), 0) end
    elseif opt == 'c' then size = digits and tonumber(digits) or 1
    elseif opt == 's' then size = 0
    elseif sizes[opt] then size = sizes[opt]
    else error(sformat("invalid format option '%s'", opt), 0) end
    if size then item(opt, size, endian, maxAlign) end
  end
end
local function padding(len, size, maxAlign, opt)
  if size == 0 or opt == 'c' or opt == 's' then return 0 end
  if size > maxAlign then size = maxAlign end
  return (size - (len & (size - 1))) & (size - 1)
end
local function truncate(n)
  if n >= 0 then return mfloor(n) end
  return -mfloor(-n)
end
struct.pack = api(function(fmt, ...)
  local args, argi, out, len = tpack(...), 0, {}, 0
  local function nextArg() argi = argi + 1 return args[argi], argi + 1 end
  walk(fmt, function(opt, size, endian, maxAlign)
    local pad = padding(len, size, maxAlign, opt)
    if pad > 0 then out[#out + 1] = srep('\0', pad) len = len + pad end
    if opt == 'x' then out[#out + 1] = '\0' len = len + 1 return end
    local v, argn = nextArg()
    if opt == 'c' or opt == 's' then
      if type(v) ~= 'string' and type(v) ~= 'number' then
        error(sformat("bad argument #%d to 'pack' (string expected, got %s)", argn, typename(v)), 0)
      end
      v = tostring(v)
      if opt == 's' then out[#out + 1] = v .. '\0' len = len + #v + 1 return end
      if size == 0 then size = #v end
      if #v < size then error(sformat("bad argument #%d to 'pack' (string too short)", argn), 0) end
      out[#out + 1] = ssub(v, 1, size)
      len = len + size
      return
    end
    local n = tonumber(v)
    if n == nil then error(sformat("bad argument #%d to 'pack' (number expected, got %s)", argn, typename(v)), 0) end
    if opt == 'f' or opt == 'd' then
      out[#out + 1] = spack(endian .. opt, n)
    else
      local i = mtointeger(truncate(n)) or 0
      if size < 8 then i = i & ((1 << (size * 8)) - 1) end
      out[#out + 1] = spack(endian .. 'I' .. size, i)
    end
    len = len + size
  end)
  return tconcat(out)
end)
struct.unpack = api(function(fmt, data, init)
  if type(data) ~= 'string' then error("bad argument #2 to 'unpack' (string expected, got " .. typename(data) .. ')', 0) end
  local pos = (init and truncate(tonumber(init)) or 1) - 1
  if pos > #data or pos < 0 then error("bad argument #3 to 'unpack' (offset must be 1 <= i <= #data)", 0) end
  local out = {}
  walk(fmt, function(opt, size, endian, maxAlign)
    pos = pos + padding(pos, size, maxAlign, opt)
    if opt == 's' then
      local e = sfind(data, '\0', pos + 1, true)
      if not e then error('unfinished string in data', 0) end
      out[#out + 1] = ssub(data, pos + 1, e - 1)
      pos = e
      return
    end
    if opt == 'c' and size == 0 then
      local n = out[#out]
      if #out == 0 or type(n) ~= 'number' then error("format 'c0' needs a previous size", 0) end
      out[#out] = nil
      size = n
    end
    if pos + size > #data then error("bad argument #2 to 'unpack' (data string too short)", 0) end
    if opt == 'c' then out[#out + 1] = ssub(data, pos + 1, pos + size)
    elseif opt == 'f' or opt == 'd' then out[#out + 1] = sunpack(endian .. opt, data, pos + 1)
    elseif opt ~= 'x' then
      local signedOpt = opt == 'b' or opt == 'h' or opt == 'l' or opt == 'i'
      out[#out + 1] = sunpack(endian .. (signedOpt and 'i' or 'I') .. size, data, pos + 1)
    end
    pos = pos + size
  end)
  out[#out + 1] = pos + 1
  return tunpack(out)
end)
struct.size = api(function(fmt)
  local len = 0
  walk(fmt, function(opt, size, _, maxAlign)
    if opt == 's' or (opt == 'c' and size == 0) then error("options 'c0' - 's' have undefined sizes", 0) end
    len = len + padding(len, size, maxAlign, opt) + size
  end)
  return len
end)

return { cjson = cjson, cmsgpack = cmsgpack, bit = bit, struct = struct }
`;
