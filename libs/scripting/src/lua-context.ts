import { createHash } from 'crypto';
import { formatDouble, type RespValue } from '@strata/resp';
import { LuaBridge } from './lua/bridge';
import { LuaModule, LuaType, LUA_MASKCOUNT, LUA_OK, LUA_YIELD, REGISTRY } from './lua/module';
import { pushReply, readReply, type RespVersion } from './convert';
import { PRELUDE_LUA } from './prelude-lua';
import { LIBS_LUA } from './libs-lua';

/** What a Lua state needs from the engine while a script runs. */
export interface ScriptHost {
  /** Runs one command for the running script (redis.call / redis.pcall). */
  command(argv: string[]): RespValue;
  /** The protocol chosen by redis.setresp for the running script. */
  resp: RespVersion;
  log(level: number, message: string): void;
  /** ACL verdict for redis.acl_check_cmd; undefined when the command does not exist. */
  aclCheck(argv: string[]): boolean | undefined;
  /** Called every `hookInstructions` VM instructions of the script's thread(s). */
  onHook(L: number, ar: number): void;
}

export type LuaMode = 'eval' | 'function';

/** How a run ended: a reply, or an error table's parts for the engine to word. */
export type RunOutcome =
  | { ok: true; value: RespValue }
  | { ok: false; err: string; source?: string; line?: string };

export interface FunctionInfo {
  name: string;
  flags: string[];
  description: string | null;
}

/**
 * One Lua state with the Redis sandbox: the eval state holds compiled EVAL scripts, the function
 * state holds FUNCTION libraries (separate, as in Redis). A script runs in a coroutine of the
 * state so that the count hook can yield it back to the event loop (see README: execution model).
 */
export class LuaContext {
  readonly L: number;
  private readonly m: LuaModule;
  private readonly b: LuaBridge;
  private readonly helpers: number;
  private readonly g0: number;
  private thread = 0;
  private threadRef = 0;
  private readonly natives: number[] = [];
  private readonly nresPtr: number;

  constructor(
    b: LuaBridge,
    private readonly host: ScriptHost,
    readonly mode: LuaMode,
    private readonly hookInstructions: number,
    private readonly hookPtr: number,
    version: string,
    versionNum: number,
  ) {
    this.b = b;
    const m = (this.m = b.m);
    this.nresPtr = m._malloc(4);
    const L = (this.L = m._luaL_newstate());
    m._luaL_openlibs(L);
    // prelude(natives, mode, libsChunk, version, versionNum) -> helpers
    if (b.load(L, PRELUDE_LUA, '=strata') !== LUA_OK) throw new Error(`prelude: ${b.toString(L, -1)}`);
    this.pushNatives(L);
    b.pushString(L, mode);
    if (b.load(L, LIBS_LUA, '=strata') !== LUA_OK) throw new Error(`libs: ${b.toString(L, -1)}`);
    b.pushString(L, version);
    b.pushInteger(L, versionNum);
    if (m._lua_pcallk(L, 5, 1, 0, 0, 0) !== LUA_OK) throw new Error(`prelude: ${b.toString(L, -1)}`);
    this.helpers = m._luaL_ref(L, REGISTRY);
    this.pushHelper('G0');
    this.g0 = m._luaL_ref(L, REGISTRY);
    this.newThread();
  }

  private pushNatives(L: number): void {
    const { m, b } = this;
    m._lua_createtable(L, 0, 8);
    const t = m._lua_gettop(L);
    const add = (name: string, fn: (L: number) => number): void => {
      const ptr = m.addFunction((state: number) => fn(state), 'ii');
      this.natives.push(ptr);
      m._lua_pushcclosure(L, ptr, 0);
      b.setField(L, t, name);
    };
    add('call', (s) => this.redisCall(s, true));
    add('pcall', (s) => this.redisCall(s, false));
    add('sha1hex', (s) => {
      b.pushString(s, createHash('sha1').update(Buffer.from(b.toString(s, 1), 'latin1')).digest('hex'));
      return 1;
    });
    add('log', (s) => {
      this.guard(s, () => this.host.log(Number(m._lua_tointegerx(s, 1, 0)), b.toString(s, 2)));
      return 0;
    });
    add('setresp', (s) => {
      this.host.resp = m._lua_tonumberx(s, 1, 0) === 3 ? 3 : 2;
      return 0;
    });
    add('acl_check_cmd', (s) => {
      const argv = this.readArgs(s);
      if (typeof argv === 'string') return b.raiseTable(s, argv);
      const verdict = this.guard(s, () => this.host.aclCheck(argv));
      if (verdict === undefined) return b.raiseTable(s, 'ERR Invalid command passed to redis.acl_check_cmd()');
      m._lua_pushboolean(s, verdict ? 1 : 0);
      return 1;
    });
    // wrap(f): a C closure calling f. Functions the sandbox implements in Lua are exposed through
    // it so that (1) `return f()` in a script keeps the script's frame (a tail call replaces a Lua
    // frame, not a C one) and (2) an error they raise without position gets the script's
    // "user_script:N: " prefix, as errors of Redis's C libraries do.
    const trampoline = m.addFunction((s: number) => {
      const n = m._lua_gettop(s);
      m._lua_pushvalue(s, REGISTRY - 1);
      m._lua_rotate(s, 1, 1);
      if (m._lua_pcallk(s, n, -1, 0, 0, 0) !== LUA_OK) {
        if (m._lua_type(s, -1) === LuaType.String) {
          m._luaL_where(s, 1);
          m._lua_rotate(s, -2, 1);
          m._lua_concat(s, 2);
        }
        m._lua_error(s);
      }
      return m._lua_gettop(s);
    }, 'ii');
    this.natives.push(trampoline);
    add('wrap', (s) => {
      m._lua_settop(s, 1);
      m._lua_pushcclosure(s, trampoline, 1);
      return 1;
    });
    // cjson.null: a userdata, which converts to a null reply like Redis's NULL lightuserdata
    m._lua_newuserdatauv(L, 0, 0);
    b.setField(L, t, 'null');
  }

  /** Runs host code inside a native; a JS exception becomes a Lua error instead of unwinding wasm. */
  private guard<T>(L: number, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      return this.b.raiseTable(L, `ERR ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** The arguments of redis.call as strings, or the error text when one is not a string/number. */
  private readArgs(L: number): string[] | string {
    const { m, b } = this;
    const n = m._lua_gettop(L);
    if (n === 0) return 'ERR Please specify at least one argument for this redis lib call';
    const argv = new Array<string>(n);
    for (let i = 1; i <= n; i++) {
      const type = m._lua_type(L, i);
      if (type === LuaType.String) argv[i - 1] = b.toString(L, i);
      else if (type === LuaType.Number) {
        // Redis formats numeric arguments itself (%.17g): Lua's own tostring loses precision
        argv[i - 1] = m._lua_isinteger(L, i) ? String(m._lua_tointegerx(L, i, 0)) : formatDouble(m._lua_tonumberx(L, i, 0));
      } else return 'ERR Lua redis lib command arguments must be strings or integers';
    }
    return argv;
  }

  private redisCall(L: number, raise: boolean): number {
    const { m, b } = this;
    const argv = this.readArgs(L);
    let reply: RespValue;
    if (typeof argv === 'string') reply = { t: 'error', s: argv };
    else {
      try {
        reply = this.host.command(argv);
      } catch (e) {
        reply = { t: 'error', s: `ERR ${e instanceof Error ? e.message : String(e)}` };
      }
    }
    m._lua_settop(L, 0);
    if (raise && reply.t === 'error') b.raiseTable(L, reply.s);
    pushReply(b, L, reply, this.host.resp);
    return 1;
  }

  private pushHelper(name: string): void {
    this.m._lua_rawgeti(this.L, REGISTRY, BigInt(this.helpers));
    this.b.rawField(this.L, this.m._lua_gettop(this.L), name);
    this.m._lua_rotate(this.L, -2, -1);
    this.m._lua_settop(this.L, -2);
  }

  private newThread(): void {
    const { m, L } = this;
    if (this.threadRef) m._luaL_unref(L, REGISTRY, this.threadRef);
    this.thread = m._lua_newthread(L);
    this.threadRef = m._luaL_ref(L, REGISTRY);
    m._lua_sethook(this.thread, this.hookPtr, LUA_MASKCOUNT, this.hookInstructions);
  }

  /** The thread scripts run in; the hook compares against it before yielding. */
  get scriptThread(): number {
    return this.thread;
  }

  /** Compiles `code`; returns a registry reference to the chunk, or the compiler's message. */
  compile(code: string, chunkName: string): number | string {
    const { m, b, L } = this;
    if (b.load(L, code, chunkName) !== LUA_OK) {
      const msg = b.toString(L, -1);
      m._lua_settop(L, -2);
      return msg;
    }
    return m._luaL_ref(L, REGISTRY);
  }

  release(ref: number): void {
    this.m._luaL_unref(this.L, REGISTRY, ref);
  }

  private pushStrings(L: number, items: string[]): void {
    const { m, b } = this;
    m._lua_createtable(L, items.length, 0);
    for (let i = 0; i < items.length; i++) {
      b.pushString(L, items[i]);
      m._lua_rawseti(L, -2, BigInt(i + 1));
    }
  }

  /** Prepares an EVAL script (by reference) on the script thread: KEYS and ARGV set, not started. */
  prepareEval(ref: number, keys: string[], args: string[]): void {
    const { m, b, L } = this;
    m._lua_rawgeti(L, REGISTRY, BigInt(this.g0));
    const g0 = m._lua_gettop(L);
    this.pushStrings(L, keys);
    b.setField(L, g0, 'KEYS');
    this.pushStrings(L, args);
    b.setField(L, g0, 'ARGV');
    m._lua_settop(L, -2);
    const co = this.thread;
    m._lua_settop(co, 0);
    this.pushHelperOn(co, 'run');
    m._lua_rawgeti(co, REGISTRY, BigInt(ref));
  }

  /** Prepares FCALL of a registered function on the script thread. */
  prepareFunction(name: string, keys: string[], args: string[]): void {
    const co = this.thread;
    this.m._lua_settop(co, 0);
    this.pushHelperOn(co, 'fcall');
    this.b.pushString(co, name);
    this.pushStrings(co, keys);
    this.pushStrings(co, args);
  }

  private pushHelperOn(co: number, name: string): void {
    const { m, b } = this;
    m._lua_rawgeti(co, REGISTRY, BigInt(this.helpers));
    b.rawField(co, m._lua_gettop(co), name);
    m._lua_rotate(co, -2, -1);
    m._lua_settop(co, -2);
  }

  /** Starts (nargs = arguments pushed by prepare*) or continues the script; the Lua status. */
  resume(start: boolean): number {
    const co = this.thread;
    const nargs = start ? this.m._lua_gettop(co) - 1 : 0;
    return this.m._lua_resume(co, this.L, nargs, this.nresPtr);
  }

  /** Reads the outcome after resume() returned anything but LUA_YIELD, and resets the thread. */
  outcome(status: number): RunOutcome {
    const { m, b } = this;
    const co = this.thread;
    let result: RunOutcome;
    if (status === LUA_OK) {
      // H.run / H.fcall return xpcall's results: true, value... or false, error table
      const ok = m._lua_toboolean(co, 1) !== 0;
      if (ok) {
        result = { ok: true, value: m._lua_gettop(co) >= 2 ? readReply(b, co, 2, this.host.resp) : { t: 'null' } };
      } else {
        result = this.readError(co, 2);
      }
      m._lua_settop(co, 0);
      m._lua_sethook(co, this.hookPtr, LUA_MASKCOUNT, this.hookInstructions);
    } else {
      // an error outside xpcall (out of memory, error in the handler): the thread is dead
      const msg = status === LUA_YIELD ? 'script yielded' : m._lua_type(co, -1) === LuaType.String ? b.toString(co, -1) : 'unknown error';
      result = { ok: false, err: `ERR ${msg}` };
      this.newThread();
    }
    return result;
  }

  private readError(L: number, idx: number): RunOutcome {
    const { m, b } = this;
    if (m._lua_type(L, idx) !== LuaType.Table) return { ok: false, err: 'ERR unknown error' };
    const t = b.absIndex(L, idx);
    const parts: (string | undefined)[] = [];
    for (const field of ['err', 'source', 'line']) {
      const type = b.rawField(L, t, field);
      parts.push(type === LuaType.String || type === LuaType.Number ? b.toString(L, -1) : undefined);
      m._lua_settop(L, -2);
    }
    return { ok: false, err: parts[0] ?? 'ERR unknown error', source: parts[1], line: parts[2] };
  }

  /**
   * Runs a library chunk in load mode (function state only). Returns the functions it
   * registered, or the error text. The functions stay staged until commitLibrary.
   */
  loadLibrary(ref: number): FunctionInfo[] | string {
    const { m, b, L } = this;
    this.pushHelper('load');
    m._lua_rawgeti(L, REGISTRY, BigInt(ref));
    if (m._lua_pcallk(L, 1, 2, 0, 0, 0) !== LUA_OK) {
      const msg = b.toString(L, -1);
      m._lua_settop(L, -2);
      return `ERR ${msg}`;
    }
    if (m._lua_toboolean(L, -2) === 0) {
      const msg = b.toString(L, -1);
      m._lua_settop(L, -3);
      return msg;
    }
    const list = readReply(b, L, -1, 2);
    m._lua_settop(L, -3);
    const infos: FunctionInfo[] = [];
    if (list.t === 'array') {
      for (const entry of list.items) {
        if (entry.t !== 'array') continue;
        const [name, flags, description] = entry.items;
        infos.push({
          name: name.t === 'bulk' ? name.s : '',
          flags: flags.t === 'array' ? flags.items.map((f) => (f.t === 'bulk' ? f.s : '')) : [],
          description: description?.t === 'bulk' ? description.s : null,
        });
      }
    }
    return infos;
  }

  /** Installs the staged functions, dropping `replaced` (the old library's functions) first. */
  commitLibrary(replaced: string[]): void {
    this.callHelper('commit', replaced);
  }

  removeFunctions(names: string[]): void {
    this.callHelper('remove', names);
  }

  flushFunctions(): void {
    this.callHelper('flush', []);
  }

  private callHelper(name: string, args: string[]): void {
    const { m, b, L } = this;
    this.pushHelper(name);
    for (const a of args) b.pushString(L, a);
    if (m._lua_pcallk(L, args.length, 0, 0, 0, 0) !== LUA_OK) {
      const msg = b.toString(L, -1);
      m._lua_settop(L, -2);
      throw new Error(`${name}: ${msg}`);
    }
  }

  close(): void {
    this.m._lua_close(this.L);
    for (const ptr of this.natives) this.m.removeFunction(ptr);
    this.m._free(this.nresPtr);
  }
}
