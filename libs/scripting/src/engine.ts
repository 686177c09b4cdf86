import { createHash } from 'crypto';
import type { RespValue } from '@strata/resp';
import { LuaBridge } from './lua/bridge';
import { loadLuaModule, LuaModule, LUA_YIELD } from './lua/module';
import { LuaContext, type RunOutcome, type ScriptHost } from './lua-context';
import type { RespVersion } from './convert';
import { ScriptErr } from './errors';
import { parseEvalShebang, type ScriptFlag } from './shebang';
import { FunctionLibraries } from './functions';

export type LogLevel = 0 | 1 | 2 | 3;

/** What the server learns about the running script with each command it runs for it. */
export interface ScriptCallContext {
  /** The protocol the script chose (redis.setresp): reply shapes for RESP3 when 3. */
  readonly resp: RespVersion;
  /** EVAL_RO/FCALL_RO or a no-writes script: write commands must be refused (ScriptErr.writeInReadOnly). */
  readonly readOnly: boolean;
  /** The script's flags; null for an EVAL script without shebang (Redis's compat mode). */
  readonly flags: readonly ScriptFlag[] | null;
  /** The server calls this before running a write command: the script becomes UNKILLABLE. */
  markWrite(): void;
}

/**
 * Runs one command as the script's client and returns its reply as a value. Errors are
 * {t:'error'} values, for unknown commands and arity too (see ScriptErr for the texts).
 */
export type ScriptCall = (argv: string[], ctx: ScriptCallContext) => RespValue;

export interface ScriptEngineOptions {
  call: ScriptCall;
  log?: (level: LogLevel, message: string) => void;
  /** redis.acl_check_cmd: may the script's user run argv? undefined for an unknown command. */
  aclCheck?: (argv: string[]) => boolean | undefined;
  /** busy-reply-threshold (Redis's lua-time-limit), ms: from then on the script yields. */
  busyThresholdMs?: number;
  /** Once busy, how long the script runs between two yields to the event loop, ms. */
  sliceMs?: number;
  /** VM instructions between two checks of the clock. */
  hookInstructions?: number;
  version?: string;
  versionNum?: number;
}

export interface RunOptions {
  readOnly?: boolean;
}

export type ScriptKind = 'eval' | 'function';

interface CompiledScript {
  ref: number;
  flags: ScriptFlag[] | null;
}

/** The script being run; exists from start to reply, across yields. */
interface Run {
  kind: ScriptKind;
  name: string;
  command: string[];
  started: number;
  yieldAt: number;
  busy: boolean;
  killed: boolean;
  wrote: boolean;
  ctx: ScriptCallContext;
  lua: LuaContext;
}

/**
 * EVAL scripts and FUNCTION libraries on wasmoon's Lua 5.4, with Redis 7.0's sandbox and
 * conversions. One script runs at a time. A script returns its reply synchronously unless it
 * runs past busyThresholdMs: then it yields to the event loop every sliceMs (a Promise is
 * returned) so that the server can answer other clients with busyError() and accept kill().
 * While `running` is set the server must not run other clients' commands (atomicity).
 */
export class ScriptEngine implements ScriptHost {
  resp: RespVersion = 2;
  private readonly m: LuaModule;
  private readonly b: LuaBridge;
  private readonly opts: Required<Omit<ScriptEngineOptions, 'aclCheck' | 'log'>> & Pick<ScriptEngineOptions, 'aclCheck' | 'log'>;
  private readonly hookPtr: number;
  private evalLua: LuaContext;
  private readonly functionLua: LuaContext;
  private readonly scripts = new Map<string, CompiledScript>();
  readonly functions: FunctionLibraries;
  private run: Run | null = null;

  static async create(opts: ScriptEngineOptions): Promise<ScriptEngine> {
    return new ScriptEngine(await loadLuaModule(), opts);
  }

  private constructor(m: LuaModule, opts: ScriptEngineOptions) {
    this.m = m;
    this.b = new LuaBridge(m);
    this.opts = {
      busyThresholdMs: 5000,
      sliceMs: 20,
      hookInstructions: 20000,
      version: '7.0.15',
      versionNum: 0x07000f,
      ...opts,
    };
    this.hookPtr = m.addFunction((L: number, ar: number) => this.onHook(L, ar), 'vii');
    this.evalLua = this.newContext('eval');
    this.functionLua = this.newContext('function');
    this.functions = new FunctionLibraries(this.functionLua, (name, keys, args, ro) => this.fcallRun(name, keys, args, ro));
  }

  private newContext(mode: 'eval' | 'function'): LuaContext {
    const o = this.opts;
    return new LuaContext(this.b, this, mode, o.hookInstructions, this.hookPtr, o.version, o.versionNum);
  }

  // ---- ScriptHost (called from Lua natives)

  command(argv: string[]): RespValue {
    const run = this.run;
    if (run === null) return { t: 'error', s: 'ERR redis.call outside of a script' };
    return this.opts.call(argv, run.ctx);
  }

  log(level: number, message: string): void {
    this.opts.log?.(level as LogLevel, message);
  }

  aclCheck(argv: string[]): boolean | undefined {
    return this.opts.aclCheck ? this.opts.aclCheck(argv) : true;
  }

  onHook(L: number, ar = 0): void {
    const run = this.run;
    if (run === null) return;
    if (run.killed && !(ar !== 0 && this.inPrelude(L, ar))) {
      // Fire on every instruction from now on, so a pcall in the script cannot swallow the kill.
      this.m._lua_sethook(L, this.hookPtr, 8, 1);
      this.b.raiseTable(L, ScriptErr.killed);
    }
    const now = performance.now();
    if (now - run.started < this.opts.busyThresholdMs) return;
    run.busy = true;
    if (now >= run.yieldAt && L === run.lua.scriptThread && this.m._lua_isyieldable(L)) {
      run.yieldAt = now + this.opts.sliceMs;
      this.m._lua_yieldk(L, 0, 0, 0);
    }
  }

  /**
   * The hook fires in the prelude's own Lua too (the message handler, the pcall wrapper). The
   * kill error is not raised there: an error inside the message handler would end the script
   * with "error in error handling" instead of the kill message.
   */
  private inPrelude(L: number, ar: number): boolean {
    const m = this.m;
    m._lua_getinfo(L, this.b.cstring('S'), ar);
    // lua_Debug on wasm32: event, name, namewhat, what, source (pointer at byte 16)
    const source = m.HEAPU32[(ar + 16) >> 2];
    const heap = m.HEAPU8;
    return heap[source] === 61 && heap[source + 1] === 115 && heap[source + 2] === 116 && heap[source + 3] === 114; // "=str"
  }

  // ---- state the server asks about

  /** A script is running (possibly yielded): other clients must wait or get busyError(). */
  /** CONFIG SET busy-reply-threshold. */
  setBusyThreshold(ms: number): void {
    this.opts.busyThresholdMs = ms;
  }

  get running(): boolean {
    return this.run !== null;
  }

  /** The running script is past busy-reply-threshold: others get busyError(). */
  get busy(): boolean {
    return this.run?.busy ?? false;
  }

  /** The BUSY reply for other clients, which depends on the kind of script running. */
  busyError(): RespValue {
    return { t: 'error', s: this.run?.kind === 'function' ? ScriptErr.busyFunction : ScriptErr.busyEval };
  }

  /** FUNCTION STATS' running_script. */
  runningScript(): { name: string; command: string[]; durationMs: number } | null {
    const run = this.run;
    if (run === null) return null;
    return { name: run.name, command: run.command, durationMs: Math.floor(performance.now() - run.started) };
  }

  /** SCRIPT KILL (kind 'eval') or FUNCTION KILL (kind 'function'). */
  kill(kind: ScriptKind): RespValue {
    const run = this.run;
    if (run === null) return { t: 'error', s: ScriptErr.notBusy };
    if (run.wrote) return { t: 'error', s: ScriptErr.unkillable };
    if (run.kind !== kind) return { t: 'error', s: kind === 'eval' ? ScriptErr.busyFunction : ScriptErr.busyEval };
    run.killed = true;
    return { t: 'simple', s: 'OK' };
  }

  // ---- EVAL family

  static sha1(body: string): string {
    return createHash('sha1').update(Buffer.from(body, 'latin1')).digest('hex');
  }

  /** SCRIPT LOAD: the sha, or the compile error. */
  load(body: string): RespValue {
    const compiled = this.compile(body);
    return typeof compiled === 'string' ? { t: 'error', s: compiled } : { t: 'bulk', s: compiled.sha };
  }

  exists(shas: string[]): boolean[] {
    return shas.map((sha) => this.scripts.has(sha.toLowerCase()));
  }

  /** SCRIPT FLUSH: forgets every script and starts a fresh Lua state for EVAL. */
  flush(): void {
    if (this.run?.kind === 'eval') throw new Error('SCRIPT FLUSH while a script runs');
    this.scripts.clear();
    this.evalLua.close();
    this.evalLua = this.newContext('eval');
  }

  private compile(body: string): (CompiledScript & { sha: string }) | string {
    const sha = ScriptEngine.sha1(body);
    const cached = this.scripts.get(sha);
    if (cached) return { ...cached, sha };
    const shebang = parseEvalShebang(body);
    if (typeof shebang === 'string') return shebang;
    const ref = this.evalLua.compile(shebang.code, '@user_script');
    if (typeof ref === 'string') return `ERR Error compiling script (new function): ${ref.replace(' near <eof>', " near '<eof>'")}`;
    const script = { ref, flags: shebang.flags };
    this.scripts.set(sha, script);
    return { ...script, sha };
  }

  /** EVAL / EVAL_RO (readOnly). */
  eval(body: string, keys: string[], args: string[], opts: RunOptions = {}): RespValue | Promise<RespValue> {
    const compiled = this.compile(body);
    if (typeof compiled === 'string') return { t: 'error', s: compiled };
    return this.evalCompiled(compiled.sha, compiled, keys, args, opts);
  }

  /** EVALSHA / EVALSHA_RO (readOnly). */
  evalsha(sha: string, keys: string[], args: string[], opts: RunOptions = {}): RespValue | Promise<RespValue> {
    const lower = sha.toLowerCase();
    const compiled = this.scripts.get(lower);
    if (compiled === undefined) return { t: 'error', s: ScriptErr.noScript };
    return this.evalCompiled(lower, compiled, keys, args, opts);
  }

  private evalCompiled(sha: string, script: CompiledScript, keys: string[], args: string[], opts: RunOptions): RespValue | Promise<RespValue> {
    if (this.run !== null) return this.busyError();
    const readOnly = opts.readOnly === true;
    if (readOnly && script.flags !== null && !script.flags.includes('no-writes')) {
      return { t: 'error', s: ScriptErr.writeFlagWithRo };
    }
    const lua = this.evalLua;
    lua.prepareEval(script.ref, keys, args);
    const command = [readOnly ? 'eval_ro' : 'eval', sha, String(keys.length), ...keys, ...args];
    return this.start('eval', sha, command, script.flags, readOnly || (script.flags?.includes('no-writes') ?? false), lua);
  }

  // ---- functions

  private fcallRun(name: string, keys: string[], args: string[], readOnly: boolean): RespValue | Promise<RespValue> {
    if (this.run !== null) return this.busyError();
    const fn = this.functions.get(name);
    if (fn === undefined) return { t: 'error', s: ScriptErr.functionNotFound };
    if (readOnly && !fn.flags.includes('no-writes')) return { t: 'error', s: ScriptErr.writeFlagWithRo };
    this.functionLua.prepareFunction(name, keys, args);
    const command = [readOnly ? 'fcall_ro' : 'fcall', name, String(keys.length), ...keys, ...args];
    return this.start('function', name, command, fn.flags as ScriptFlag[], readOnly || fn.flags.includes('no-writes'), this.functionLua);
  }

  /** FCALL / FCALL_RO (readOnly). */
  fcall(name: string, keys: string[], args: string[], opts: RunOptions = {}): RespValue | Promise<RespValue> {
    return this.fcallRun(name, keys, args, opts.readOnly === true);
  }

  // ---- running

  private start(kind: ScriptKind, name: string, command: string[], flags: readonly ScriptFlag[] | null, readOnly: boolean, lua: LuaContext): RespValue | Promise<RespValue> {
    const now = performance.now();
    const run: Run = {
      kind, name, command, started: now, yieldAt: 0, busy: false, killed: false, wrote: false, lua,
      ctx: {
        get resp() { return engine.resp; },
        readOnly,
        flags,
        markWrite: () => { run.wrote = true; },
      },
    };
    const engine = this;
    this.run = run;
    this.resp = 2;
    let status: number;
    try {
      status = lua.resume(true);
    } catch (e) {
      this.run = null;
      throw e;
    }
    if (status !== LUA_YIELD) return this.finish(run, status);
    return new Promise<RespValue>((resolve, reject) => {
      const step = (): void => {
        try {
          const st = lua.resume(false);
          if (st === LUA_YIELD) setImmediate(step);
          else resolve(this.finish(run, st));
        } catch (e) {
          this.run = null;
          reject(e);
        }
      };
      setImmediate(step);
    });
  }

  private finish(run: Run, status: number): RespValue {
    let outcome: RunOutcome;
    try {
      outcome = run.lua.outcome(status);
    } finally {
      this.run = null;
      this.resp = 2;
    }
    if (outcome.ok) return outcome.value;
    let msg = outcome.err;
    if (outcome.source !== undefined && outcome.line !== undefined) {
      msg += ` script: ${run.name}, on ${outcome.source}:${outcome.line}.`;
    }
    return { t: 'error', s: msg.replace(/[\r\n]/g, ' ') };
  }

  /** Frees both Lua states. */
  close(): void {
    this.evalLua.close();
    this.functionLua.close();
    this.m.removeFunction(this.hookPtr);
  }
}

/**
 * EVAL/FCALL's numkeys: the keys and the args, or the error reply. Non-numbers give
 * "value is not an integer" for EVAL and "Bad number of keys provided" for FCALL, as in 7.0.
 */
export function splitKeys(numkeys: string, rest: string[], kind: ScriptKind): { keys: string[]; args: string[] } | RespValue {
  const n = /^-?\d+$/.test(numkeys) ? Number(numkeys) : NaN;
  if (!Number.isSafeInteger(n)) return { t: 'error', s: kind === 'eval' ? ScriptErr.notInteger : ScriptErr.badNumKeys };
  if (n < 0) return { t: 'error', s: ScriptErr.numKeysNegative };
  if (n > rest.length) return { t: 'error', s: ScriptErr.numKeysTooMany };
  return { keys: rest.slice(0, n), args: rest.slice(n) };
}
