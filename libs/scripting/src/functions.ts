import type { RespValue } from '@strata/resp';
import { globMatch } from '@strata/commands';
import type { LuaContext } from './lua-context';
import { parseLibraryShebang } from './shebang';
import { dumpLibraries, parseDump } from './function-dump';

export interface FunctionMeta {
  name: string;
  library: string;
  flags: string[];
  description: string | null;
}

interface Library {
  name: string;
  code: string;
  functions: FunctionMeta[];
}

export type RestorePolicy = 'APPEND' | 'REPLACE' | 'FLUSH';

const bulk = (s: string): RespValue => ({ t: 'bulk', s });
const err = (s: string): RespValue => ({ t: 'error', s });
const NAME = /^[A-Za-z0-9_]+$/;

/**
 * FUNCTION LOAD/DELETE/FLUSH/LIST/DUMP/RESTORE/STATS over the function Lua state. Libraries are
 * kept in load order (Redis lists them in hash order, which no client may rely on).
 */
export class FunctionLibraries {
  private readonly libraries = new Map<string, Library>();
  private readonly byName = new Map<string, FunctionMeta>();

  constructor(
    private readonly lua: LuaContext,
    private readonly runFunction: (name: string, keys: string[], args: string[], readOnly: boolean) => RespValue | Promise<RespValue>,
  ) {}

  get(name: string): FunctionMeta | undefined {
    return this.byName.get(name);
  }

  /** FUNCTION LOAD [REPLACE]: the library name, or the error. */
  load(body: string, replace = false): RespValue {
    const meta = parseLibraryShebang(body);
    if (typeof meta === 'string') return err(meta);
    if (meta.engine.toUpperCase() !== 'LUA') return err(`ERR Engine '${meta.engine}' not found`);
    if (!NAME.test(meta.name)) {
      return err('ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long');
    }
    const old = this.libraries.get(meta.name);
    if (old !== undefined && !replace) return err(`ERR Library '${meta.name}' already exists`);
    const ref = this.lua.compile(meta.code, '@user_function');
    if (typeof ref === 'string') return err(`ERR Error compiling function: ${ref.replace(' near <eof>', " near '<eof>'")}`);
    const infos = this.lua.loadLibrary(ref);
    this.lua.release(ref);
    if (typeof infos === 'string') return err(`ERR Error registering functions: ${infos}`);
    if (infos.length === 0) return err('ERR No functions registered');
    for (const info of infos) {
      const owner = this.byName.get(info.name);
      if (owner !== undefined && owner.library !== meta.name) return err(`ERR Function ${info.name} already exists`);
    }
    const oldNames = old ? old.functions.map((f) => f.name) : [];
    this.lua.commitLibrary(oldNames);
    for (const name of oldNames) this.byName.delete(name);
    const functions = infos.map((info) => ({ ...info, library: meta.name }));
    for (const f of functions) this.byName.set(f.name, f);
    this.libraries.set(meta.name, { name: meta.name, code: body, functions });
    return bulk(meta.name);
  }

  delete(libraryName: string): RespValue {
    const lib = this.libraries.get(libraryName);
    if (lib === undefined) return err('ERR Library not found');
    const names = lib.functions.map((f) => f.name);
    this.lua.removeFunctions(names);
    for (const name of names) this.byName.delete(name);
    this.libraries.delete(libraryName);
    return { t: 'simple', s: 'OK' };
  }

  flush(): RespValue {
    this.lua.flushFunctions();
    this.libraries.clear();
    this.byName.clear();
    return { t: 'simple', s: 'OK' };
  }

  /** FUNCTION LIST [WITHCODE] [LIBRARYNAME pattern]. */
  list(opts: { withCode?: boolean; pattern?: string } = {}): RespValue {
    const out: RespValue[] = [];
    for (const lib of this.libraries.values()) {
      if (opts.pattern !== undefined && !globMatch(opts.pattern, lib.name)) continue;
      const functions: RespValue[] = lib.functions.map((f) => ({
        t: 'map',
        items: [
          bulk('name'), bulk(f.name),
          bulk('description'), f.description === null ? { t: 'null' } : bulk(f.description),
          bulk('flags'), { t: 'set', items: f.flags.map((s): RespValue => ({ t: 'simple', s })) },
        ],
      }));
      const items: RespValue[] = [bulk('library_name'), bulk(lib.name), bulk('engine'), bulk('LUA'), bulk('functions'), { t: 'array', items: functions }];
      if (opts.withCode) items.push(bulk('library_code'), bulk(lib.code));
      out.push({ t: 'map', items });
    }
    return { t: 'array', items: out };
  }

  /** FUNCTION DUMP: Redis's payload (see function-dump.ts). */
  dump(): string {
    return dumpLibraries([...this.libraries.values()].map((lib) => lib.code));
  }

  /** FUNCTION RESTORE payload [APPEND|REPLACE|FLUSH]: all or nothing. */
  restore(payload: string, policy: RestorePolicy = 'APPEND'): RespValue {
    const codes = parseDump(payload);
    if (typeof codes === 'string') return err(codes);
    const before = [...this.libraries.values()].map((lib) => lib.code);
    if (policy === 'FLUSH') this.flush();
    for (const code of codes) {
      const meta = parseLibraryShebang(code);
      const name = typeof meta === 'string' ? '' : meta.name;
      let result: RespValue;
      if (policy === 'APPEND' && this.libraries.has(name)) result = err(`ERR Library ${name} already exists`);
      else result = this.load(code, policy === 'REPLACE');
      if (result.t === 'error') {
        this.flush();
        for (const old of before) this.load(old);
        return result;
      }
    }
    return { t: 'simple', s: 'OK' };
  }

  /** FUNCTION STATS, given the engine's running script (if it is a function or not). */
  stats(running: { name: string; command: string[]; durationMs: number } | null): RespValue {
    const runningScript: RespValue = running === null
      ? { t: 'null' }
      : {
          t: 'map',
          items: [
            bulk('name'), bulk(running.name),
            bulk('command'), { t: 'array', items: running.command.map(bulk) },
            bulk('duration_ms'), { t: 'int', n: running.durationMs },
          ],
        };
    const lua: RespValue = {
      t: 'map',
      items: [bulk('libraries_count'), { t: 'int', n: this.libraries.size }, bulk('functions_count'), { t: 'int', n: this.byName.size }],
    };
    return {
      t: 'map',
      items: [bulk('running_script'), runningScript, bulk('engines'), { t: 'map', items: [bulk('LUA'), lua] }],
    };
  }

  /** FCALL through the engine (the engine owns the running state). */
  call(name: string, keys: string[], args: string[], readOnly = false): RespValue | Promise<RespValue> {
    return this.runFunction(name, keys, args, readOnly);
  }
}
