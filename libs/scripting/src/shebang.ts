/** Script flags of Redis 7.0 (EVAL shebang `flags=` and redis.register_function flags). */
export type ScriptFlag = 'no-writes' | 'allow-oom' | 'allow-stale' | 'no-cluster' | 'allow-cross-slot-keys';

const FLAGS: ReadonlySet<string> = new Set(['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys']);

export function isScriptFlag(s: string): s is ScriptFlag {
  return FLAGS.has(s);
}

/**
 * The first line split as sdssplitargs does for the common case (whitespace-separated words;
 * quotes are not expected in shebangs).
 */
function words(line: string): string[] {
  return line.split(/[ \t\r]+/).filter((w) => w.length > 0);
}

/** Replaces the first line by an empty one: the compiled code keeps its line numbers. */
function withoutFirstLine(body: string, end: number): string {
  return body.slice(end);
}

export interface EvalShebang {
  /** null when the script has no shebang (Redis's "eval compat mode"). */
  flags: ScriptFlag[] | null;
  code: string;
}

/** evalExtractShebangFlags: the flags of an EVAL script, or the error text. */
export function parseEvalShebang(body: string): EvalShebang | string {
  if (!body.startsWith('#!')) return { flags: null, code: body };
  const end = body.indexOf('\n');
  if (end < 0) return 'ERR Invalid script shebang';
  const parts = words(body.slice(0, end));
  if (parts.length === 0) return 'ERR Invalid engine in script shebang';
  if (parts[0] !== '#!lua') return `ERR Unexpected engine in script shebang: ${parts[0]}`;
  const flags: ScriptFlag[] = [];
  for (const part of parts.slice(1)) {
    if (!part.startsWith('flags=')) return `ERR Unknown lua shebang option: ${part}`;
    for (const f of part.slice(6).split(',')) {
      if (f === '') continue;
      if (!isScriptFlag(f)) return `ERR Unexpected flag in script shebang: ${f}`;
      if (!flags.includes(f)) flags.push(f);
    }
  }
  return { flags, code: withoutFirstLine(body, end) };
}

export interface LibraryMeta {
  engine: string;
  name: string;
  code: string;
}

/** functionExtractLibMetaData: `#!<engine> name=<library>`, or the error text. */
export function parseLibraryShebang(body: string): LibraryMeta | string {
  if (!body.startsWith('#!')) return 'ERR Missing library metadata';
  const end = body.indexOf('\n');
  if (end < 0) return 'ERR Invalid library metadata';
  const parts = words(body.slice(0, end));
  if (parts.length === 0) return 'ERR Invalid library metadata';
  let name: string | undefined;
  for (const part of parts.slice(1)) {
    if (part.slice(0, 5).toLowerCase() === 'name=') {
      if (name !== undefined) return 'ERR Invalid metadata value, name argument was given multiple times';
      name = part.slice(5);
      continue;
    }
    return `ERR Invalid metadata value given: ${part}`;
  }
  if (name === undefined) return 'ERR Library name was not given';
  return { engine: parts[0].slice(2), name, code: withoutFirstLine(body, end) };
}
