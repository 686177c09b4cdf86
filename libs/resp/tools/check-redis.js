#!/usr/bin/env node
// Checks the recorded protocol-error fixtures against a real redis-server: starts one on a free
// port (no persistence), sends each request on a fresh connection, and compares its answer with
// the fixture. Optional tooling: the tests use the fixture and never need redis-server.
// Usage: node libs/resp/tools/check-redis.js [path/to/redis-server]
const { spawn } = require('child_process');
const net = require('net');
const fixture = require('../test/fixtures/redis-protocol-errors.json');

const build = (parts) => parts.map((p) => (typeof p === 'string' ? p : p.repeat.repeat(p.times))).join('');

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Sends the bytes, then (when `ping`) a PING after a pause; returns what was answered until the
 * server closes, PONGs, or stays silent for `quietMs`.
 */
function ask(port, bytes, ping = true, quietMs = 3000) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let reply = '';
    const deadline = setTimeout(() => { sock.destroy(); resolve({ reply, closed: false }); }, quietMs);
    sock.on('data', (d) => {
      reply += d.toString('latin1');
      if (reply.endsWith('+PONG\r\n')) { clearTimeout(deadline); sock.destroy(); resolve({ reply, closed: false }); }
    });
    sock.on('close', () => { clearTimeout(deadline); resolve({ reply, closed: true }); });
    sock.on('error', reject);
    sock.on('connect', () => {
      sock.write(Buffer.from(bytes, 'latin1'));
      if (ping) setTimeout(() => sock.write('*1\r\n$4\r\nPING\r\n'), 200);
    });
  });
}

async function waitForPing(port, deadlineMs) {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      const r = await ask(port, '');
      if (r.reply.includes('+PONG')) return;
    } catch { /* not listening yet */ }
    if (Date.now() > until) throw new Error('redis-server did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
}

(async () => {
  const port = await freePort();
  const server = spawn(process.argv[2] || 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  let failures = 0;
  try {
    await waitForPing(port, 10000);
    for (const c of fixture.cases) {
      const input = build(c.parts);
      // A request expected to wait must get no answer for a while and keep the connection open;
      // an error must be the only answer, then the server closes.
      const { reply, closed } = c.error === null ? await ask(port, input, false, 500) : await ask(port, input);
      const ok = c.error === null ? reply === '' && !closed : reply === `-${c.error}\r\n` && closed;
      if (!ok) failures++;
      const shown = JSON.stringify(input.length > 60 ? input.slice(0, 40) + `...(${input.length} bytes)` : input);
      console.log(`${ok ? 'ok  ' : 'FAIL'} ${shown} => ${JSON.stringify(reply)}`);
    }
  } finally {
    server.kill('SIGTERM');
  }
  console.log(failures === 0 ? 'all fixtures match redis-server' : `${failures} fixtures differ`);
  process.exit(failures === 0 ? 0 : 1);
})();
