import type { ReplySink } from '@strata/resp';
import type { Db, Keyspace } from './keyspace';
import type { CommandTable } from './table';
import type { PubSubHub, Subscriber } from './pubsub';

/** The connection state a command may read or change. Owned by the server's connection. */
export interface ClientState extends Subscriber {
  readonly id: number;
  name: string;
  /** Index of the selected database. */
  db: number;
  proto: 2 | 3;
  authenticated: boolean;
  user: string;
  /** CLIENT REPLY ON|OFF|SKIP */
  replyMode: 'on' | 'off' | 'skip';
  noEvict: boolean;
  noTouch: boolean;
  /** Library name/version from CLIENT SETINFO-less clients via HELLO SETNAME; kept for CLIENT LIST. */
  readonly createdAt: number;
  /** Ask the connection to close after the reply is written (QUIT). */
  closeAfterReply: boolean;
  /** HELLO: switches the protocol, including for the reply being written. */
  setProtocol(proto: 2 | 3): void;
  /** RESET: back to a fresh connection's state (db 0, RESP2, no name, MULTI and WATCH dropped, ...). */
  reset(): void;
}

/** A client as CLIENT LIST / CLIENT INFO / CLIENT KILL see it. */
export interface ClientView extends ClientState {
  readonly addr: string;
  readonly laddr: string;
  readonly fd: number;
  readonly lastInteraction: number;
  readonly lastCommand: string;
  readonly queryBufferBytes: number;
  readonly outputBufferBytes: number;
  kill(): void;
}

export type ConfigValue = string;

/** What the server offers commands that are not about keys (INFO, CONFIG, CLIENT, SLOWLOG, ...). */
export interface ServerApi {
  readonly keyspace: Keyspace;
  readonly commands: CommandTable;
  readonly pubsub: PubSubHub;
  /** CLIENT UNBLOCK: true when the client was blocked by a blocking command. */
  unblockClient(id: number, withError: boolean): boolean;
  /** FLUSHALL/FLUSHDB/SWAPDB/DEBUG: the server may need to act beyond the keyspace (store generations). */
  readonly startedAt: number;
  clients(): Iterable<ClientView>;
  /** CONFIG GET pattern: name/value pairs of matching settings. */
  configGet(patterns: string[]): [string, ConfigValue][];
  /** CONFIG SET: validates all pairs first, then applies; returns an error text or null. */
  configSet(pairs: [string, string][]): string | null;
  configResetStat(): void;
  /** Whether maxmemory-policy is an LFU one (OBJECT FREQ vs IDLETIME). */
  lfuPolicy(): boolean;
  info(sections: string[]): string;
  slowlog: {
    get(count: number): SlowlogEntry[];
    len(): number;
    reset(): void;
  };
  /** The password of the default user, or '' when none (requirepass). */
  checkPassword(user: string, password: string): 'ok' | 'wrongpass' | 'nopass';
  readonly databases: number;
  /** proto-max-bulk-len: the largest string a command may build. */
  readonly maxBulkLen: number;
  /** Used by HELLO's reply and INFO server. */
  readonly version: string;
  readonly runId: string;
}

export interface SlowlogEntry {
  id: number;
  time: number;
  durationMicros: number;
  argv: string[];
  addr: string;
  name: string;
}

/** Classes of keyspace notifications, as in notify-keyspace-events. */
export type NotifyClass = 'g' | '$' | 'l' | 's' | 'h' | 'z' | 'x' | 'e' | 't' | 'm' | 'd' | 'n';

/** Everything a synchronous handler works with. */
export interface Ctx {
  readonly ks: Keyspace;
  /** The client's selected database. */
  db: Db;
  readonly out: ReplySink;
  readonly client: ClientState;
  readonly server: ServerApi;
  /** Keyspace notification; a no-op unless notify-keyspace-events enables the class. */
  notify(cls: NotifyClass, event: string, key: string, db?: number): void;
  /** Replaces what the WAL and replicas receive for this command (Redis's alsoPropagate). */
  propagate(argv: string[]): void;
  /** False inside MULTI/EXEC and scripts: blocking commands then answer at once. */
  canBlock: boolean;
}

/**
 * Thrown by a handler whose keys are only known while it runs (SORT BY patterns, scripts): the
 * dispatcher makes those keys resident and runs the handler again from the start.
 */
export class NeedKeys {
  constructor(
    readonly db: number,
    readonly keys: string[],
  ) {}
}

export type Handler = (ctx: Ctx, argv: string[]) => void;
