#!/usr/bin/env node
// Log service benchmark: acknowledged appends/s and p50/p99 ack latency (per batch) for 1 and 2
// groups of 3 replicas (three local log-servers, each hosting one replica of every group),
// batches of 1, 16 and 256 records of 100 bytes, fsync on. Then a paced run at half the best
// batch-16 rate of one group, for the latency target. Writes bench-results/log.json and log.md.
// Usage: node tools/bench/log/bench.js [seconds per run (default 4)]
const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const readline = require('readline');

const ROOT = path.join(__dirname, '../../..');
const SECONDS = Number(process.argv[2] || 4);
const RECORD_BYTES = 100;

execFileSync(process.execPath, [path.join(ROOT, 'tools/build.js'), 'log-server'], { cwd: ROOT, stdio: 'inherit' });
require('esbuild').buildSync({
  entryPoints: [path.join(ROOT, 'libs/log-client/src/index.ts')],
  outfile: path.join(ROOT, 'dist/tools/log-client.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  tsconfig: path.join(ROOT, 'tsconfig.json'),
  logLevel: 'warning',
});
const { LogClient } = require(path.join(ROOT, 'dist/tools/log-client.js'));

const children = new Set();
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));
process.on('SIGINT', () => process.exit(130));

async function freePorts(n) {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise((res) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => res(s)); })));
  const ports = servers.map((s) => s.address().port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

function startServer(args) {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps/log-server/main.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.includes('"msg":"serving"')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`log-server exited ${code}`)));
  });
}

async function startCluster(groups) {
  const ports = await freePorts(3);
  const conf = ports.map((p) => `127.0.0.1:${p}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-log-bench-'));
  const procs = await Promise.all(conf.map((_, i) => startServer([`--conf=${conf.join(',')}`, `--node_id=${i}`, `--log_group_count=${groups}`, `--storage_path=${path.join(dir, 'n' + i)}`])));
  return { conf, dir, procs };
}

async function stopCluster(c) {
  for (const p of c.procs) p.kill('SIGKILL');
  await Promise.all(c.procs.map((p) => (p.exitCode !== null ? null : new Promise((r) => p.on('exit', r)))));
  fs.rmSync(c.dir, { recursive: true, force: true });
}

function pct(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] : 0;
}

/** Closed loop (inflight batches per group) or paced (targetRecordsPerSec per group). */
async function run(conf, groups, batch, { inflight, targetRecordsPerSec, seconds }) {
  const client = new LogClient({ servers: conf, writer: 'bench', maxBatchRecords: Math.max(256, batch) });
  for (let g = 0; g < groups; g++) await client.acquireWriter(g);
  const body = Buffer.alloc(RECORD_BYTES, 0x61);
  let seq = 0;
  const makeBatch = () => Array.from({ length: batch }, () => ({ turn: ++seq, parts: groups, commitTs: seq, body }));
  // Warm-up: let each group's leader settle.
  for (let g = 0; g < groups; g++) await client.appendBatch(g, makeBatch());
  const latencies = [];
  let records = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  const now = () => process.hrtime.bigint();
  const one = async (g) => {
    const t = now();
    await client.appendBatch(g, makeBatch());
    latencies.push(Number(now() - t) / 1e6);
    records += batch;
  };
  const checkpointer = setInterval(() => { for (let g = 0; g < groups; g++) client.updateCheckpoint(g, seq).catch(() => undefined); }, 1000);
  if (targetRecordsPerSec) {
    const intervalNs = 1e9 / (targetRecordsPerSec / batch);
    const pending = [];
    for (let g = 0; g < groups; g++) {
      pending.push((async () => {
        let k = 0;
        const inFlight = new Set();
        while (now() < end) {
          const due = start + BigInt(Math.round(k * intervalNs));
          const wait = Number(due - now()) / 1e6;
          if (wait > 1) await new Promise((r) => setTimeout(r, wait));
          const p = one(g).finally(() => inFlight.delete(p));
          inFlight.add(p);
          k++;
        }
        await Promise.all(inFlight);
      })());
    }
    await Promise.all(pending);
  } else {
    const loop = async (g) => { while (now() < end) await one(g); };
    const loops = [];
    for (let g = 0; g < groups; g++) for (let i = 0; i < inflight; i++) loops.push(loop(g));
    await Promise.all(loops);
  }
  clearInterval(checkpointer);
  const elapsed = Number(now() - start) / 1e9;
  client.close();
  latencies.sort((a, b) => a - b);
  return { recordsPerSec: Math.round(records / elapsed), batchesPerSec: Math.round(latencies.length / elapsed), p50ms: +pct(latencies, 0.5).toFixed(2), p99ms: +pct(latencies, 0.99).toFixed(2) };
}

(async () => {
  const results = [];
  for (const groups of [1, 2]) {
    const cluster = await startCluster(groups);
    for (const batch of [1, 16, 256]) {
      const inflight = batch === 256 ? 8 : 64;
      process.stdout.write(`groups=${groups} batch=${batch} inflight=${inflight}/group ... `);
      const r = await run(cluster.conf, groups, batch, { inflight, seconds: SECONDS });
      console.log(JSON.stringify(r));
      results.push({ mode: 'max', groups, batchRecords: batch, inflightPerGroup: inflight, ...r });
    }
    if (groups === 1) {
      const best = results.find((r) => r.groups === 1 && r.batchRecords === 16).recordsPerSec;
      const target = Math.round(best / 2);
      process.stdout.write(`groups=1 batch=16 paced at ${target} records/s ... `);
      const r = await run(cluster.conf, 1, 16, { targetRecordsPerSec: target, seconds: SECONDS });
      console.log(JSON.stringify(r));
      results.push({ mode: 'paced', groups: 1, batchRecords: 16, targetRecordsPerSec: target, ...r });
    }
    await stopCluster(cluster);
  }
  const out = path.join(ROOT, 'bench-results');
  fs.mkdirSync(out, { recursive: true });
  const meta = { date: new Date().toISOString(), cpus: os.cpus().length, node: process.version, secondsPerRun: SECONDS, recordBytes: RECORD_BYTES, fsync: true };
  fs.writeFileSync(path.join(out, 'log.json'), JSON.stringify({ meta, results }, null, 2));
  const lines = [
    `# Log service benchmark (${meta.date}, ${meta.cpus} CPUs, Node ${meta.node}, ${SECONDS}s per run, ${RECORD_BYTES}-byte records, fsync on, 3 local replicas per group)`,
    '',
    '| mode | groups | records/batch | in flight/group | records/s | batches/s | p50 ms | p99 ms |',
    '|---|---|---|---|---|---|---|---|',
    ...results.map((r) => `| ${r.mode === 'paced' ? `paced ${r.targetRecordsPerSec}/s` : 'closed loop'} | ${r.groups} | ${r.batchRecords} | ${r.inflightPerGroup ?? '-'} | ${r.recordsPerSec} | ${r.batchesPerSec} | ${r.p50ms} | ${r.p99ms} |`),
  ];
  fs.writeFileSync(path.join(out, 'log.md'), lines.join('\n') + '\n');
  console.log(lines.join('\n'));
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
