#!/usr/bin/env node
// Appends/s of 100-byte records with fsync, at several concurrencies.
// Build first:  npx esbuild libs/wal/src/index.ts --bundle --platform=node --outfile=/tmp/wal.js
// Run:          node libs/wal/bench/append-bench.js [/tmp/wal.js] [seconds per run]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const bundle = process.argv[2] || '/tmp/wal.js';
const seconds = Number(process.argv[3] || 3);
const { Wal, FaultyFileLayer, NodeFileLayer } = require(path.resolve(bundle));

async function run(concurrency) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-wal-bench-'));
  const files = new FaultyFileLayer(new NodeFileLayer()); // only for its counters
  const wal = await Wal.open({ dir, files });
  const payload = Buffer.alloc(100, 7);
  const deadline = process.hrtime.bigint() + BigInt(seconds * 1e9);
  let appended = 0;
  const latencies = [];
  async function client() {
    while (process.hrtime.bigint() < deadline) {
      const start = process.hrtime.bigint();
      await wal.append(payload);
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
      appended++;
    }
  }
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, client));
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  await wal.close();
  fs.rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))].toFixed(2);
  return {
    concurrency,
    appendsPerSec: Math.round(appended / elapsed),
    fsyncs: files.counters.syncs,
    recordsPerFsync: +(appended / files.counters.syncs).toFixed(1),
    p50ms: pct(0.5),
    p99ms: pct(0.99),
  };
}

(async () => {
  const results = [];
  for (const concurrency of [1, 16, 256]) results.push(await run(concurrency));
  console.table(results);
})();
