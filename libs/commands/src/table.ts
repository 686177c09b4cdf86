import type { Handler } from './context';

export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'skip_monitor'
  | 'skip_slowlog'
  | 'fast'
  | 'no_auth'
  | 'may_replicate'
  | 'no_mandatory_keys'
  | 'no_multi'
  | 'allow_busy';

/** Where the keys are: positions first..last step (last < 0 counts from the end), or a function. */
export interface KeySpec {
  first: number;
  last: number;
  step: number;
  /** For movable keys (keys whose positions depend on other arguments). */
  find?: (argv: string[]) => number[];
}

export const NO_KEYS: KeySpec = { first: 0, last: 0, step: 0 };

export interface CommandDef {
  /** Lower case; for subcommands, the subcommand alone ("setname"). */
  name: string;
  /** Redis arity: n exact, -n at least n (the command name counts). */
  arity: number;
  flags: CommandFlag[];
  keys: KeySpec;
  /** ACL categories beyond those implied by flags (without '@'). */
  acl: string[];
  /** COMMAND DOCS */
  group: string;
  since: string;
  summary: string;
  complexity?: string;
  handler?: Handler;
  subcommands?: CommandDef[];
}

/** A command as dispatch sees it: the definition plus what is derived once at start. */
export class Command {
  readonly fullName: string;
  readonly flagSet: ReadonlySet<CommandFlag>;
  readonly aclCategories: string[];
  readonly isWrite: boolean;
  readonly isReadonly: boolean;
  readonly movableKeys: boolean;
  readonly subcommands?: Map<string, Command>;
  /** INFO commandstats */
  calls = 0;
  usec = 0;
  rejectedCalls = 0;
  failedCalls = 0;

  constructor(
    readonly def: CommandDef,
    readonly parent?: Command,
  ) {
    this.fullName = parent ? `${parent.def.name}|${def.name}` : def.name;
    this.flagSet = new Set(def.flags);
    this.isWrite = this.flagSet.has('write');
    this.isReadonly = this.flagSet.has('readonly');
    this.movableKeys = def.keys.find !== undefined;
    this.aclCategories = implicitCategories(def);
    if (def.subcommands) {
      this.subcommands = new Map();
      for (const s of def.subcommands) this.subcommands.set(s.name, new Command(s, this));
    }
  }

  get handler(): Handler | undefined {
    return this.def.handler;
  }

  arityOk(argc: number): boolean {
    const a = this.def.arity;
    return a >= 0 ? argc === a : argc >= -a;
  }

  /** Indexes of the key arguments of argv. */
  keyIndexes(argv: string[]): number[] {
    const k = this.def.keys;
    if (k.find) return k.find(argv);
    if (k.first === 0) return [];
    const last = k.last < 0 ? argv.length + k.last : k.last;
    const out: number[] = [];
    for (let i = k.first; i <= last && i < argv.length; i += k.step) out.push(i);
    return out;
  }
}

function implicitCategories(def: CommandDef): string[] {
  const cats = new Set<string>();
  const f = new Set(def.flags);
  if (f.has('write')) cats.add('write');
  if (f.has('readonly') && !def.acl.includes('scripting')) cats.add('read');
  if (f.has('admin')) {
    cats.add('admin');
    cats.add('dangerous');
  }
  if (f.has('pubsub')) cats.add('pubsub');
  if (f.has('fast')) cats.add('fast');
  if (f.has('blocking')) cats.add('blocking');
  if (!f.has('fast')) cats.add('slow');
  for (const c of def.acl) cats.add(c);
  return [...cats].sort((a, b) => ACL_ORDER.indexOf(a) - ACL_ORDER.indexOf(b));
}

/** Redis's ACL category bits, in the order COMMAND INFO lists them. */
const ACL_ORDER = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog',
  'geo', 'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection',
  'transaction', 'scripting',
];

/** The one command table: lookup by name in any letter case. */
export class CommandTable {
  private readonly byName = new Map<string, Command>();

  constructor(defs: CommandDef[]) {
    this.register(defs);
  }

  /** Adds commands defined after start (scripting, whose engine loads asynchronously). */
  register(defs: CommandDef[]): void {
    for (const d of defs) {
      if (this.byName.has(d.name)) throw new Error(`command table: ${d.name} defined twice`);
      const c = new Command(d);
      this.byName.set(d.name, c);
      this.byName.set(d.name.toUpperCase(), c);
    }
  }

  get(name: string): Command | undefined {
    return this.byName.get(name) ?? this.byName.get(name.toLowerCase());
  }

  /** Every top-level command once. */
  all(): Command[] {
    const seen = new Set<Command>();
    for (const c of this.byName.values()) seen.add(c);
    return [...seen];
  }

  get size(): number {
    return this.all().length;
  }
}
