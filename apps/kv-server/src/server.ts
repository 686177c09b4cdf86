import * as net from 'net';
import { randomBytes } from 'crypto';
import {
  CommandTable,
  connectionCommands,
  encodingLimits,
  dataCommands,
  introspectionCommands,
  Keyspace,
  NotifyClass,
  PubSubHub,
  pubsubCommands,
  serverCommands,
  ServerApi,
  globMatch,
} from '@strata/commands';
import { parseValue, type ConfigValues, type Setting } from '@strata/config';
import type { Logger } from '@strata/telemetry';
import type { TxService } from '@strata/tx';
import { BlockedClients } from './blocking';
import { Connection } from './connection';
import { Dispatcher } from './dispatch';
import { ExpireCycle } from './expire-cycle';
import { renderInfo } from './info';
import { Slowlog } from './slowlog';
import { transactionCommands, Watches } from './tx';
import { Scripting } from './scripting';
import { interactiveTxCommands } from './interactive-tx';
import { shutdownCommand } from './shutdown';
import { parseNotifyFlags } from './notify';

export const REDIS_COMPAT_VERSION = '7.0.15';

export class KvServer {
  readonly keyspace: Keyspace;
  readonly dispatcher: Dispatcher;
  readonly slowlog: Slowlog;
  readonly api: ServerApi;
  readonly clients = new Map<number, Connection>();
  readonly runId = randomBytes(20).toString('hex');
  readonly startedAt = Date.now();
  readonly errorStats = new Map<string, number>();
  readonly pubsub = new PubSubHub();
  readonly watches = new Watches();
  readonly blocking: BlockedClients;
  /** client-output-buffer-limit pubsub (hard limit): a subscriber this far behind is dropped. */
  readonly pubsubOutputLimit = 32 * 1024 * 1024;
  private readonly toFlush = new Set<Connection>();
  private flushQueued = false;
  stats = { connectionsReceived: 0, commandsProcessed: 0, rejectedConnections: 0 };
  private nextClientId = 1;
  private listener?: net.Server;
  private readonly expireCycle: ExpireCycle;
  private readonly redisNames: Map<string, Setting>;
  boundPort = 0;
  scripting?: Scripting;
  /** Set by main: stops the process as SIGTERM does (SHUTDOWN). */
  requestShutdown?: (reason: string) => void;
  /** --enable_data_store: checkpoints and loading (data-store.ts); absent in the memory-only stage. */
  dataStore?: TxService;

  constructor(
    readonly settings: ConfigValues,
    schema: readonly Setting[],
    readonly log: Logger,
  ) {
    this.keyspace = new Keyspace(settings.databases as number);
    this.blocking = new BlockedClients(this);
    const table = new CommandTable([
      ...dataCommands,
      ...connectionCommands,
      ...serverCommands,
      ...introspectionCommands,
      ...pubsubCommands,
      ...transactionCommands(this),
      ...interactiveTxCommands(this),
      shutdownCommand(this),
    ]);
    this.dispatcher = new Dispatcher(this, table);
    this.slowlog = new Slowlog({
      slowerThan: () => this.settings.slowlog_log_slower_than as number,
      maxLen: () => this.settings.slowlog_max_len as number,
    });
    this.redisNames = new Map(schema.filter((s) => s.redisName).map((s) => [s.redisName as string, s]));
    // No expiry while a script that yielded holds the dataset (it must see one point in time).
    this.expireCycle = new ExpireCycle(this.keyspace, () => this.settings.hz as number, () => this.scripting?.running === true);
    this.api = this.makeApi(table);
    this.applyEncodingLimits();
    this.keyspace.observer = {
      modified: (db, key) => {
        this.watches.keyWritten(db, key);
        this.blocking.keyWritten(db, key);
      },
      expired: (db, key) => {
        this.expiredKeys++;
        this.notify('x', 'expired', key, db);
      },
    };
  }

  expiredKeys = 0;

  private applyEncodingLimits(): void {
    const v = this.settings;
    encodingLimits.hashMaxListpackEntries = v.hash_max_listpack_entries as number;
    encodingLimits.hashMaxListpackValue = v.hash_max_listpack_value as number;
    encodingLimits.setMaxIntsetEntries = v.set_max_intset_entries as number;
    encodingLimits.zsetMaxListpackEntries = v.zset_max_listpack_entries as number;
    encodingLimits.zsetMaxListpackValue = v.zset_max_listpack_value as number;
  }

  /** Output written to a connection outside its own read (pub/sub, unblocking) is flushed once per turn. */
  scheduleFlush(c: Connection): void {
    this.toFlush.add(c);
    if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => this.flushScheduled());
    }
  }

  flushScheduled(): void {
    this.flushQueued = false;
    if (this.toFlush.size === 0) return;
    const list = [...this.toFlush];
    this.toFlush.clear();
    for (const c of list) c.flush();
  }

  passwordRequired(): boolean {
    return (this.settings.requirepass as string) !== '';
  }

  /** Registers the scripting commands (the Lua engine itself loads on first use). */
  async init(): Promise<void> {
    this.scripting = new Scripting(this);
    this.dispatcher.table.register(this.scripting.commands());
  }

  /** Starts listening; resolves with the bound port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const srv = net.createServer((socket) => this.accept(socket));
      srv.on('error', reject);
      srv.listen({ host: this.settings.ip as string, port: this.settings.port as number, backlog: 511 }, () => {
        this.listener = srv;
        this.boundPort = (srv.address() as net.AddressInfo).port;
        this.expireCycle.start();
        resolve(this.boundPort);
      });
    });
  }

  async close(): Promise<void> {
    this.expireCycle.stop();
    for (const c of [...this.clients.values()]) c.close();
    await new Promise<void>((resolve) => (this.listener ? this.listener.close(() => resolve()) : resolve()));
  }

  removeClient(c: Connection): void {
    this.clients.delete(c.id);
  }

  countError(reply: string): void {
    const sp = reply.indexOf(' ');
    const code = sp < 0 ? reply : reply.slice(0, sp);
    this.errorStats.set(code, (this.errorStats.get(code) ?? 0) + 1);
  }

  /** Keyspace notifications (notify-keyspace-events), published as Redis publishes them. */
  notify(cls: NotifyClass, event: string, key: string, db: number): void {
    const flags = parseNotifyFlags(this.settings.notify_keyspace_events as string);
    if (flags.classes === '' || !flags.classes.includes(cls)) return;
    if (flags.keyspace) this.pubsub.publish(`__keyspace@${db}__:${key}`, event);
    if (flags.keyevent) this.pubsub.publish(`__keyevent@${db}__:${event}`, key);
  }

  private accept(socket: net.Socket): void {
    this.stats.connectionsReceived++;
    if (this.clients.size >= (this.settings.maxclients as number)) {
      this.stats.rejectedConnections++;
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    const c = new Connection(socket, this, this.nextClientId++);
    this.clients.set(c.id, c);
  }

  private makeApi(table: CommandTable): ServerApi {
    const server = this;
    return {
      keyspace: this.keyspace,
      commands: table,
      pubsub: this.pubsub,
      unblockClient: (id, withError) => {
        const c = this.clients.get(id);
        return c !== undefined && this.blocking.unblockWith(c, withError);
      },
      startedAt: this.startedAt,
      databases: this.settings.databases as number,
      get maxBulkLen() {
        return server.settings.proto_max_bulk_len as number;
      },
      version: REDIS_COMPAT_VERSION,
      runId: this.runId,
      clients: () => this.clients.values(),
      configGet: (patterns) => {
        const out: [string, string][] = [];
        const seen = new Set<string>();
        for (const p of patterns) {
          for (const [name, s] of this.redisNames) {
            if (seen.has(name) || !globMatch(p.toLowerCase(), name, true)) continue;
            seen.add(name);
            out.push([name, String(this.settings[s.name] === true ? 'yes' : this.settings[s.name] === false ? 'no' : this.settings[s.name])]);
          }
        }
        return out;
      },
      configSet: (pairs) => {
        const parsed: [Setting, string | number | boolean][] = [];
        const names = new Set<string>();
        for (const [name, raw] of pairs) {
          const s = this.redisNames.get(name);
          if (!s || !s.mutable) return `ERR Unknown option or number of arguments for CONFIG SET - '${name}'`;
          if (names.has(name)) return `ERR Duplicate parameter - '${name}'`;
          names.add(name);
          const r = parseValue(s, raw);
          if ('error' in r) {
            const why = s.type === 'int' || s.type === 'bytes' ? "argument couldn't be parsed into an integer" : r.error;
            return `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`;
          }
          parsed.push([s, r.value]);
        }
        for (const [s, v] of parsed) this.settings[s.name] = v;
        this.applyEncodingLimits();
        this.scripting?.engine?.setBusyThreshold(this.settings.busy_reply_threshold as number);
        return null;
      },
      configResetStat: () => {
        for (const c of table.all()) {
          c.calls = c.usec = c.rejectedCalls = c.failedCalls = 0;
          if (c.subcommands) for (const s of c.subcommands.values()) s.calls = s.usec = s.rejectedCalls = s.failedCalls = 0;
        }
        this.errorStats.clear();
        this.stats = { connectionsReceived: 0, commandsProcessed: 0, rejectedConnections: 0 };
      },
      lfuPolicy: () => (this.settings.maxmemory_policy as string).includes('lfu'),
      info: (sections) => renderInfo(this, sections),
      slowlog: this.slowlog,
      checkPassword: (user, password) => {
        const required = this.settings.requirepass as string;
        if (user !== 'default') return 'wrongpass';
        if (required === '') return 'nopass';
        return password === required ? 'ok' : 'wrongpass';
      },
    };
  }
}
