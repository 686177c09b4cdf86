#!/usr/bin/env node
// Storage benchmark: batchWrite items/s (100-byte values, batches of 100) and get/s (64 reads in
// flight) for RocksDB direct and through a store-server (store-client over gRPC).
// Usage: node tools/bench/store/bench.js [--items=200000] [--gets=200000] [--writers=1,8]
// Writes bench-results/store.json and bench-results/store.md at the repository root.
'use strict';
const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');
const esbuild = require('esbuild');

const root = path.join(__dirname, '../../..');
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--?/, '').split('=')));
const TOTAL_ITEMS = Number(args.items ?? 200_000);
const TOTAL_GETS = Number(args.gets ?? 200_000);
const WRITERS = String(args.writers ?? '1,8').split(',').map(Number);
const BATCH = 100;
const VALUE_BYTES = 100;
const GET_CONCURRENCY = 64;

/** Bundles the TypeScript libraries the benchmark drives into one CommonJS file. */
function loadLibraries(tmp) {
  const outfile = path.join(tmp, 'store-bench-libs.js');
  esbuild.buildSync({
    stdin: {
      contents: "export { RocksdbAdapter } from './libs/store/src/rocksdb'; export { slotOf } from './libs/store/src/slot'; export { StoreClient } from './libs/store-client/src';",
      resolveDir: root,
      loader: 'ts',
    },
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    tsconfig: path.join(root, 'tsconfig.json'),
    logLevel: 'warning',
  });
  // The bundle lives in tmp, so point the proto lookup at the repository.
  process.env.STRATA_PROTO_DIR = path.join(root, 'proto');
  // npm packages stay external: resolve them from the repository's node_modules.
  const Module = require('module');
  const requireFromRoot = Module.createRequire(path.join(root, 'package.json'));
  const code = fs.readFileSync(outfile, 'utf8');
  const m = new Module(outfile);
  m.filename = outfile;
  m.paths = requireFromRoot.resolve.paths('x');
  m._compile(code, outfile);
  return m.exports;
}

function progress(label, done, total, started) {
  const rate = done / ((Date.now() - started) / 1000 || 1e-9);
  process.stderr.write(`\r${label}: ${done}/${total} (${Math.round(rate)}/s)      `);
}

async function benchWrites(lib, adapter, label, writers) {
  const value = Buffer.alloc(VALUE_BYTES, 0x61);
  const batches = Math.ceil(TOTAL_ITEMS / BATCH);
  let next = 0;
  let written = 0;
  const started = Date.now();
  let lastReport = 0;
  const worker = async () => {
    for (let b = next++; b < batches; b = next++) {
      const items = [];
      for (let i = 0; i < BATCH; i++) {
        const key = Buffer.from(`key:${b * BATCH + i}`);
        items.push({ table: 'db0', slot: lib.slotOf(key), key, value, commitTs: 1_000_000 + b, expireAt: 0 });
      }
      await adapter.batchWrite(items);
      written += BATCH;
      if (Date.now() - lastReport > 250) {
        lastReport = Date.now();
        progress(label, written, batches * BATCH, started);
      }
    }
  };
  await Promise.all(Array.from({ length: writers }, worker));
  const seconds = (Date.now() - started) / 1000;
  progress(label, written, batches * BATCH, started);
  process.stderr.write('\n');
  return { items: written, seconds, perSecond: Math.round(written / seconds) };
}

async function benchGets(lib, adapter, label, keyCount) {
  let next = 0;
  let found = 0;
  const started = Date.now();
  let lastReport = 0;
  const worker = async () => {
    for (let n = next++; n < TOTAL_GETS; n = next++) {
      const key = Buffer.from(`key:${(n * 7919) % keyCount}`);
      const got = await adapter.get({ table: 'db0', slot: lib.slotOf(key), key });
      if (got) found++;
      if (Date.now() - lastReport > 250) {
        lastReport = Date.now();
        progress(label, n, TOTAL_GETS, started);
      }
    }
  };
  await Promise.all(Array.from({ length: GET_CONCURRENCY }, worker));
  const seconds = (Date.now() - started) / 1000;
  progress(label, TOTAL_GETS, TOTAL_GETS, started);
  process.stderr.write('\n');
  if (found !== TOTAL_GETS) throw new Error(`${label}: ${TOTAL_GETS - found} gets found nothing`);
  return { gets: TOTAL_GETS, seconds, perSecond: Math.round(TOTAL_GETS / seconds) };
}

async function startServer(dir) {
  const child = spawn(process.execPath, [path.join(root, 'dist/apps/store-server/main.js'), `--rocksdb_storage_path=${dir}`, '--ip=127.0.0.1', '--port=0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    let listening = 0;
    const timer = setTimeout(() => reject(new Error('store-server did not start within 20 s')), 20_000);
    child.on('exit', (code) => reject(new Error(`store-server exited with ${code}`)));
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line);
      if (entry.msg === 'listening') listening = entry.port;
      if (entry.msg === 'serving') {
        clearTimeout(timer);
        resolve(listening);
      }
    });
  });
  return { child, port };
}

async function runTarget(lib, name, makeAdapter) {
  const results = { target: name, writes: {}, gets: null };
  for (const writers of WRITERS) {
    const { adapter, close } = await makeAdapter(`w${writers}`);
    results.writes[writers] = await benchWrites(lib, adapter, `${name} batchWrite, ${writers} writer(s)`, writers);
    if (writers === WRITERS[WRITERS.length - 1]) {
      results.gets = await benchGets(lib, adapter, `${name} get, ${GET_CONCURRENCY} in flight`, results.writes[writers].items);
    }
    await close();
  }
  return results;
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-store-bench-'));
  const children = [];
  const cleanup = () => {
    for (const c of children) c.kill('SIGKILL');
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    process.stderr.write('building store-server and libraries...\n');
    execFileSync(process.execPath, [path.join(root, 'tools/build.js'), 'store-server'], { cwd: root, stdio: 'inherit' });
    const lib = loadLibraries(tmp);

    const direct = await runTarget(lib, 'rocksdb direct', async (tag) => {
      const adapter = new lib.RocksdbAdapter({ path: path.join(tmp, `direct-${tag}`) });
      await adapter.open();
      return { adapter, close: () => adapter.close() };
    });
    const remote = await runTarget(lib, 'store-server (rocksdb)', async (tag) => {
      const { child, port } = await startServer(path.join(tmp, `server-${tag}`));
      children.push(child);
      const adapter = new lib.StoreClient({ address: `127.0.0.1:${port}` });
      await adapter.open();
      return {
        adapter,
        close: async () => {
          await adapter.close();
          child.kill('SIGTERM');
          await new Promise((resolve) => child.once('exit', resolve));
        },
      };
    });

    const report = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      settings: { items: TOTAL_ITEMS, batch: BATCH, valueBytes: VALUE_BYTES, gets: TOTAL_GETS, getConcurrency: GET_CONCURRENCY, writers: WRITERS },
      results: [direct, remote],
    };
    const rows = [];
    for (const r of report.results) {
      for (const w of WRITERS) rows.push(`| ${r.target} | batchWrite items/s (batches of ${BATCH}, ${VALUE_BYTES}-byte values, ${w} writer(s)) | ${r.writes[w].perSecond.toLocaleString('en-US')} |`);
      rows.push(`| ${r.target} | get/s (${GET_CONCURRENCY} in flight) | ${r.gets.perSecond.toLocaleString('en-US')} |`);
    }
    const md = [
      `# Storage benchmark (${report.date}, Node ${report.node}, ${report.cpus} CPUs)`,
      '',
      `Durable writes (fsync per RocksDB write batch). ${TOTAL_ITEMS} items written per run, ${TOTAL_GETS} gets.`,
      '',
      '| target | measure | result |',
      '|---|---|---|',
      ...rows,
      '',
    ].join('\n');
    const outDir = path.join(root, 'bench-results');
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, 'store.json'), JSON.stringify(report, null, 2) + '\n');
    fs.writeFileSync(path.join(outDir, 'store.md'), md);
    process.stdout.write(md);
  } finally {
    cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
