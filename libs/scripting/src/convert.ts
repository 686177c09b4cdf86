import type { RespValue } from '@strata/resp';
import { LuaBridge } from './lua/bridge';
import { LuaType } from './lua/module';

export type RespVersion = 2 | 3;

const INT64_MIN = -9223372036854775808n;
const TWO_63 = 9223372036854775808;

/**
 * A command's reply as the script sees it (Redis 7.0 redisProtocolToLuaType): integer → number,
 * bulk → string, null → false (RESP2) or nil (RESP3), status → {ok=}, error → {err=},
 * array → table; with redis.setresp(3) also map → {map={k=v}}, set → {set={m=true}},
 * double → {double=n}, boolean, big number → {big_number=s}, verbatim → {verbatim_string=...}.
 */
export function pushReply(b: LuaBridge, L: number, v: RespValue, resp: RespVersion): void {
  const m = b.m;
  m._lua_checkstack(L, 6);
  switch (v.t) {
    case 'int': b.pushInteger(L, v.n); return;
    case 'bulk': b.pushString(L, v.s); return;
    case 'null':
      if (resp === 3) m._lua_pushnil(L);
      else m._lua_pushboolean(L, 0);
      return;
    case 'simple': pushWrapped(b, L, 'ok', v.s); return;
    case 'error': pushWrapped(b, L, 'err', v.s); return;
    case 'bool': m._lua_pushboolean(L, v.b ? 1 : 0); return;
    case 'double': {
      m._lua_createtable(L, 0, 1);
      const t = m._lua_gettop(L);
      m._lua_pushnumber(L, v.d);
      b.setField(L, t, 'double');
      return;
    }
    case 'bignum': pushWrapped(b, L, 'big_number', v.s); return;
    case 'verbatim': {
      m._lua_createtable(L, 0, 1);
      const t = m._lua_gettop(L);
      m._lua_createtable(L, 0, 2);
      const inner = m._lua_gettop(L);
      b.pushString(L, v.format);
      b.setField(L, inner, 'format');
      b.pushString(L, v.s);
      b.setField(L, inner, 'string');
      b.setField(L, t, 'verbatim_string');
      return;
    }
    case 'array':
    case 'push': {
      const items = v.items;
      m._lua_createtable(L, items.length, 0);
      const t = m._lua_gettop(L);
      for (let i = 0; i < items.length; i++) {
        pushReply(b, L, items[i], resp);
        m._lua_rawseti(L, t, BigInt(i + 1));
      }
      return;
    }
    case 'map':
    case 'set': {
      m._lua_createtable(L, 0, 1);
      const t = m._lua_gettop(L);
      const items = v.items;
      const isMap = v.t === 'map';
      m._lua_createtable(L, 0, isMap ? items.length / 2 : items.length);
      const inner = m._lua_gettop(L);
      for (let i = 0; i < items.length; i += isMap ? 2 : 1) {
        pushReply(b, L, items[i], resp);
        if (isMap) pushReply(b, L, items[i + 1], resp);
        else m._lua_pushboolean(L, 1);
        // a nil key (RESP3 null) cannot index a table; Redis would raise, we drop the pair
        if (m._lua_type(L, -2) === LuaType.Nil) m._lua_settop(L, -3);
        else m._lua_rawset(L, inner);
      }
      b.setField(L, t, isMap ? 'map' : 'set');
      return;
    }
  }
}

function pushWrapped(b: LuaBridge, L: number, field: string, s: string): void {
  b.m._lua_createtable(L, 0, 1);
  const t = b.m._lua_gettop(L);
  b.pushString(L, s);
  b.setField(L, t, field);
}

/** A Lua number as Redis replies it: (long long) of the double; NaN/inf/overflow give INT64_MIN. */
export function luaNumberToInt(b: LuaBridge, L: number, idx: number): number | bigint {
  const m = b.m;
  if (m._lua_isinteger(L, idx)) {
    const n = m._lua_tointegerx(L, idx, 0);
    return n >= -9007199254740991n && n <= 9007199254740991n ? Number(n) : n;
  }
  const d = m._lua_tonumberx(L, idx, 0);
  if (!(d >= -TWO_63 && d < TWO_63)) return INT64_MIN;
  const t = Math.trunc(d);
  return Number.isSafeInteger(t) ? t : BigInt(t);
}

const CRLF = /[\r\n]/g;

/**
 * The script's result as a reply (Redis 7.0 luaReplyToRedisReply). `resp` is the protocol the
 * script chose with redis.setresp: it decides booleans (RESP2: true → 1, false → null).
 * Values are RESP3-shaped; the connection's writer downgrades them for RESP2 clients.
 */
export function readReply(b: LuaBridge, L: number, idx: number, resp: RespVersion, depth = 0): RespValue {
  const m = b.m;
  const at = b.absIndex(L, idx);
  switch (m._lua_type(L, at)) {
    case LuaType.String: return { t: 'bulk', s: b.toString(L, at) };
    case LuaType.Number: return { t: 'int', n: luaNumberToInt(b, L, at) };
    case LuaType.Boolean: {
      const truth = m._lua_toboolean(L, at) !== 0;
      if (resp === 3) return { t: 'bool', b: truth };
      return truth ? { t: 'int', n: 1 } : { t: 'null' };
    }
    case LuaType.Table: return depth > 1000 ? { t: 'error', s: 'ERR reached lua stack limit' } : readTable(b, L, at, resp, depth);
    default: return { t: 'null' };
  }
}

function readTable(b: LuaBridge, L: number, t: number, resp: RespVersion, depth: number): RespValue {
  const m = b.m;
  m._lua_checkstack(L, 4);
  let type = b.rawField(L, t, 'err');
  if (type === LuaType.String) {
    const s = b.toString(L, -1);
    m._lua_settop(L, -2);
    return { t: 'error', s: s.replace(CRLF, ' ') };
  }
  m._lua_settop(L, -2);
  type = b.rawField(L, t, 'ok');
  if (type === LuaType.String) {
    const s = b.toString(L, -1);
    m._lua_settop(L, -2);
    return { t: 'simple', s: s.replace(CRLF, ' ') };
  }
  m._lua_settop(L, -2);
  type = b.rawField(L, t, 'double');
  if (type === LuaType.Number) {
    const d = m._lua_tonumberx(L, -1, 0);
    m._lua_settop(L, -2);
    return { t: 'double', d };
  }
  m._lua_settop(L, -2);
  type = b.rawField(L, t, 'big_number');
  if (type === LuaType.String) {
    const s = b.toString(L, -1);
    m._lua_settop(L, -2);
    return { t: 'bignum', s: s.replace(CRLF, ' ') };
  }
  m._lua_settop(L, -2);
  type = b.rawField(L, t, 'map');
  if (type === LuaType.Table) {
    const value = readPairs(b, L, b.absIndex(L, -1), resp, depth, true);
    m._lua_settop(L, -2);
    return value;
  }
  m._lua_settop(L, -2);
  type = b.rawField(L, t, 'set');
  if (type === LuaType.Table) {
    const value = readPairs(b, L, b.absIndex(L, -1), resp, depth, false);
    m._lua_settop(L, -2);
    return value;
  }
  m._lua_settop(L, -2);
  type = b.rawField(L, t, 'verbatim_string');
  if (type === LuaType.Table) {
    const inner = b.absIndex(L, -1);
    const ft = b.rawField(L, inner, 'format');
    const st = b.rawField(L, inner, 'string');
    if (ft === LuaType.String && st === LuaType.String) {
      const value: RespValue = { t: 'verbatim', format: b.toString(L, -2), s: b.toString(L, -1) };
      m._lua_settop(L, -4);
      return value;
    }
    m._lua_settop(L, -3);
  }
  m._lua_settop(L, -2);
  const items: RespValue[] = [];
  for (let i = 1; ; i++) {
    if (m._lua_rawgeti(L, t, BigInt(i)) === LuaType.Nil) {
      m._lua_settop(L, -2);
      break;
    }
    items.push(readReply(b, L, -1, resp, depth + 1));
    m._lua_settop(L, -2);
  }
  return { t: 'array', items };
}

function readPairs(b: LuaBridge, L: number, t: number, resp: RespVersion, depth: number, isMap: boolean): RespValue {
  const m = b.m;
  const items: RespValue[] = [];
  m._lua_pushnil(L);
  while (m._lua_next(L, t) !== 0) {
    // key at -2, value at -1; a copy of the key is read so lua_next keeps its own untouched
    m._lua_pushvalue(L, -2);
    items.push(readReply(b, L, -1, resp, depth + 1));
    m._lua_settop(L, -2);
    if (isMap) items.push(readReply(b, L, -1, resp, depth + 1));
    m._lua_settop(L, -2);
  }
  return isMap ? { t: 'map', items } : { t: 'set', items };
}
