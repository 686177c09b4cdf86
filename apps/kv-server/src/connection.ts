import type { Socket } from 'net';
import { ClientState, ClientView, Ctx, NotifyClass } from '@strata/commands';
import { ProtocolError, RequestParser, RespWriter } from '@strata/resp';
import type { KvServer } from './server';

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
        server.notify(cls, event, key, db ?? conn.db);
      },
      propagate() {},
    };
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
    socket.on('drain', () => {
      if (!this.closed) socket.resume();
    });
  }

  get queryBufferBytes(): number {
    return this.parser.hasPartial ? 1 : 0;
  }

  get outputBufferBytes(): number {
    return this.socket.writableLength;
  }

  setProtocol(proto: 2 | 3): void {
    this.proto = proto;
    this.writer.proto = proto;
  }

  reset(): void {
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

  private readonly onCommand = (argv: string[]): void => {
    if (this.closed || this.closeAfterReply) return;
    const before = this.writer.length;
    const wasOff = this.replyMode === 'off';
    const skipThis = this.skipNext;
    this.skipNext = false;
    this.server.dispatcher.execute(this, argv);
    // CLIENT REPLY: OFF and SKIP get no reply themselves; SKIP drops the next command's reply;
    // SKIP while OFF changes nothing.
    if (this.replyMode === 'skip') {
      this.replyMode = wasOff ? 'off' : 'on';
      this.skipNext = !wasOff;
      this.writer.truncate(before);
    } else if (this.replyMode === 'off' || skipThis) {
      this.writer.truncate(before);
    }
  };

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
    this.flush();
    if (this.closeAfterReply) this.close();
  }

  flush(): void {
    const out = this.writer.take();
    if (out !== null && !this.closed) {
      // A client that does not read its replies stops being read from (no unbounded buffering).
      if (!this.socket.write(out)) this.socket.pause();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.socket.writable) this.socket.end();
    this.socket.destroySoon?.();
    this.server.removeClient(this);
  }
}
