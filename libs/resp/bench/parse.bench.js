#!/usr/bin/env node
// Micro-benchmark of libs/resp: request parsing and reply writing throughput.
// Usage: node libs/resp/bench/parse.bench.js   (bundles libs/resp/src with esbuild into a temp dir)
// Numbers depend on the machine and its load; they are printed, never asserted.
const path = require('path');
const os = require('os');
const esbuild = require('esbuild');

const out = path.join(os.tmpdir(), `strata-resp-bench-${process.pid}.js`);
esbuild.buildSync({
  entryPoints: [path.join(__dirname, '../src/index.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile: out,
  logLevel: 'warning',
});
const { RequestParser, RespWriter } = require(out);
require('fs').unlinkSync(out);

const N = 10000;
const value = 'v'.repeat(100);
const bulk = (s) => `$${s.length}\r\n${s}\r\n`;
const setStream = Buffer.from(
  Array.from({ length: N }, (_, i) => `*3\r\n${bulk('SET')}${bulk('key:' + i)}${bulk(value)}`).join(''),
  'latin1',
);
const getStream = Buffer.from(Array.from({ length: N }, (_, i) => `*2\r\n${bulk('GET')}${bulk('key:' + i)}`).join(''), 'latin1');

/** Splits a buffer into chunks as a socket delivers them (64 KiB reads). */
function chunked(buf, size) {
  const chunks = [];
  for (let i = 0; i < buf.length; i += size) chunks.push(buf.subarray(i, i + size));
  return chunks;
}

/** CPU time of this process in ns: fairer than wall time on a machine shared with other work. */
function cpuNs() {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

function measure(name, unitsPerRound, round) {
  // Warm up, then run rounds for about a second of CPU time; report the best of 5 slices.
  for (let i = 0; i < 20; i++) round();
  let best = 0;
  for (let slice = 0; slice < 5; slice++) {
    let rounds = 0;
    const start = cpuNs();
    let elapsed = 0;
    while (elapsed < 2e8) {
      round();
      rounds++;
      elapsed = cpuNs() - start;
    }
    best = Math.max(best, (unitsPerRound * rounds) / (elapsed / 1e9));
  }
  console.log(`${name.padEnd(52)} ${(best / 1e6).toFixed(2).padStart(7)} M/s`);
  return best;
}

function parseRound(chunks) {
  return () => {
    const parser = new RequestParser();
    let count = 0;
    for (const c of chunks) parser.feed(c, () => count++);
    if (count !== N) throw new Error(`parsed ${count} commands, expected ${N}`);
  };
}

console.log(`SET stream ${setStream.length} bytes, GET stream ${getStream.length} bytes, ${N} commands each`);
measure('parse SET key:N <100 bytes>, one buffer   (cmds/s)', N, parseRound([setStream]));
measure('parse SET key:N <100 bytes>, 64 KiB reads (cmds/s)', N, parseRound(chunked(setStream, 65536)));
measure('parse SET, 1500-byte reads                (cmds/s)', N, parseRound(chunked(setStream, 1500)));
measure('parse GET key:N, one buffer               (cmds/s)', N, parseRound([getStream]));
measure('parse GET key:N, 64 KiB reads             (cmds/s)', N, parseRound(chunked(getStream, 65536)));

const inlineStream = Buffer.from(Array.from({ length: N }, (_, i) => `GET key:${i}\r\n`).join(''), 'latin1');
measure('parse inline GET key:N                    (cmds/s)', N, parseRound([inlineStream]));

function writerRound(write) {
  const w = new RespWriter(2);
  return () => {
    for (let i = 0; i < N; i++) write(w, i);
    const out = w.take();
    if (out === null) throw new Error('nothing written');
  };
}
measure('write +OK                              (replies/s)', N, writerRound((w) => w.ok()));
measure('write bulk of 100 bytes                (replies/s)', N, writerRound((w) => w.bulk(value)));
measure('write bulk of 10 bytes                 (replies/s)', N, writerRound((w) => w.bulk('0123456789')));
measure('write integer i                        (replies/s)', N, writerRound((w, i) => w.integer(i)));
measure('write array of 100 bulks (LRANGE_100)  (replies/s)', N / 100, () => {
  const w = new RespWriter(2);
  for (let r = 0; r < N / 100; r++) {
    w.array(100);
    for (let i = 0; i < 100; i++) w.bulk('xxx');
  }
  w.take();
});
