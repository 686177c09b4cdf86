#!/usr/bin/env node
// Storage benchmark: batchWrite items/s (100-byte values, batches of 100) and get/s (64 reads in
// flight) per adapter, direct and through a store-server (store-client over gRPC): RocksDB always;
// Cassandra and DynamoDB Local when the backends env file (tools/backends/ci-start.sh) or
// STRATA_CASSANDRA / STRATA_DYNAMODB name them. Each run uses its own keyspace/table, dropped after.
// Usage: node tools/bench/store/bench.js [--items=200000] [--gets=200000] [--writers=1,8]
//          [--remote_items=20000] [--remote_gets=20000] [--only=rocksdb,cassandra,dynamodb]
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
const LOCAL_ITEMS = Number(args.items ?? 200_000);
const LOCAL_GETS = Number(args.gets ?? 200_000);
// Networked backends on a shared 2-core machine are an order of magnitude slower: fewer items.
const REMOTE_ITEMS = Number(args.remote_items ?? 20_000);
const REMOTE_GETS = Number(args.remote_gets ?? 20_000);
const ONLY = String(args.only ?? 'rocksdb,cassandra,dynamodb').split(',');
const WRITERS = String(args.writers ?? '1,8').split(',').map(Number);
const BATCH = 100;
const VALUE_BYTES = 100;
const GET_CONCURRENCY = 64;

/** Bundles the TypeScript libraries the benchmark drives into one CommonJS file. */
function loadLibraries(tmp) {
  const outfile = path.join(tmp, 'store-bench-libs.js');
  esbuild.buildSync({
    stdin: {
      contents: [
        "export { RocksdbAdapter } from './libs/store/src/rocksdb';",
        "export { CassandraAdapter } from './libs/store/src/cassandra';",
        "export { DynamodbAdapter } from './libs/store/src/dynamodb';",
        "export { slotOf } from './libs/store/src/slot';",
        "export { StoreClient } from './libs/store-client/src';",
        "export { backendAddress, hostPort } from './tools/backends/backend-env';",
      ].join('\n'),
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

async function benchWrites(lib, adapter, label, writers, totalItems) {
  const value = Buffer.alloc(VALUE_BYTES, 0x61);
  const batches = Math.ceil(totalItems / BATCH);
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

async function benchGets(lib, adapter, label, keyCount, totalGets) {
  let next = 0;
  let found = 0;
  const started = Date.now();
  let lastReport = 0;
  const worker = async () => {
    for (let n = next++; n < totalGets; n = next++) {
      const key = Buffer.from(`key:${(n * 7919) % keyCount}`);
      const got = await adapter.get({ table: 'db0', slot: lib.slotOf(key), key });
      if (got) found++;
      if (Date.now() - lastReport > 250) {
        lastReport = Date.now();
        progress(label, n, totalGets, started);
      }
    }
  };
  await Promise.all(Array.from({ length: GET_CONCURRENCY }, worker));
  const seconds = (Date.now() - started) / 1000;
  progress(label, totalGets, totalGets, started);
  process.stderr.write('\n');
  if (found !== totalGets) throw new Error(`${label}: ${totalGets - found} gets found nothing`);
  return { gets: totalGets, seconds, perSecond: Math.round(totalGets / seconds) };
}

async function startServer(flags) {
  const child = spawn(process.execPath, [path.join(root, 'dist/apps/store-server/main.js'), ...flags, '--ip=127.0.0.1', '--port=0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    let listening = 0;
    const timer = setTimeout(() => reject(new Error('store-server did not start within 60 s')), 60_000);
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

async function runTarget(lib, name, sizes, makeAdapter) {
  const results = { target: name, items: sizes.items, gets: sizes.gets, writes: {}, reads: null };
  for (const writers of WRITERS) {
    const { adapter, close } = await makeAdapter(`w${writers}`);
    try {
      results.writes[writers] = await benchWrites(lib, adapter, `${name} batchWrite, ${writers} writer(s)`, writers, sizes.items);
      if (writers === WRITERS[WRITERS.length - 1]) {
        results.reads = await benchGets(lib, adapter, `${name} get, ${GET_CONCURRENCY} in flight`, results.writes[writers].items, sizes.gets);
      }
    } finally {
      await close();
    }
  }
  return results;
}

/** A store-server process and a store-client on it; close() stops both. */
async function viaServer(lib, children, flags) {
  const { child, port } = await startServer(flags);
  children.push(child);
  const adapter = new lib.StoreClient({ address: `127.0.0.1:${port}` });
  await adapter.open();
  return {
    adapter,
    close: async () => {
      await adapter.close();
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
    },
  };
}

/** Cassandra: keyspace per run, dropped afterwards through a direct adapter-free client. */
function cassandraTargets(lib, children, address) {
  const { host, port } = lib.hostPort(address);
  const keyspaces = [];
  const keyspace = (tag) => {
    const ks = `strata_bench_${process.pid}_${tag}`;
    keyspaces.push(ks);
    return ks;
  };
  const dropAll = async () => {
    const { Client } = require(require.resolve('cassandra-driver', { paths: [root] }));
    const client = new Client({ contactPoints: [host], protocolOptions: { port }, localDataCenter: 'datacenter1' });
    try {
      for (const ks of keyspaces) await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`);
    } finally {
      await client.shutdown();
    }
  };
  return {
    label: `cassandra at ${host}:${port}`,
    direct: async (tag) => {
      const adapter = new lib.CassandraAdapter({ hosts: [host], port, keyspace: keyspace(`d${tag}`), keyspaceClass: 'SimpleStrategy', keyspaceReplication: '1' });
      await adapter.open();
      return { adapter, close: () => adapter.close() };
    },
    server: (tag) => viaServer(lib, children, ['--store=cassandra', `--cass_hosts=${host}`, `--cass_port=${port}`, `--cass_keyspace=${keyspace(`s${tag}`)}`, '--cass_keyspace_replication=1']),
    dropAll,
  };
}

/** DynamoDB Local: table per run, deleted afterwards. */
function dynamodbTargets(lib, children, endpoint) {
  const tables = [];
  const table = (tag) => {
    const t = `strata_bench_${process.pid}_${tag}`;
    tables.push(t);
    return t;
  };
  const dropAll = async () => {
    const ddb = require(require.resolve('@aws-sdk/client-dynamodb', { paths: [root] }));
    const client = new ddb.DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    try {
      for (const t of tables) await client.send(new ddb.DeleteTableCommand({ TableName: t })).catch(() => undefined);
    } finally {
      client.destroy();
    }
  };
  return {
    label: `dynamodb local at ${endpoint}`,
    direct: async (tag) => {
      const adapter = new lib.DynamodbAdapter({ endpoint, region: 'us-east-1', table: table(`d${tag}`) });
      await adapter.open();
      return { adapter, close: () => adapter.close() };
    },
    server: (tag) => viaServer(lib, children, ['--store=dynamodb', `--dynamo_endpoint=${endpoint}`, '--dynamo_region=us-east-1', `--dynamo_table=${table(`s${tag}`)}`]),
    dropAll,
  };
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

    const results = [];
    const local = { items: LOCAL_ITEMS, gets: LOCAL_GETS };
    const remote = { items: REMOTE_ITEMS, gets: REMOTE_GETS };
    if (ONLY.includes('rocksdb')) {
      process.stderr.write('== rocksdb (temp directory)\n');
      results.push(
        await runTarget(lib, 'rocksdb direct', local, async (tag) => {
          const adapter = new lib.RocksdbAdapter({ path: path.join(tmp, `direct-${tag}`) });
          await adapter.open();
          return { adapter, close: () => adapter.close() };
        }),
      );
      results.push(await runTarget(lib, 'store-server (rocksdb)', local, (tag) => viaServer(lib, children, [`--rocksdb_storage_path=${path.join(tmp, `server-${tag}`)}`])));
    }
    const backends = [
      ['cassandra', 'STRATA_CASSANDRA', cassandraTargets],
      ['dynamodb', 'STRATA_DYNAMODB', dynamodbTargets],
    ];
    for (const [kind, envName, targets] of backends) {
      if (!ONLY.includes(kind)) continue;
      const address = lib.backendAddress(envName);
      if (!address) {
        process.stderr.write(`== ${kind}: SKIPPED, ${envName} is not set and the backends env file does not name it (tools/backends/ci-start.sh)\n`);
        continue;
      }
      const t = targets(lib, children, address);
      process.stderr.write(`== ${t.label}\n`);
      try {
        results.push(await runTarget(lib, `${kind} direct`, remote, t.direct));
        results.push(await runTarget(lib, `store-server (${kind})`, remote, t.server));
      } finally {
        await t.dropAll();
      }
    }

    const report = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      settings: { localItems: LOCAL_ITEMS, localGets: LOCAL_GETS, remoteItems: REMOTE_ITEMS, remoteGets: REMOTE_GETS, batch: BATCH, valueBytes: VALUE_BYTES, getConcurrency: GET_CONCURRENCY, writers: WRITERS },
      results,
    };
    const rows = [];
    for (const r of report.results) {
      for (const w of WRITERS) rows.push(`| ${r.target} | batchWrite items/s (${w} writer(s)) | ${r.writes[w].perSecond.toLocaleString('en-US')} | ${r.items.toLocaleString('en-US')} items |`);
      rows.push(`| ${r.target} | get/s (${GET_CONCURRENCY} in flight) | ${r.reads.perSecond.toLocaleString('en-US')} | ${r.gets.toLocaleString('en-US')} gets |`);
    }
    const md = [
      `# Storage benchmark (${report.date}, Node ${report.node}, ${report.cpus} CPUs)`,
      '',
      `Batches of ${BATCH} items with ${VALUE_BYTES}-byte values; durable writes (RocksDB: fsync per write batch; Cassandra: QUORUM, one node,`,
      `periodic commit log; DynamoDB Local: one conditional PutItem per item). Backends share the machine with the benchmark.`,
      '',
      '| target | measure | result | run size |',
      '|---|---|---|---|',
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
