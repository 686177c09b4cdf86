import type { Socket } from 'net';
import { BlockOn, ClientState, ClientView, Command, Ctx, NotifyClass, Subscriptions } from '@strata/commands';
import { ProtocolError, RequestParser, RespWriter } from '@strata/resp';
import type { InteractiveTx } from './interactive-tx';
import type { KvServer } from './server';

/**
 * A PUBLISH delivers the same message to every subscriber: encode it once per protocol and reuse
 * the bytes while the arguments are the same strings (a one-entry cache per protocol).
 */
const messageWriter = new RespWriter(2);
const lastMessage: ({ kind: string; pattern: string | null; channel: string; payload: string; bytes: Buffer } | null)[] = [null, null, null, null];

function encodedMessage(kind: string, pattern: string | null, channel: string, payload: string, proto: 2 | 3): Buffer {
  const last = lastMessage[proto];
  if (last !== null && last.kind === kind && last.pattern === pattern && last.channel === channel && last.payload === payload) return last.bytes;
  const w = messageWriter;
  w.proto = proto;
  w.push(pattern === null ? 3 : 4);
  w.bulk(kind);
  if (pattern !== null) w.bulk(pattern);
  w.bulk(channel);
  w.bulk(payload);
  // A copy: the writer's slab is reused by the next message.
  const bytes = Buffer.from(w.take() as Buffer);
  lastMessage[proto] = { kind, pattern, channel, payload, bytes };
  return bytes;
}

/** MULTI state: queued commands, and whether a queuing error dooms the EXEC. */
export interface MultiState {
  queue: { cmd: Command; argv: string[] }[];
  aborted: boolean;
}

export interface WatchedKey {
  db: number;
  key: string;
  /** Already expired at WATCH time: a later expiry does not count as a change. */
  expiredAtWatch: boolean;
}

/** A client parked by a blocking command until a key it waits on is written or the deadline passes. */
export interface BlockedState {
  cmd: Command;
  argv: string[];
  db: number;
  block: BlockOn;
  timer?: NodeJS.Timeout;
}

/**
 * One client connection: bytes in through the parser, commands through the dispatcher, replies
 * collected in one writer and flushed once per read (so a pipeline costs one write).
 */
export class Connection implements ClientState, ClientView {
  readonly id: number;
  name = '';
  db = 0;
  proto: 2 | 3 = 2;
  authenticated: boolean;
  user = 'default';
  replyMode: 'on' | 'off' | 'skip' = 'on';
  noEvict = false;
  noTouch = false;
  readonly createdAt = Date.now();
  closeAfterReply = false;
  lastInteraction = Date.now();
  lastCommand = 'NULL';
  readonly addr: string;
  readonly laddr: string;
  readonly fd: number;
  readonly parser: RequestParser;
  readonly writer = new RespWriter(2);
  readonly subscriptions = new Subscriptions();
  multi: MultiState | null = null;
  /** BEGIN ... COMMIT | ROLLBACK in progress. */
  tx: InteractiveTx | null = null;
  watched: WatchedKey[] = [];
  /** A watched key was written: the next EXEC fails. */
  watchDirty = false;
  blocked: BlockedState | null = null;
  /** Waiting for a late reply (a script that yielded). */
  awaiting = false;
  /** Commands that arrived while blocked, run in order once unblocked. */
  private pending: string[][] = [];
  /** Reused for every command of this connection: no allocation per command. */
  readonly ctx: Ctx;
  private closed = false;
  /** Reply of the command after CLIENT REPLY SKIP is dropped. */
  private skipNext = false;

  constructor(
    readonly socket: Socket,
    private readonly server: KvServer,
    id: number,
  ) {
    this.id = id;
    this.addr = `${socket.remoteAddress}:${socket.remotePort}`;
    this.laddr = `${socket.localAddress}:${socket.localPort}`;
    this.fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd ?? -1;
    this.authenticated = server.passwordRequired() === false;
    this.parser = new RequestParser({ maxBulkLen: server.settings.proto_max_bulk_len as number });
    this.parser.setUnauthenticated(!this.authenticated);
    const conn = this;
    this.ctx = {
      ks: server.keyspace,
      db: server.keyspace.dbs[0],
      out: this.writer,
      client: this,
      server: server.api,
      notify(cls: NotifyClass, event: string, key: string, db?: number) {
        // Inside BEGIN, writes land in the transaction's own keyspace: announce them at COMMIT.
        const tx = conn.tx;
        if (tx !== null && conn.ctx.db === tx.shadow.dbs[conn.ctx.db.index]) tx.notify(cls, event, key, db ?? conn.db);
        else server.notify(cls, event, key, db ?? conn.db);
      },
      propagate() {},
      canBlock: true,
    };
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
    socket.on('drain', () => {
      if (!this.closed) socket.resume();
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get queryBufferBytes(): number {
    return this.parser.bufferedBytes;
  }

  get outputBufferBytes(): number {
    return this.socket.writableLength;
  }

  setProtocol(proto: 2 | 3): void {
    this.proto = proto;
    this.writer.proto = proto;
  }

  reset(): void {
    this.server.dispatcher.discardTransaction(this);
    this.server.pubsub.removeAll(this);
    this.setProtocol(2);
    this.db = 0;
    this.name = '';
    this.replyMode = 'on';
    this.skipNext = false;
    this.noEvict = false;
    this.noTouch = false;
    if (this.server.passwordRequired()) {
      this.authenticated = false;
      this.user = 'default';
      this.parser.setUnauthenticated(true);
    }
  }

  kill(): void {
    this.close();
  }

  /** A pub/sub message or keyspace notification: written now, flushed after the current turn. */
  deliver(kind: 'message' | 'pmessage' | 'smessage', pattern: string | null, channel: string, payload: string): void {
    if (this.closed) return;
    this.writer.raw(encodedMessage(kind, pattern, channel, payload, this.proto));
    this.server.scheduleFlush(this);
  }

  private readonly onCommand = (argv: string[]): void => {
    if (this.closed || this.closeAfterReply) return;
    if (this.blocked !== null || this.awaiting || this.pending.length > 0) {
      this.pending.push(argv);
      return;
    }
    this.run(argv);
  };

  private run(argv: string[]): void {
    const before = this.writer.length;
    const wasOff = this.replyMode === 'off';
    const skipThis = this.skipNext;
    this.skipNext = false;
    const wasAuthenticated = this.authenticated;
    try {
      this.server.dispatcher.execute(this, argv);
    } catch (e) {
      // Handlers' errors are caught by the dispatcher; this is a bug around them. One client
      // gets an error instead of every client losing the server (the parser must not see it).
      this.writer.truncate(before);
      this.writer.error(`ERR internal error: ${(e as Error).message}`.replace(/[\r\n]/g, ' '));
      this.server.log.error('dispatch failed', { client: this.id, command: argv[0], error: e as Error });
    }
    // Commands run inside feed(), so lifting the limits here applies to the rest of this read too.
    if (this.authenticated !== wasAuthenticated) this.parser.setUnauthenticated(!this.authenticated);
    // CLIENT REPLY: OFF and SKIP get no reply themselves; SKIP drops the next command's reply;
    // SKIP while OFF changes nothing.
    if (this.replyMode === 'skip') {
      this.replyMode = wasOff ? 'off' : 'on';
      this.skipNext = !wasOff;
      this.writer.truncate(before);
    } else if (this.replyMode === 'off' || skipThis) {
      this.writer.truncate(before);
    }
  }

  /** After being unblocked: runs what was pipelined behind the blocking command. */
  runPending(): void {
    while (this.pending.length > 0 && this.blocked === null && !this.awaiting && !this.closed && !this.closeAfterReply) {
      this.run(this.pending.shift() as string[]);
    }
    this.server.scheduleFlush(this);
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.lastInteraction = Date.now();
    this.server.keyspace.tick(this.lastInteraction);
    try {
      this.parser.feed(chunk, this.onCommand);
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      this.writer.error(e.message);
      this.server.log.debug('protocol error', { client: this.id, addr: this.addr, error: e.message });
      this.closeAfterReply = true;
    }
    if (this.parser.bufferedBytes > (this.server.settings.client_query_buffer_limit as number)) {
      // Redis closes such a client without a reply (freeClientAsync) and logs it.
      this.server.log.warn('closing client over client-query-buffer-limit', { client: this.id, addr: this.addr, bytes: this.parser.bufferedBytes });
      this.closeAfterReply = true;
    }
    this.flush();
    this.server.flushScheduled();
    if (this.closeAfterReply) this.close();
  }

  flush(): void {
    const out = this.writer.take();
    if (out === null || this.closed) return;
    // A client that does not read its replies stops being read from (no unbounded buffering).
    if (!this.socket.write(out)) this.socket.pause();
    if (this.subscriptions.any && this.socket.writableLength > this.server.pubsubOutputLimit) {
      this.server.log.warn('closing subscriber over client-output-buffer-limit pubsub', { client: this.id, addr: this.addr, bytes: this.socket.writableLength });
      this.close();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server.dispatcher.discardTransaction(this);
    this.server.blocking.unblock(this);
    this.server.pubsub.removeAll(this);
    if (this.socket.writable) this.socket.end();
    this.socket.destroySoon?.();
    this.server.removeClient(this);
  }
}
