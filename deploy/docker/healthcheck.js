#!/usr/bin/env node
// Container health check of the generated compose files (exit 0 = healthy):
//   node deploy/docker/healthcheck.js resp HOST:PORT   a RESP PING answered +PONG (kv-server)
//   node deploy/docker/healthcheck.js grpc HOST:PORT   grpc.health.v1 Check('') is SERVING
const net = require('net');
const path = require('path');

const [mode, address] = process.argv.slice(2);
const m = /^(.+):(\d+)$/.exec(address || '');
if (!m || !['resp', 'grpc'].includes(mode)) {
  console.error('usage: healthcheck.js resp|grpc HOST:PORT');
  process.exit(2);
}
const fail = (why) => {
  console.error(`unhealthy: ${why}`);
  process.exit(1);
};
setTimeout(() => fail('no answer within 1.5 s'), 1500).unref();

if (mode === 'resp') {
  const sock = net.connect({ host: m[1], port: Number(m[2]) }, () => sock.write('*1\r\n$4\r\nPING\r\n'));
  let buf = '';
  sock.on('data', (d) => {
    buf += d.toString('latin1');
    if (!buf.includes('\r\n')) return;
    if (buf.startsWith('+PONG')) process.exit(0);
    fail(buf.trim());
  });
  sock.on('error', (e) => fail(e.message));
} else {
  const grpc = require('@grpc/grpc-js');
  const protoLoader = require('@grpc/proto-loader');
  const dir = path.join(__dirname, '../../proto');
  const def = protoLoader.loadSync(path.join(dir, 'health.proto'), { enums: String, includeDirs: [dir] });
  const { Health } = grpc.loadPackageDefinition(def).grpc.health.v1;
  const client = new Health(address, grpc.credentials.createInsecure());
  client.Check({ service: '' }, { deadline: Date.now() + 1200 }, (err, res) => {
    if (err) fail(err.message);
    if (res.status !== 'SERVING') fail(res.status);
    process.exit(0);
  });
}
