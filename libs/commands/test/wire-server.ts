// Replays commands as the connection would and returns each reply as the RESP it puts on the wire,
// written as tokens ("*2 $a _", "$-1", ":3"): for scenarios recorded from Redis 7.0.15.
import { RespWriter } from '@strata/resp';
import { CommandError, Ctx, ZSetValue } from '@strata/commands';
import { TestServer } from './harness';

/** RESP bytes as space-separated tokens: type byte + line (bulk strings: their bytes). */
export function tokens(buf: Buffer): string {
  const out: string[] = [];
  let pos = 0;
  const read = (): void => {
    const eol = buf.indexOf('\r\n', pos, 'latin1');
    const type = String.fromCharCode(buf[pos]);
    const line = buf.toString('latin1', pos + 1, eol);
    pos = eol + 2;
    if (type === '$' && Number(line) >= 0) {
      out.push(type + buf.toString('latin1', pos, pos + Number(line)));
      pos += Number(line) + 2;
      return;
    }
    out.push(type + line);
    const n = type === '*' || type === '~' || type === '>' ? Number(line) : type === '%' ? 2 * Number(line) : 0;
    for (let i = 0; i < n; i++) read();
  };
  while (pos < buf.length) read();
  return out.join(' ');
}

/** Runs commands as the connection would (arity check, handler, error reply) and tokenizes the reply. */
export class WireServer {
  readonly base = new TestServer();
  notifications: string[] = [];
  propagated: string[][] = [];

  run(...argv: string[]): string {
    const s = this.base;
    const out = new RespWriter(s.client.proto);
    this.runOn(out, argv);
    return tokens(out.take() ?? Buffer.alloc(0));
  }

  runOn(out: Ctx['out'], argv: string[]): void {
    const s = this.base;
    // Asserted rather than annotated: the context grows fields other commands need (canBlock).
    const ctx = {
      ks: s.ks, db: s.ks.dbs[s.client.db], out, client: s.client, server: s.server, canBlock: true,
      notify: (cls: string, event: string, key: string) => this.notifications.push(`${cls}:${event}:${key}`),
      propagate: (a: string[]) => this.propagated.push(a),
    } as Ctx;
    const cmd = s.table.get(argv[0]);
    if (cmd === undefined) throw new Error(`no command ${argv[0]}`);
    if (!cmd.arityOk(argv.length)) return out.error(`ERR wrong number of arguments for '${cmd.fullName}' command`);
    try {
      cmd.handler?.(ctx, argv);
    } catch (e) {
      if (e instanceof CommandError) out.error(e.reply);
      else throw e;
    }
  }

  zset(key: string): ZSetValue {
    return this.base.ks.dbs[0].get(key)?.value as ZSetValue;
  }
}
