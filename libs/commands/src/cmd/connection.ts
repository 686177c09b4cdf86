import { parseSafeInteger } from '../args';
import type { ClientView, Ctx } from '../context';
import { Err, fail } from '../errors';
import { NO_KEYS, type CommandDef } from '../table';

function ping(ctx: Ctx, argv: string[]): void {
  if (argv.length > 2) fail(Err.arity('ping'));
  if (argv.length === 2) ctx.out.bulk(argv[1]);
  else ctx.out.simple('PONG');
}

function auth(ctx: Ctx, argv: string[]): void {
  if (argv.length > 3) fail(Err.syntax);
  const user = argv.length === 3 ? argv[1] : 'default';
  const pass = argv[argv.length - 1];
  const r = ctx.server.checkPassword(user, pass);
  if (r === 'nopass' && argv.length === 2) fail(Err.noPasswordSet);
  // The default user without a password ("nopass") accepts any password in the two-argument form.
  if (r === 'wrongpass') {
    ctx.client.authenticated = false;
    fail(Err.wrongPass);
  }
  ctx.client.authenticated = true;
  ctx.client.user = user;
  ctx.out.ok();
}

function hello(ctx: Ctx, argv: string[]): void {
  let proto = ctx.client.proto;
  let i = 1;
  if (argv.length >= 2) {
    const v = parseSafeInteger(argv[1]);
    if (v === null) fail('ERR Protocol version is not an integer or out of range');
    if (v < 2 || v > 3) fail('NOPROTO unsupported protocol version');
    proto = v as 2 | 3;
    i = 2;
  }
  let name: string | undefined;
  for (; i < argv.length; i++) {
    const opt = argv[i].toUpperCase();
    const left = argv.length - i - 1;
    if (opt === 'AUTH' && left >= 2) {
      const r = ctx.server.checkPassword(argv[i + 1], argv[i + 2]);
      if (r === 'wrongpass') fail(Err.wrongPass);
      ctx.client.authenticated = true;
      ctx.client.user = argv[i + 1];
      i += 2;
    } else if (opt === 'SETNAME' && left >= 1) {
      name = argv[++i];
      checkClientName(name);
    } else fail(`ERR Syntax error in HELLO option '${argv[i]}'`);
  }
  if (!ctx.client.authenticated) fail('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time');
  if (name !== undefined) ctx.client.name = name;
  ctx.client.setProtocol(proto);
  const o = ctx.out;
  o.map(7);
  o.bulk('server');
  o.bulk('redis');
  o.bulk('version');
  o.bulk(ctx.server.version);
  o.bulk('proto');
  o.integer(proto);
  o.bulk('id');
  o.integer(ctx.client.id);
  o.bulk('mode');
  o.bulk('standalone');
  o.bulk('role');
  o.bulk('master');
  o.bulk('modules');
  o.array(0);
}

function select(ctx: Ctx, argv: string[]): void {
  const n = parseSafeInteger(argv[1]);
  if (n === null) fail(Err.notInteger);
  if (n < 0 || n >= ctx.ks.dbs.length) fail(Err.dbIndexOutOfRange);
  ctx.client.db = n;
  ctx.db = ctx.ks.dbs[n];
  ctx.out.ok();
}

function quit(ctx: Ctx): void {
  ctx.client.closeAfterReply = true;
  ctx.out.ok();
}

function reset(ctx: Ctx): void {
  ctx.client.reset();
  ctx.db = ctx.ks.dbs[0];
  ctx.out.simple('RESET');
}

function checkClientName(name: string): void {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 33 || c > 126) fail('ERR Client names cannot contain spaces, newlines or special characters.');
  }
}

/** One line of CLIENT LIST / CLIENT INFO, in Redis 7.0's field order. */
export function clientInfoLine(c: ClientView, now: number, currentCmd?: string): string {
  const flags = 'N';
  return (
    `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${c.fd} name=${c.name} ` +
    `age=${Math.floor((now - c.createdAt) / 1000)} idle=${Math.floor((now - c.lastInteraction) / 1000)} flags=${flags} ` +
    `db=${c.db} sub=0 psub=0 ssub=0 multi=-1 qbuf=${c.queryBufferBytes} qbuf-free=0 argv-mem=0 multi-mem=0 ` +
    `rbs=16384 rbp=0 obl=0 oll=0 omem=${c.outputBufferBytes} tot-mem=0 events=r cmd=${currentCmd ?? c.lastCommand} ` +
    `user=${c.user} redir=-1 resp=${c.proto}`
  );
}

function findClient(ctx: Ctx): ClientView | undefined {
  for (const c of ctx.server.clients()) if (c.id === ctx.client.id) return c;
  return undefined;
}

function clientList(ctx: Ctx, argv: string[]): void {
  let ids: Set<number> | undefined;
  if (argv.length > 2) {
    const opt = argv[2].toUpperCase();
    if (opt === 'TYPE' && argv.length === 4) {
      const t = argv[3].toLowerCase();
      if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(t)) fail(`ERR Unknown client type '${argv[3]}'`);
      if (t !== 'normal') return ctx.out.verbatim('', 'txt');
    } else if (opt === 'ID' && argv.length >= 4) {
      ids = new Set();
      for (let i = 3; i < argv.length; i++) {
        const n = parseSafeInteger(argv[i]);
        if (n === null || n <= 0) fail('ERR Invalid client ID');
        ids.add(n);
      }
    } else fail(Err.syntax);
  }
  let text = '';
  for (const c of ctx.server.clients()) {
    if (ids && !ids.has(c.id)) continue;
    text += clientInfoLine(c, ctx.ks.now, c.id === ctx.client.id ? 'client|list' : undefined) + '\n';
  }
  ctx.out.verbatim(text, 'txt');
}

function clientKill(ctx: Ctx, argv: string[]): void {
  if (argv.length === 3) {
    for (const c of ctx.server.clients()) {
      if (c.addr === argv[2]) {
        c.kill();
        return ctx.out.ok();
      }
    }
    fail('ERR No such client');
  }
  if (argv.length % 2 !== 0) fail(Err.syntax);
  let id: number | undefined;
  let addr: string | undefined;
  let laddr: string | undefined;
  let user: string | undefined;
  let type: string | undefined;
  let skipMe = true;
  let maxAge = 0;
  for (let i = 2; i < argv.length; i += 2) {
    const opt = argv[i].toUpperCase();
    const v = argv[i + 1];
    if (opt === 'ID') {
      const n = parseSafeInteger(v);
      if (n === null || n <= 0) fail('ERR client-id should be greater than 0');
      id = n;
    } else if (opt === 'ADDR') addr = v;
    else if (opt === 'LADDR') laddr = v;
    else if (opt === 'USER') user = v;
    else if (opt === 'TYPE') {
      type = v.toLowerCase();
      if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(type)) fail(`ERR Unknown client type '${v}'`);
    } else if (opt === 'SKIPME') {
      const y = v.toLowerCase();
      if (y !== 'yes' && y !== 'no') fail(Err.syntax);
      skipMe = y === 'yes';
    } else if (opt === 'MAXAGE') {
      const n = parseSafeInteger(v);
      if (n === null) fail(Err.notInteger);
      maxAge = n;
    } else fail(Err.syntax);
  }
  let killed = 0;
  for (const c of [...ctx.server.clients()]) {
    if (id !== undefined && c.id !== id) continue;
    if (addr !== undefined && c.addr !== addr) continue;
    if (laddr !== undefined && c.laddr !== laddr) continue;
    if (user !== undefined && c.user !== user) continue;
    if (type !== undefined && type !== 'normal') continue;
    if (skipMe && c.id === ctx.client.id) continue;
    if (maxAge && (ctx.ks.now - c.createdAt) / 1000 < maxAge) continue;
    c.kill();
    killed++;
  }
  ctx.out.integer(killed);
}

function onOff(ctx: Ctx, arg: string, set: (on: boolean) => void): void {
  const v = arg.toUpperCase();
  if (v !== 'ON' && v !== 'OFF') fail(Err.syntax);
  set(v === 'ON');
  ctx.out.ok();
}

const CLIENT_HELP = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  '    * ID <client-id>',
  '      Kill connections by client id.',
  '    * MAXAGE <maxage>',
  '      Kill connections older than the specified age.',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
  'NO-TOUCH (ON|OFF)',
  '    Will not touch LRU/LFU stats when this mode is on.',
  'HELP',
  '    Print this help.',
];

export function replyHelp(ctx: Ctx, lines: readonly string[]): void {
  ctx.out.array(lines.length);
  for (const l of lines) ctx.out.simple(l);
}

function sub(name: string, arity: number, handler: CommandDef['handler'], summary: string, flags: CommandDef['flags'] = ['noscript', 'loading', 'stale']): CommandDef {
  return { name, arity, flags, keys: NO_KEYS, acl: ['connection'], group: 'connection', since: '2.4.0', summary, handler };
}

function conn(name: string, arity: number, flags: CommandDef['flags'], handler: CommandDef['handler'], summary: string, since: string): CommandDef {
  return { name, arity, flags, keys: NO_KEYS, acl: ['connection'], group: 'connection', since, summary, complexity: 'O(1)', handler };
}

export const connectionCommands: CommandDef[] = [
  conn('ping', -1, ['fast'], ping, 'Returns the server\'s liveliness response.', '1.0.0'),
  conn('echo', 2, ['fast'], (c, a) => c.out.bulk(a[1]), 'Returns the given string.', '1.0.0'),
  conn('auth', -2, ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], auth, 'Authenticates the connection.', '1.0.0'),
  conn('hello', -1, ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], hello, 'Handshakes with the Redis server.', '6.0.0'),
  conn('select', 2, ['loading', 'stale', 'fast'], select, 'Changes the selected database.', '1.0.0'),
  conn('quit', -1, ['allow_busy', 'noscript', 'loading', 'stale', 'fast', 'no_auth'], quit, 'Closes the connection.', '1.0.0'),
  conn('reset', 1, ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], reset, 'Resets the connection.', '6.2.0'),
  {
    name: 'client', arity: -2, flags: [], keys: NO_KEYS, acl: ['connection'], group: 'connection', since: '2.4.0',
    summary: 'A container for client connection commands.', complexity: 'Depends on subcommand.',
    subcommands: [
      sub('id', 2, (c) => c.out.integer(c.client.id), 'Returns the unique client ID of the connection.'),
      sub('getname', 2, (c) => (c.client.name ? c.out.bulk(c.client.name) : c.out.nullBulk()), 'Returns the name of the connection.'),
      sub('setname', 3, (c, a) => {
        checkClientName(a[2]);
        c.client.name = a[2];
        c.out.ok();
      }, 'Sets the connection name.'),
      sub('list', -2, clientList, 'Lists open connections.', ['admin', 'noscript', 'loading', 'stale']),
      sub('info', 2, (c) => {
        const me = findClient(c);
        c.out.verbatim(me ? clientInfoLine(me, c.ks.now, 'client|info') + '\n' : '', 'txt');
      }, 'Returns information about the connection.'),
      sub('kill', -3, clientKill, 'Terminates open connections.', ['admin', 'noscript', 'loading', 'stale']),
      sub('reply', 3, (c, a) => {
        const v = a[2].toUpperCase();
        if (v === 'ON') {
          c.client.replyMode = 'on';
          c.out.ok();
        } else if (v === 'OFF' || v === 'SKIP') c.client.replyMode = v === 'OFF' ? 'off' : 'skip';
        else fail(Err.syntax);
      }, 'Instructs the server whether to reply to commands.'),
      sub('no-evict', 3, (c, a) => onOff(c, a[2], (on) => (c.client.noEvict = on)), 'Sets the client eviction mode of the connection.', ['admin', 'noscript', 'loading', 'stale']),
      sub('no-touch', 3, (c, a) => onOff(c, a[2], (on) => (c.client.noTouch = on)), 'Controls whether commands sent by the client affect the LRU/LFU of accessed keys.'),
      sub('unblock', -3, (c, a) => {
        const id = parseSafeInteger(a[2]);
        if (id === null) fail(Err.notInteger);
        let withError = false;
        if (a.length === 4) {
          const m = a[3].toUpperCase();
          if (m === 'ERROR') withError = true;
          else if (m !== 'TIMEOUT') fail('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
        } else if (a.length > 4) fail(Err.syntax);
        c.out.integer(c.server.unblockClient(id, withError) ? 1 : 0);
      }, 'Unblocks a client blocked by a blocking command from a different connection.', ['admin', 'noscript', 'loading', 'stale']),
      sub('getredir', 2, (c) => c.out.integer(-1), 'Returns the client ID to which the connection\'s tracking notifications are redirected.'),
      sub('help', 2, (c) => replyHelp(c, CLIENT_HELP), 'Returns helpful text about the different subcommands.'),
    ],
  },
];

