/**
 * Topology files (deploy/local/*.yaml; schema in deploy/local/README.md): parsed, checked, and put
 * in start order. Every error names the file and the process or field at fault, because a typo in
 * a topology file should never surface as a process that hangs on start.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { isKind, Kind, KIND_INFO, KINDS } from './kinds';

export interface ProcessSpec {
  name: string;
  kind: Kind;
  /** Fixed port, or 0: a free one chosen at `up` and kept in the state dir. */
  port: number;
  /** Flags exactly as written (after ${...} references are resolved). */
  flags: string[];
  dependsOn: string[];
  readyTimeoutS: number;
}

export interface Topology {
  name: string;
  file: string;
  description: string;
  processes: ProcessSpec[];
}

export class TopologyError extends Error {}

const NAME = /^[a-z][a-z0-9-]{0,62}$/;
const FLAG = /^--?[A-Za-z0-9_.-]+(=.*)?$/s;
const REF = /\$\{([^}]*)\}/g;
const REF_FIELDS = ['addr', 'host', 'port', 'data_dir'] as const;
export type RefField = (typeof REF_FIELDS)[number];
const TOP_KEYS = new Set(['name', 'description', 'processes']);
const PROC_KEYS = new Set(['name', 'kind', 'port', 'flags', 'depends_on', 'ready_timeout_s']);

export function loadTopology(file: string): Topology {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new TopologyError(`cannot read topology file '${file}': ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new TopologyError(`${file}: not valid YAML: ${(e as Error).message}`);
  }
  return checkTopology(doc, file);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks a parsed document; `file` only names the source in errors (and gives the default name). */
export function checkTopology(doc: unknown, file: string): Topology {
  const fail = (msg: string): never => {
    throw new TopologyError(`${file}: ${msg}`);
  };
  if (!isRecord(doc)) return fail('expected a mapping with "processes"');
  for (const k of Object.keys(doc)) if (!TOP_KEYS.has(k)) fail(`unknown field '${k}' (fields: ${[...TOP_KEYS].join(', ')})`);
  const name = doc.name === undefined ? path.basename(file).replace(/\.ya?ml$/, '') : doc.name;
  if (typeof name !== 'string' || !NAME.test(name)) fail(`name '${String(name)}' must match ${NAME}`);
  const description = doc.description === undefined ? '' : doc.description;
  if (typeof description !== 'string') fail('description must be a string');
  if (!Array.isArray(doc.processes) || doc.processes.length === 0) return fail('"processes" must be a non-empty list');

  const processes: ProcessSpec[] = doc.processes.map((raw: unknown, i: number): ProcessSpec => {
    if (!isRecord(raw)) return fail(`processes[${i}] must be a mapping`);
    const where = typeof raw.name === 'string' ? `process '${raw.name}'` : `processes[${i}]`;
    const bad = (msg: string): never => fail(`${where}: ${msg}`);
    for (const k of Object.keys(raw)) if (!PROC_KEYS.has(k)) bad(`unknown field '${k}' (fields: ${[...PROC_KEYS].join(', ')})`);
    if (typeof raw.name !== 'string' || !NAME.test(raw.name)) bad(`name must match ${NAME}`);
    if (raw.name === 'self') bad("'self' is reserved for references to the process itself");
    if (!isKind(raw.kind)) bad(`kind '${String(raw.kind)}' is not one of ${KINDS.join(', ')}`);
    const kind = raw.kind as Kind;
    const port = raw.port === undefined || raw.port === null ? 0 : raw.port;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) bad(`port '${String(port)}' must be an integer 0..65535 (0 or omitted: a free port)`);
    const flags = raw.flags === undefined ? [] : raw.flags;
    if (!Array.isArray(flags)) return bad('flags must be a list of --name=value strings');
    for (const f of flags) {
      if (typeof f !== 'string' || !FLAG.test(f)) bad(`flag '${String(f)}' is not of the form --name=value`);
      const flagName = /^--?([A-Za-z0-9_.-]+)/.exec(f as string)?.[1].replace(/-/g, '_');
      if (KIND_INFO[kind].listenFlags && (flagName === 'port' || flagName === 'ip')) bad(`flag '${f}': the launcher sets --ip and --port; use the port field`);
    }
    if (KIND_INFO[kind].script && flags.length) bad(`a ${kind} backend takes no flags (it is started by tools/backends/${KIND_INFO[kind].script})`);
    const deps = raw.depends_on === undefined ? [] : raw.depends_on;
    if (!Array.isArray(deps) || deps.some((d) => typeof d !== 'string')) return bad('depends_on must be a list of process names');
    const timeout = raw.ready_timeout_s === undefined ? KIND_INFO[kind].readyTimeoutS : raw.ready_timeout_s;
    if (typeof timeout !== 'number' || !(timeout > 0)) bad('ready_timeout_s must be a positive number');
    return { name: raw.name as string, kind, port: port as number, flags: flags as string[], dependsOn: deps as string[], readyTimeoutS: timeout as number };
  });

  const byName = new Map<string, ProcessSpec>();
  for (const p of processes) {
    if (byName.has(p.name)) fail(`two processes are named '${p.name}'`);
    byName.set(p.name, p);
  }
  const fixed = new Map<number, string>();
  for (const p of processes) {
    if (p.port === 0) continue;
    if (fixed.has(p.port)) fail(`processes '${fixed.get(p.port)}' and '${p.name}' both use port ${p.port}`);
    fixed.set(p.port, p.name);
  }
  for (const p of processes) {
    for (const d of p.dependsOn) {
      if (d === p.name) fail(`process '${p.name}' depends on itself`);
      if (!byName.has(d)) fail(`process '${p.name}' depends on '${d}', which the file does not define`);
    }
    for (const f of p.flags) {
      for (const m of f.matchAll(REF)) {
        const [target, field, ...rest] = m[1].split('.');
        if (rest.length || !REF_FIELDS.includes(field as RefField)) fail(`process '${p.name}': reference '${m[0]}' must look like \${NAME.${REF_FIELDS.join('|')}}`);
        if (target !== 'self' && !byName.has(target)) fail(`process '${p.name}': reference '${m[0]}' names no process of this file`);
      }
    }
  }
  startLevels(processes, file); // rejects cycles now rather than at `up`
  return { name: name as string, file, description: description as string, processes };
}

/**
 * Groups of processes that may start together, in order: a process starts after everything it
 * depends on and after every kind of a lower rank (backends, then log/store servers, then kv-servers).
 */
export function startLevels(processes: ProcessSpec[], file = 'topology'): ProcessSpec[][] {
  const byName = new Map(processes.map((p) => [p.name, p]));
  const level = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (p: ProcessSpec, chain: string[]): number => {
    const known = level.get(p.name);
    if (known !== undefined) return known;
    if (visiting.has(p.name)) throw new TopologyError(`${file}: depends_on forms a cycle: ${[...chain, p.name].join(' -> ')}`);
    visiting.add(p.name);
    let l = KIND_INFO[p.kind].rank;
    for (const d of p.dependsOn) l = Math.max(l, visit(byName.get(d) as ProcessSpec, [...chain, p.name]) + 1);
    visiting.delete(p.name);
    level.set(p.name, l);
    return l;
  };
  for (const p of processes) visit(p, []);
  const levels: ProcessSpec[][] = [];
  for (const p of processes) (levels[level.get(p.name) as number] ??= []).push(p);
  return levels.filter((l) => l !== undefined);
}

export interface RefTarget {
  host: string;
  port: number;
  dataDir: string;
}

/** Replaces ${NAME.addr|host|port|data_dir} (and ${self.*}) in one flag. */
export function resolveRefs(flag: string, self: string, lookup: (name: string) => RefTarget): string {
  return flag.replace(REF, (_m, ref: string) => {
    const [target, field] = ref.split('.');
    const t = lookup(target === 'self' ? self : target);
    switch (field as RefField) {
      case 'addr':
        return `${t.host}:${t.port}`;
      case 'host':
        return t.host;
      case 'port':
        return String(t.port);
      case 'data_dir':
        return t.dataDir;
    }
  });
}
