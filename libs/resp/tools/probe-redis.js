#!/usr/bin/env node
// Sends raw bytes to a running redis-server and prints exactly what it answers (JSON-escaped),
// and whether it closed the connection. Used to record the expectations encoded in the tests.
// Usage: node libs/resp/tools/probe-redis.js PORT 'JS string literal of bytes' [...more cases]
const net = require('net');
const port = Number(process.argv[2]);

function probe(bytes) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const chunks = [];
    let closed = false; let ours = false;
    sock.on('data', (d) => chunks.push(d));
    sock.on("close", () => { closed = !ours; finish(); });
    sock.on('error', () => {});
    // A connection that stays open is asked a PING so we know everything before it was answered.
    const timer = setTimeout(() => { ours = true; sock.write('PING\r\n'); setTimeout(() => sock.destroy(), 300); }, 300);
    let done = false;
    function finish() {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ reply: Buffer.concat(chunks).toString('latin1'), closed });
    }
    sock.on('connect', () => sock.write(Buffer.from(bytes, 'latin1')));
  });
}

(async () => {
  for (const lit of process.argv.slice(3)) {
    const bytes = Function(`return ${lit}`)();
    const r = await probe(bytes);
    console.log(JSON.stringify(bytes.length > 200 ? bytes.slice(0, 60) + `...(${bytes.length})` : bytes), '=>', JSON.stringify(r.reply), r.closed ? 'CLOSED' : 'open');
  }
})();
