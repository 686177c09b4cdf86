/**
 * Lua run once per state, with the full Lua 5.4 standard library still open. It builds the
 * sandbox that scripts see (Redis 7.0's globals, the 5.1 names scripts use, the redis table,
 * readonly tables) and returns helpers to the engine. Arguments: the natives table from JS, the
 * mode ('eval' or 'function'), the library loader (libs.lua.ts) and the version strings.
 * Chunk name "=strata": the error handler skips frames from here to find the script's line.
 */
export const PRELUDE_LUA = String.raw`
local N, mode, libsChunk, version, versionNum = ...
local type, tostring, tonumber, error, rawget, rawset, rawequal = type, tostring, tonumber, error, rawget, rawset, rawequal
local setmetatable, getmetatable, pairs, next, select, ipairs = setmetatable, getmetatable, pairs, next, select, ipairs
local rawpcall, xpcall, load, collectgarbage = pcall, xpcall, load, collectgarbage
local sformat, sgsub, ssub, sbyte, sfind = string.format, string.gsub, string.sub, string.byte, string.find
local mtype, mfloor = math.type, math.floor
local tunpack = table.unpack
local getinfo, getregistry = debug.getinfo, debug.getregistry
local PRELUDE = '=strata'

-- Lua 5.1 prints every number with %.14g: tostring(10/2) is "5", not 5.4's "5.0".
local function num51(n)
  if mtype(n) == 'integer' then return sformat('%d', n) end
  return sformat('%.14g', n)
end
debug.setmetatable(0, { __tostring = num51 })

-- 5.4 words runtime errors "attempt to call a nil value (global 'f')"; 5.1 said
-- "attempt to call global 'f' (a nil value)". Scripts and clients match on the latter.
local function msg51(s)
  return (sgsub(s, "attempt to (%a[%a ]-) an? (%a+) value %((%a+) '([^']*)'%)", "attempt to %1 %3 '%4' (a %2 value)"))
end

-- The message handler of every script run, as Redis's __redis__err__handler: the error becomes
-- {err=..., source=..., line=...}; position of the innermost script frame (not a C function
-- and not this prelude).
local function handler(err)
  local level = 2
  local info = getinfo(level, 'Sl')
  while info and (info.what == 'C' or info.source == PRELUDE) do
    level = level + 1
    info = getinfo(level, 'Sl')
  end
  if type(err) ~= 'table' then
    err = { err = 'ERR ' .. msg51(tostring(err)) }
  elseif type(rawget(err, 'err')) ~= 'string' then
    err = { err = 'ERR unknown error' }
  end
  if info then
    rawset(err, 'source', info.source)
    rawset(err, 'line', info.currentline)
  end
  return err
end

local readonly = setmetatable({}, { __mode = 'k' })
local function readonlyError() error('Attempt to modify a readonly table', 2) end
local function protect(t)
  local proxy = setmetatable({}, {
    __index = t,
    __newindex = readonlyError,
    __pairs = function() return next, t, nil end,
    __len = function() return #t end,
    __metatable = false,
  })
  readonly[proxy] = true
  return proxy
end
local function missingGlobal(_, name)
  error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
end

-- math.random as Redis 7.0: its own rand48 with the default start state, one sequence for the
-- life of the state (7.0 no longer reseeds per script: effects are what replicas receive).
local rx = 0x1234ABCD330E
local function srand48(seed) rx = ((seed & 0xffffffff) << 16) | 0x330E end
local function lrand48()
  rx = (rx * 0x5DEECE66D + 0xB) & 0xFFFFFFFFFFFF
  return rx >> 17
end
local function checkint(x, i, fname)
  local n = tonumber(x)
  if n == nil then
    error(sformat("bad argument #%d to '%s' (number expected, got %s)", i, fname, x == nil and 'no value' or type(x)), 0)
  end
  n = n >= 0 and mfloor(n) or -mfloor(-n)
  return n
end
local function random(...)
  local r = (lrand48() % 0x7fffffff) / 0x7fffffff
  local n = select('#', ...)
  if n == 0 then return r end
  if n == 1 then
    local u = checkint((...), 1, 'random')
    if u < 1 then error("bad argument #1 to 'random' (interval is empty)", 0) end
    return mfloor(r * u) + 1
  end
  if n == 2 then
    local l, u = ...
    l, u = checkint(l, 1, 'random'), checkint(u, 2, 'random')
    if l > u then error("bad argument #2 to 'random' (interval is empty)", 0) end
    return mfloor(r * (u - l + 1)) + l
  end
  error('wrong number of arguments', 0)
end

local wrap = N.wrap
local function wrapAll(t)
  for k, v in next, t do
    if type(v) == 'function' then t[k] = wrap(v) end
  end
  return t
end

local function copy(src, names)
  local t = {}
  for _, name in ipairs(names) do t[name] = src[name] end
  return t
end

local stringLib = copy(string, { 'byte', 'char', 'dump', 'find', 'format', 'gmatch', 'gsub', 'len', 'lower', 'match', 'rep', 'reverse', 'sub', 'upper' })
stringLib.gfind = string.gmatch

local tableLib = copy(table, { 'concat', 'insert', 'remove', 'sort' })
tableLib.getn = function(t) return #t end
tableLib.setn = function() error("'setn' is obsolete", 0) end
tableLib.maxn = function(t)
  local max = 0
  for k in next, t do
    if type(k) == 'number' and k > max then max = k end
  end
  return max
end
tableLib.foreach = function(t, f)
  for k, v in next, t do
    local r = f(k, v)
    if r ~= nil then return r end
  end
end
tableLib.foreachi = function(t, f)
  for i = 1, #t do
    local r = f(i, t[i])
    if r ~= nil then return r end
  end
end

local mathLib = copy(math, { 'abs', 'acos', 'asin', 'atan', 'ceil', 'cos', 'deg', 'exp', 'floor', 'fmod', 'huge', 'log', 'max', 'min', 'modf', 'pi', 'rad', 'sin', 'sqrt', 'tan' })
mathLib.mod = math.fmod
mathLib.pow = function(a, b) return a ^ b end
mathLib.atan2 = function(y, x) return math.atan(y, x) end
mathLib.log10 = function(x) return math.log(x, 10) end
mathLib.ldexp = function(m, e) return m * 2.0 ^ e end
mathLib.frexp = function(x)
  if x == 0 or x ~= x or x == math.huge or x == -math.huge then return x, 0 end
  local e = mfloor(math.log(math.abs(x), 2)) + 1
  local m = x / 2.0 ^ e
  if math.abs(m) >= 1 then m, e = m / 2, e + 1 elseif math.abs(m) < 0.5 then m, e = m * 2, e - 1 end
  return m, e
end
mathLib.cosh = function(x) return (math.exp(x) + math.exp(-x)) / 2 end
mathLib.sinh = function(x) return (math.exp(x) - math.exp(-x)) / 2 end
mathLib.tanh = function(x) local a, b = math.exp(x), math.exp(-x) return (a - b) / (a + b) end
mathLib.random = random
mathLib.randomseed = function(seed) srand48(checkint(seed, 1, 'randomseed')) end

local coroutineLib = copy(coroutine, { 'create', 'resume', 'running', 'status', 'wrap', 'yield' })

-- pcall as Redis 7.0's: an error table {err=...} reaches the caller as its message string.
local function pcallResult(ok, ...)
  if ok then return ok, ... end
  local e = ...
  if type(e) == 'table' then
    local m = rawget(e, 'err')
    if type(m) == 'string' then return false, m end
  elseif type(e) == 'string' then
    return false, msg51(e)
  end
  return false, e
end

local G0 = {}
local ENV = protect(G0)
for _, name in ipairs({ 'assert', 'collectgarbage', 'error', 'getmetatable', 'ipairs', 'next', 'pairs', 'rawequal', 'rawget', 'select', 'tonumber', 'tostring', 'type', 'xpcall' }) do
  G0[name] = _G[name]
end
G0._VERSION = 'Lua 5.1'
G0._G = ENV
G0.unpack = tunpack
G0.gcinfo = function() return mfloor(collectgarbage('count')) end
G0.pcall = function(f, ...) return pcallResult(rawpcall(f, ...)) end
G0.rawset = function(t, k, v)
  if readonly[t] then error('Attempt to modify a readonly table', 0) end
  return rawset(t, k, v)
end
G0.setmetatable = function(t, mt)
  if readonly[t] then error('Attempt to modify a readonly table', 0) end
  return setmetatable(t, mt)
end
G0.loadstring = function(s, chunkname)
  if type(s) == 'string' and sbyte(s, 1) == 27 then return nil, 'binary chunks are not allowed' end
  return load(s, chunkname, 't', ENV)
end
G0.load = function(f, chunkname)
  if type(f) ~= 'function' then
    error("bad argument #1 to 'load' (function expected, got " .. (f == nil and 'no value' or type(f)) .. ')', 0)
  end
  return load(f, chunkname, 't', ENV)
end
G0.__redis__err__handler = handler

-- Libraries scripts use. The string metatable's __index becomes the readonly view so that
-- ("x"):upper() still works and nobody can patch string methods through it.
local libs = libsChunk(N.null)
for _, name in ipairs({ 'gcinfo', 'rawset', 'setmetatable', 'loadstring', 'load' }) do G0[name] = wrap(G0[name]) end
wrapAll(tableLib)
mathLib.random = wrap(mathLib.random)
mathLib.randomseed = wrap(mathLib.randomseed)
for _, lib in next, libs do wrapAll(lib) end
G0.string = protect(stringLib)
getmetatable('').__index = G0.string
getmetatable('').__metatable = false
G0.table = protect(tableLib)
G0.math = protect(mathLib)
G0.coroutine = protect(coroutineLib)
G0.cjson = protect(libs.cjson)
G0.cmsgpack = protect(libs.cmsgpack)
G0.bit = protect(libs.bit)
G0.struct = protect(libs.struct)

-- The redis table.
local function errorTable(s)
  local code, msg
  if sbyte(s, 1) == 45 then
    local sp = sfind(s, ' ', 1, true)
    if sp then code, msg = ssub(s, 2, sp - 1), ssub(s, sp + 1) else code, msg = 'ERR', ssub(s, 2) end
  else
    code, msg = 'ERR', s
  end
  msg = sgsub(sgsub(msg, '^[\r\n]+', ''), '[\r\n]+$', '')
  return { err = code .. ' ' .. msg }
end
local function raise(msg) error({ err = msg }) end

local redis = {}
redis.call = N.call
redis.pcall = N.pcall
redis.acl_check_cmd = N.acl_check_cmd
redis.sha1hex = function(...)
  if select('#', ...) ~= 1 then raise('ERR wrong number of arguments') end
  local s = ...
  if type(s) == 'number' then s = num51(s) elseif type(s) ~= 'string' then s = '' end
  return N.sha1hex(s)
end
redis.error_reply = function(...)
  local s = ...
  if select('#', ...) ~= 1 or type(s) ~= 'string' then return { err = 'ERR wrong number or type of arguments' } end
  if sbyte(s, 1) ~= 45 then s = '-' .. s end
  return errorTable(s)
end
redis.status_reply = function(...)
  local s = ...
  if select('#', ...) ~= 1 or type(s) ~= 'string' then return { err = 'ERR wrong number or type of arguments' } end
  return { ok = s }
end
redis.log = function(...)
  local n = select('#', ...)
  if n < 2 then raise('ERR redis.log() requires two arguments or more.') end
  local level = ...
  if type(level) ~= 'number' then raise('ERR First argument must be a number') end
  if level < 0 or level > 3 then raise('ERR Invalid debug level.') end
  local parts = {}
  for i = 2, n do
    local v = select(i, ...)
    if type(v) == 'string' then parts[#parts + 1] = v
    elseif type(v) == 'number' then parts[#parts + 1] = num51(v) end
  end
  N.log(mfloor(level), table.concat(parts, ' '))
end
redis.setresp = function(...)
  if select('#', ...) ~= 1 then raise('ERR redis.setresp() requires one argument.') end
  local v = tonumber((...))
  if v ~= 2 and v ~= 3 then raise('ERR RESP version must be 2 or 3.') end
  N.setresp(v)
end
-- Redis 7.0 always replicates a script's effects: these keep their checks and do nothing.
redis.set_repl = function(...)
  if select('#', ...) ~= 1 then raise('ERR redis.set_repl() requires one argument.') end
  local f = tonumber((...))
  if f == nil or f < 0 or f > 3 then
    raise('ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.')
  end
end
redis.replicate_commands = function() return true end
redis.breakpoint = function() return false end
redis.debug = function() end
redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING = 0, 1, 2, 3
redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL = 0, 1, 2, 2, 3
redis.REDIS_VERSION, redis.REDIS_VERSION_NUM = version, versionNum
for _, name in ipairs({ 'sha1hex', 'error_reply', 'status_reply', 'log', 'setresp', 'set_repl', 'replicate_commands', 'breakpoint', 'debug' }) do
  redis[name] = wrap(redis[name])
end
G0.redis = protect(redis)

setmetatable(G0, { __index = missingGlobal, __metatable = false })

local H = { handler = handler, G0 = G0 }

-- Runs f(...) under the handler: (true, first result) or (false, error table).
H.run = function(f, ...)
  return xpcall(f, handler, ...)
end

if mode == 'eval' then
  getregistry()[2] = ENV
  H.setArgs = function(keys, argv)
    rawset(G0, 'KEYS', keys)
    rawset(G0, 'ARGV', argv)
  end
  return H
end

-- Function libraries. Each library's chunk gets LE as its environment: during FUNCTION LOAD it
-- sees only a reduced redis table (register_function, log, constants), later the full globals.
local LOADG = setmetatable({}, { __index = missingGlobal, __metatable = false })
local loadRedis = setmetatable({}, { __index = missingGlobal, __newindex = readonlyError, __metatable = false })
LOADG.redis = loadRedis
local LM = { __index = LOADG, __newindex = readonlyError, __metatable = false }
local LE = setmetatable({}, LM)
getregistry()[2] = LE

local FUNCS = {}
local pending, order
local validFlags = { ['no-writes'] = true, ['allow-oom'] = true, ['allow-stale'] = true, ['no-cluster'] = true, ['allow-cross-slot-keys'] = true }
local function regError(msg) raise('ERR ' .. msg) end
local function register(...)
  local n = select('#', ...)
  local name, callback, flags, description
  if n == 1 and type((...)) == 'table' then
    for k, v in next, (...) do
      if k == 'function_name' then
        if type(v) ~= 'string' then regError('function_name argument given to redis.register_function must be a string') end
        name = v
      elseif k == 'callback' then
        if type(v) ~= 'function' then regError('callback argument given to redis.register_function must be a function') end
        callback = v
      elseif k == 'description' then
        if type(v) ~= 'string' then regError('description argument given to redis.register_function must be a string') end
        description = v
      elseif k == 'flags' then
        if type(v) ~= 'table' then regError('flags argument to redis.register_function must be a table representing function flags') end
        flags = v
      else
        regError('unknown argument given to redis.register_function')
      end
    end
    if name == nil then regError('redis.register_function must get a function name argument') end
    if callback == nil then regError('redis.register_function must get a callback argument') end
  else
    if n ~= 2 then regError('wrong number of arguments to redis.register_function') end
    name, callback = ...
    if type(name) ~= 'string' then regError('first argument to redis.register_function must be a string') end
    if type(callback) ~= 'function' then regError('second argument to redis.register_function must be a function') end
  end
  local flagList = {}
  if flags then
    for _, f in ipairs(flags) do
      if type(f) ~= 'string' or not validFlags[f] then regError('unknown flag given') end
      flagList[#flagList + 1] = f
    end
  end
  if not sfind(name, '^[%w_]+$') then
    regError('Library names can only contain letters, numbers, or underscores(_) and must be at least one character long')
  end
  if pending[name] then regError('Function already exists in the library') end
  pending[name] = callback
  order[#order + 1] = { name, flagList, description or false }
end
rawset(loadRedis, 'register_function', wrap(register))
rawset(loadRedis, 'log', redis.log)
for _, k in ipairs({ 'LOG_DEBUG', 'LOG_VERBOSE', 'LOG_NOTICE', 'LOG_WARNING', 'REDIS_VERSION', 'REDIS_VERSION_NUM' }) do
  rawset(loadRedis, k, redis[k])
end

-- Runs a compiled library chunk; returns true and {{name, flags, description}...}, or false
-- and the error text. The functions wait in 'staged' until commit (FUNCTION LOAD may still
-- fail on a name clash with another library).
local staged
H.load = function(chunk)
  pending, order = {}, {}
  LM.__index = LOADG
  local ok, err = rawpcall(chunk)
  LM.__index = G0
  local p, o = pending, order
  pending, order = nil, nil
  if not ok then
    if type(err) == 'table' and type(rawget(err, 'err')) == 'string' then return false, err.err end
    return false, 'ERR ' .. msg51(tostring(err))
  end
  staged = p
  return true, o
end
H.commit = function(...)
  for i = 1, select('#', ...) do FUNCS[select(i, ...)] = nil end
  for name, f in next, staged do FUNCS[name] = f end
  staged = nil
end
H.remove = function(...)
  for i = 1, select('#', ...) do FUNCS[select(i, ...)] = nil end
end
H.flush = function() FUNCS = {} end
H.fcall = function(name, keys, args)
  return xpcall(FUNCS[name], handler, keys, args)
end
return H
`;
