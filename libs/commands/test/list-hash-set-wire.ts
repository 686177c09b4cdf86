// For the list, hash and set tests: runs a command on a TestServer and returns its reply as the
// RESP type markers it would write ("*-1", "$-1", "_", "~2 $a $b", "%1 $f $v", ...), which tells
// apart what the decoded harness replies merge (null bulk vs null array, array vs set vs map).
import type { ReplySink } from '@strata/resp';
import { CommandError, Ctx } from '@strata/commands';
import type { TestServer } from './harness';

export function wire(s: TestServer, ...argv: string[]): string {
  const out: string[] = [];
  const proto = s.client.proto;
  const sink: ReplySink = {
    proto,
    ok: () => out.push('+OK'),
    simple: (t) => out.push(`+${t}`),
    error: (m) => out.push(`-${m}`),
    integer: (n) => out.push(`:${n}`),
    bulk: (b) => out.push(`$${b}`),
    nullBulk: () => out.push(proto === 3 ? '_' : '$-1'),
    nullArray: () => out.push(proto === 3 ? '_' : '*-1'),
    array: (n) => out.push(`*${n}`),
    map: (n) => out.push(proto === 3 ? `%${n}` : `*${n * 2}`),
    set: (n) => out.push(proto === 3 ? `~${n}` : `*${n}`),
    push: (n) => out.push(`>${n}`),
    double: (d) => out.push(proto === 3 ? `,${d}` : `$${d}`),
    bool: (b) => out.push(proto === 3 ? (b ? '#t' : '#f') : b ? ':1' : ':0'),
    verbatim: (t) => out.push(`=${t}`),
    bigNumber: (t) => out.push(`(${t}`),
  };
  const ctx: Ctx = {
    ks: s.ks, db: s.ks.dbs[s.client.db], out: sink, client: s.client, server: s.server,
    notify: (cls, event, key) => s.notifications.push(`${cls}:${event}:${key}`),
    propagate: (a) => s.propagated.push(a),
    canBlock: false,
  };
  const cmd = s.table.get(argv[0]);
  if (cmd === undefined || !cmd.arityOk(argv.length)) throw new Error(`bad test command ${argv.join(' ')}`);
  try {
    cmd.handler?.(ctx, argv);
  } catch (e) {
    if (e instanceof CommandError) out.push(`-${e.reply}`);
    else throw e;
  }
  return out.join(' ');
}
