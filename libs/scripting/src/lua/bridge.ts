import { LuaModule, LuaType } from './module';

interface Latin1View extends Buffer {
  latin1Slice(start: number, end: number): string;
  latin1Write(s: string, offset: number, length?: number): number;
}

/**
 * Moves byte strings between JS (latin1 strings, one char per byte, as libs/resp carries them)
 * and Lua. Reuses one scratch buffer in the wasm heap for pushes and one Buffer view of the heap
 * for reads; the view is rebuilt when the heap grows (growth replaces the ArrayBuffer).
 */
export class LuaBridge {
  readonly m: LuaModule;
  private scratch: number;
  private scratchSize = 4096;
  private readonly lenPtr: number;
  private view: Latin1View;
  private readonly cstrings = new Map<string, number>();

  constructor(m: LuaModule) {
    this.m = m;
    this.scratch = m._malloc(this.scratchSize);
    this.lenPtr = m._malloc(8);
    this.view = Buffer.from(m.HEAPU8.buffer) as Latin1View;
  }

  private heap(): Latin1View {
    const buf = this.m.HEAPU8.buffer;
    if (this.view.buffer !== buf) this.view = Buffer.from(buf) as Latin1View;
    return this.view;
  }

  /** Copies `s` (latin1) into the scratch buffer, growing it if needed; returns its address. */
  private stage(s: string): number {
    const n = s.length;
    if (n > this.scratchSize) {
      this.m._free(this.scratch);
      this.scratchSize = Math.max(n, this.scratchSize * 2);
      this.scratch = this.m._malloc(this.scratchSize);
    }
    const heap = this.heap();
    if (n < 16) {
      for (let i = 0; i < n; i++) heap[this.scratch + i] = s.charCodeAt(i);
    } else {
      heap.latin1Write(s, this.scratch, n);
    }
    return this.scratch;
  }

  pushString(L: number, s: string): void {
    this.m._lua_pushlstring(L, this.stage(s), s.length);
  }

  /** The string (or number, converted in place by Lua) at `idx`. */
  toString(L: number, idx: number): string {
    const p = this.m._lua_tolstring(L, idx, this.lenPtr);
    const heap = this.heap();
    const n = this.m.HEAPU32[this.lenPtr >> 2];
    return heap.latin1Slice(p, p + n);
  }

  /** A NUL-terminated constant string kept for the life of the module (field names, chunk names). */
  cstring(s: string): number {
    let p = this.cstrings.get(s);
    if (p === undefined) {
      p = this.m._malloc(s.length + 1);
      const heap = this.heap();
      heap.latin1Write(s, p);
      heap[p + s.length] = 0;
      this.cstrings.set(s, p);
    }
    return p;
  }

  /** Loads `code` as a chunk named `name` (text only: bytecode is refused); returns the status. */
  load(L: number, code: string, name: string): number {
    return this.m._luaL_loadbufferx(L, this.stage(code), code.length, this.cstring(name), this.cstring('t'));
  }

  pushInteger(L: number, n: number | bigint): void {
    this.m._lua_pushinteger(L, typeof n === 'bigint' ? n : BigInt(n));
  }

  /** t[key] (raw) pushed on the stack; returns its type. `t` must be an absolute index. */
  rawField(L: number, t: number, key: string): LuaType {
    this.pushString(L, key);
    return this.m._lua_rawget(L, t);
  }

  setField(L: number, t: number, key: string): void {
    // value on top; key goes under it
    this.pushString(L, key);
    this.m._lua_rotate(L, -2, 1);
    this.m._lua_rawset(L, t);
  }

  /** Pushes {err = msg} and raises it: never returns (Lua longjmps through a JS exception). */
  raiseTable(L: number, msg: string): never {
    this.m._lua_createtable(L, 0, 1);
    const t = this.m._lua_gettop(L);
    this.pushString(L, msg);
    this.setField(L, t, 'err');
    this.m._lua_error(L);
    throw new Error('unreachable: lua_error returned');
  }

  /** Raises a plain string error (no position added, like luaL_error without luaL_where). */
  raiseString(L: number, msg: string): never {
    this.pushString(L, msg);
    this.m._lua_error(L);
    throw new Error('unreachable: lua_error returned');
  }

  absIndex(L: number, idx: number): number {
    return idx > 0 ? idx : this.m._lua_gettop(L) + idx + 1;
  }
}
