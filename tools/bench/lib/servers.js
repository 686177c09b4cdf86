// Shared by the benchmarks: redis-server and the kv-server as child processes on free ports
// (always killed on exit, SIGINT or SIGTERM), a minimal RESP client, RSS from /proc, and a
// pipelined bulk loader of distinct keys.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');

const root = path.join(__dirname, '../../..');
const KV_MAIN = path.join(root, 'dist/apps/kv-server/main.js');

/** Every child started here; killed however the benchmark ends. */
const children = new Set();
let hooked = false;
function killChildren() {
  for (const c of children) {
    try {
      c.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
}
function hookExit() {
  if (hooked) return;
  hooked = true;
  process.on('exit', killChildren);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      killChildren();
      process.stderr.write(`\n${sig}: servers stopped\n`);
      process.exit(130);
    });
  }
  process.on('uncaughtException', (e) => {
    killChildren();
    process.stderr.write(`${e.stack || e}\n`);
    process.exit(1);
  });
}

function track(proc) {
  hookExit();
  children.add(proc);
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => {
    children.delete(proc);
    resolve({ code, signal });
  }));
  return exited;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function makeHandle(name, proc, port, exited, output) {
  return {
    name,
    proc,
    port,
    pid: proc.pid,
    exited,
    output,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

async function waitFor(what, check, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** redis-server without persistence on a free port, answering PING. */
async function startRedis(extra = []) {
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (c) => (out += c));
  proc.stderr.on('data', (c) => (out += c));
  const exited = track(proc);
  const handle = makeHandle('redis', proc, port, exited, () => out);
  await waitFor('redis-server', async () => {
    if (proc.exitCode !== null) throw new Error(`redis-server exited: ${out}`);
    try {
      const c = await RespClient.connect(port);
      await c.call(['PING']);
      c.close();
      return true;
    } catch {
      return undefined;
    }
  });
  return handle;
}

/** The built kv-server with --port=0; the port comes from its "ready" log line. */
async function startKvServer(args = [], nodeArgs = []) {
  if (!fs.existsSync(KV_MAIN)) throw new Error(`${KV_MAIN} is missing: node tools/build.js kv-server`);
  const proc = spawn(process.execPath, [...nodeArgs, KV_MAIN, '--port=0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: root });
  let out = '';
  const exited = track(proc);
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kv-server did not start: ${out}`)), 15000);
    const onData = (c) => {
      out += c;
      const m = /"msg":"ready to accept connections".*?"port":(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    exited.then(({ code }) => reject(new Error(`kv-server exited (${code}): ${out}`)));
  });
  return makeHandle('kv-server', proc, port, exited, () => out);
}

/** VmRSS of a process in bytes (Linux). */
function rssBytes(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : NaN;
}

/** User + system CPU time of a process in seconds (Linux; clock ticks are 100 Hz there). */
function cpuSeconds(pid) {
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

function encode(args) {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return s;
}

/** One reply's end in buf from pos, or -1 when incomplete. Enough of RESP2 for tools. */
function replyEnd(buf, pos) {
  if (pos >= buf.length) return -1;
  const eol = buf.indexOf('\r\n', pos);
  if (eol < 0) return -1;
  const type = String.fromCharCode(buf[pos]);
  const n = Number(buf.toString('latin1', pos + 1, eol));
  if (type === '$') return n < 0 ? eol + 2 : eol + 2 + n + 2 <= buf.length ? eol + 2 + n + 2 : -1;
  if (type === '*') {
    let p = eol + 2;
    for (let i = 0; i < n; i++) {
      p = replyEnd(buf, p);
      if (p < 0) return -1;
    }
    return p;
  }
  return eol + 2;
}

/** A sequential RESP2 client for setup and INFO: call() sends one command and returns its raw reply. */
class RespClient {
  constructor(socket) {
    this.socket = socket;
    this.buf = Buffer.alloc(0);
    this.waiters = [];
    socket.on('data', (c) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, c]) : c;
      this.drain();
    });
    socket.on('error', (e) => this.failAll(e));
    socket.on('close', () => this.failAll(new Error('connection closed')));
  }

  static connect(port) {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => {
        s.off('error', reject);
        resolve(new RespClient(s));
      });
      s.on('error', reject);
    });
  }

  drain() {
    while (this.waiters.length) {
      const end = replyEnd(this.buf, 0);
      if (end < 0) return;
      const reply = this.buf.subarray(0, end);
      this.buf = this.buf.subarray(end);
      this.waiters.shift().resolve(reply);
    }
  }

  failAll(e) {
    for (const w of this.waiters.splice(0)) w.reject(e);
  }

  call(args) {
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.socket.write(encode(args));
    });
  }

  /** INFO <section> as a map of field → value. */
  async info(section) {
    const raw = (await this.call(['INFO', section])).toString('latin1');
    const body = raw.slice(raw.indexOf('\r\n') + 2);
    const fields = {};
    for (const line of body.split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0 && !line.startsWith('#')) fields[line.slice(0, i)] = line.slice(i + 1);
    }
    return fields;
  }

  close() {
    this.socket.destroy();
  }
}

/**
 * SETs `count` distinct keys (key:<n>, zero-padded) with `valueBytes`-byte values over one
 * socket, pipelined in batches with a bounded window. Every reply must be +OK.
 */
function loadKeys(port, count, valueBytes, onProgress) {
  const value = 'v'.repeat(valueBytes);
  const BATCH = 5000;
  const WINDOW = 4;
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    let sent = 0;
    let acked = 0;
    let pendingBytes = 0;
    const sendBatch = () => {
      const end = Math.min(count, sent + BATCH);
      const parts = [];
      for (let i = sent; i < end; i++) {
        const k = `key:${String(i).padStart(10, '0')}`;
        parts.push(`*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$${valueBytes}\r\n${value}\r\n`);
      }
      sent = end;
      s.write(parts.join(''));
    };
    const pump = () => {
      while (sent < count && sent - acked < BATCH * WINDOW) sendBatch();
    };
    s.on('connect', pump);
    s.on('error', reject);
    s.on('data', (c) => {
      // Every reply is "+OK\r\n" (5 bytes, no '-'): a '-' means an error reply.
      if (c.indexOf(0x2d) >= 0) {
        s.destroy();
        reject(new Error(`load failed: ${c.toString('latin1').slice(0, 200)}`));
        return;
      }
      pendingBytes += c.length;
      acked = Math.floor(pendingBytes / 5);
      if (onProgress) onProgress(acked, count);
      if (acked >= count) {
        s.destroy();
        resolve();
        return;
      }
      pump();
    });
  });
}

/** spawn() whose child is killed with the servers when the benchmark is interrupted. */
function spawnTracked(cmd, args, options) {
  const proc = spawn(cmd, args, options);
  track(proc);
  return proc;
}

module.exports = { root, KV_MAIN, spawnTracked, freePort, startRedis, startKvServer, rssBytes, cpuSeconds, RespClient, loadKeys, killChildren, waitFor };
