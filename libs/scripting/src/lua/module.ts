import { readFileSync } from 'fs';
import { Script, constants as vmConstants } from 'vm';
import type * as Wasmoon from 'wasmoon';

/**
 * The raw C API of wasmoon's Lua 5.4 build, called through the Emscripten module's exports
 * rather than wasmoon's Thread/Global wrappers: those convert strings as UTF-8 (Redis values are
 * bytes; we carry them as latin1 JS strings, one char per byte) and their async path is unsafe.
 * `lua_Integer` parameters and results are BigInt (the build uses WASM_BIGINT).
 * Pointers are numbers into the module's heap. A state is a pointer too.
 */
export interface LuaModule {
  HEAPU8: Uint8Array;
  HEAPU32: Uint32Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  addFunction(fn: (...args: number[]) => number | void, signature: string): number;
  removeFunction(ptr: number): void;

  _luaL_newstate(): number;
  _luaL_openlibs(L: number): void;
  _lua_close(L: number): void;
  _luaL_loadbufferx(L: number, buf: number, size: number, name: number, mode: number): number;
  _luaL_ref(L: number, t: number): number;
  _luaL_unref(L: number, t: number, ref: number): void;
  _lua_gettop(L: number): number;
  _lua_checkstack(L: number, n: number): number;
  _lua_settop(L: number, idx: number): void;
  _lua_rotate(L: number, idx: number, n: number): void;
  _lua_pushvalue(L: number, idx: number): void;
  _lua_type(L: number, idx: number): number;
  _lua_isinteger(L: number, idx: number): number;
  _lua_tonumberx(L: number, idx: number, isnum: number): number;
  _lua_tointegerx(L: number, idx: number, isnum: number): bigint;
  _lua_toboolean(L: number, idx: number): number;
  _lua_tolstring(L: number, idx: number, len: number): number;
  _lua_rawlen(L: number, idx: number): number;
  _lua_pushnil(L: number): void;
  _lua_pushnumber(L: number, n: number): void;
  _lua_pushinteger(L: number, n: bigint): void;
  _lua_pushlstring(L: number, s: number, len: number): number;
  _lua_pushboolean(L: number, b: number): void;
  _lua_pushcclosure(L: number, fn: number, n: number): void;
  _lua_createtable(L: number, narr: number, nrec: number): void;
  _lua_newuserdatauv(L: number, size: number, nuvalue: number): number;
  _lua_rawget(L: number, idx: number): number;
  _lua_rawgeti(L: number, idx: number, n: bigint): number;
  _lua_rawset(L: number, idx: number): void;
  _lua_rawseti(L: number, idx: number, n: bigint): void;
  _lua_next(L: number, idx: number): number;
  _lua_pcallk(L: number, nargs: number, nresults: number, msgh: number, ctx: number, k: number): number;
  _lua_error(L: number): number;
  _luaL_where(L: number, level: number): void;
  _lua_concat(L: number, n: number): void;
  _lua_newthread(L: number): number;
  _lua_resetthread(L: number): number;
  _lua_resume(L: number, from: number, narg: number, nres: number): number;
  _lua_yieldk(L: number, nresults: number, ctx: number, k: number): number;
  _lua_isyieldable(L: number): number;
  _lua_sethook(L: number, fn: number, mask: number, count: number): void;
  _lua_getinfo(L: number, what: number, ar: number): number;
  _lua_setupvalue(L: number, funcindex: number, n: number): number;
}

/** LUA_REGISTRYINDEX of Lua 5.4 with LUAI_MAXSTACK = 1000000. */
export const REGISTRY = -1001000;
export const LUA_OK = 0;
export const LUA_YIELD = 1;
export const LUA_MASKCOUNT = 8;

export const enum LuaType {
  None = -1,
  Nil = 0,
  Boolean = 1,
  LightUserdata = 2,
  Number = 3,
  String = 4,
  Table = 5,
  Function = 6,
  Userdata = 7,
  Thread = 8,
}

let loading: Promise<LuaModule> | undefined;

/**
 * wasmoon's Emscripten glue runs `await import('module')` when it starts. Under jest (whose vm
 * contexts have no dynamic-import hook) that throws, so the file is compiled here in the main
 * context with Node's default loader for import(); in a plain Node process this is equivalent
 * to require('wasmoon'). wasmoon must stay outside bundles: glue.wasm sits next to its index.js.
 */
function requireWasmoon(): typeof Wasmoon {
  const filename = require.resolve('wasmoon');
  const source = readFileSync(filename, 'utf8');
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new Script(wrapper, { filename, importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  const fn = script.runInThisContext() as (e: object, r: NodeRequire, m: { exports: object }, f: string, d: string) => void;
  const mod = { exports: {} };
  fn(mod.exports, require, mod, filename, filename.slice(0, filename.lastIndexOf('/')));
  return mod.exports as typeof Wasmoon;
}

/**
 * One WebAssembly instance per process: compiling it costs tens of milliseconds and each
 * instance reserves its own heap, while any number of Lua states live side by side in one heap.
 */
export function loadLuaModule(): Promise<LuaModule> {
  loading ??= new (requireWasmoon().LuaFactory)().getLuaModule().then((wasm) => wasm.module as unknown as LuaModule);
  return loading;
}
