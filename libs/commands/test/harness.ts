// Test harness: runs commands synchronously against a keyspace, with replies decoded into plain
// values: status → {ok: text}, error → {err: text}, integer → number, bulk → string, null → null,
// aggregates → arrays (maps as flat [k, v, ...] as in RESP2, or {map: [...]} in RESP3).
import type { Protocol, ReplySink } from '@strata/resp';
import {
  ClientState,
  CommandError,
  CommandTable,
  Subscriptions,
  PubSubHub,
  connectionCommands,
  serverCommands,
  introspectionCommands,
  Ctx,
  dataCommands,
  Keyspace,
  ServerApi,
} from '@strata/commands';

export type Reply = null | number | bigint | string | boolean | { ok: string } | { err: string } | { map: Reply[] } | { double: number } | Reply[];

class Collector implements ReplySink {
  readonly replies: Reply[] = [];
  private stack: { items: Reply[]; left: number; map: boolean }[] = [];
  constructor(public proto: Protocol) {}
  private put(v: Reply): void {
    let top = this.stack[this.stack.length - 1];
    if (!top) {
      this.replies.push(v);
      return;
    }
    top.items.push(v);
    top.left--;
    while (top && top.left === 0) {
      this.stack.pop();
      const done: Reply = top.map && this.proto === 3 ? { map: top.items } : top.items;
      const parent = this.stack[this.stack.length - 1];
      if (!parent) this.replies.push(done);
      else {
        parent.items.push(done);
        parent.left--;
      }
      top = parent;
    }
  }
  private open(n: number, map = false): void {
    if (n === 0) this.put(map && this.proto === 3 ? { map: [] } : []);
    else this.stack.push({ items: [], left: n, map });
  }
  ok(): void { this.put({ ok: 'OK' }); }
  simple(s: string): void { this.put({ ok: s }); }
  error(msg: string): void { this.put({ err: msg }); }
  integer(n: number | bigint): void { this.put(n); }
  bulk(s: string): void { this.put(s); }
  nullBulk(): void { this.put(null); }
  nullArray(): void { this.put(null); }
  array(n: number): void { this.open(n); }
  map(n: number): void { this.open(n * 2, true); }
  set(n: number): void { this.open(n); }
  push(n: number): void { this.open(n); }
  double(d: number): void { this.put(this.proto === 3 ? { double: d } : String(d)); }
  bool(b: boolean): void { this.put(this.proto === 3 ? b : b ? 1 : 0); }
  verbatim(s: string): void { this.put(s); }
  bigNumber(s: string): void { this.put(s); }
}

export class TestServer {
  readonly ks = new Keyspace(16);
  readonly table = new CommandTable([...dataCommands, ...connectionCommands, ...serverCommands, ...introspectionCommands]);
  readonly client: ClientState = {
    id: 1, name: '', db: 0, proto: 2, authenticated: true, user: 'default', replyMode: 'on',
    noEvict: false, noTouch: false, createdAt: Date.now(), closeAfterReply: false,
    subscriptions: new Subscriptions(),
    deliver: () => {},
    setProtocol: (p) => { this.client.proto = p; },
    reset: () => { this.client.db = 0; this.client.proto = 2; this.client.name = ''; },
  };
  readonly notifications: string[] = [];
  readonly propagated: string[][] = [];
  readonly server: ServerApi;

  constructor() {
    const ks = this.ks;
    this.server = {
      keyspace: ks, commands: this.table, pubsub: new PubSubHub(), unblockClient: () => false, startedAt: Date.now(), databases: 16, maxBulkLen: 512 * 1024 * 1024, version: '7.0.15', runId: 'test',
      clients: () => [], configGet: () => [], configSet: () => null, configResetStat: () => {}, lfuPolicy: () => false,
      info: () => '', slowlog: { get: () => [], len: () => 0, reset: () => {} },
      checkPassword: () => 'nopass',
    };
  }

  /** Sets the clock every following command sees. */
  setTime(ms: number): void {
    this.ks.tick(ms);
  }

  run(...argv: string[]): Reply {
    const out = new Collector(this.client.proto);
    const ctx: Ctx = {
      ks: this.ks, db: this.ks.dbs[this.client.db], out, client: this.client, server: this.server,
      notify: (cls, event, key) => this.notifications.push(`${cls}:${event}:${key}`),
      propagate: (a) => this.propagated.push(a),
      canBlock: false,
    };
    let cmd = this.table.get(argv[0]);
    if (!cmd) return { err: 'ERR unknown command' };
    if (cmd.subcommands && argv.length >= 2) {
      const sub = cmd.subcommands.get(argv[1].toLowerCase());
      if (!sub) return { err: `ERR unknown subcommand '${argv[1]}'. Try ${argv[0].toUpperCase()} HELP.` };
      cmd = sub;
    }
    if (!cmd.arityOk(argv.length)) return { err: `ERR wrong number of arguments for '${cmd.fullName}' command` };
    try {
      cmd.handler?.(ctx, argv);
    } catch (e) {
      if (e instanceof CommandError) out.error(e.reply);
      else throw e;
    }
    if (out.replies.length !== 1) throw new Error(`expected one reply, got ${JSON.stringify(out.replies)}`);
    return out.replies[0];
  }
}
