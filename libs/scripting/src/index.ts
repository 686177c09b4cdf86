export { ScriptEngine, splitKeys, type ScriptCall, type ScriptCallContext, type ScriptEngineOptions, type RunOptions, type ScriptKind, type LogLevel } from './engine';
export { FunctionLibraries, type FunctionMeta, type RestorePolicy } from './functions';
export { ScriptErr } from './errors';
export { type ScriptFlag, parseEvalShebang, parseLibraryShebang } from './shebang';
export type { RespVersion } from './convert';
export { dumpLibraries, parseDump, crc64 } from './function-dump';
