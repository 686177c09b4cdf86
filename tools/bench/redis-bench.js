#!/usr/bin/env node
// redis-benchmark against redis-server and the kv-server (dist build) in the same run, the
// feature tests of lib/features.js (XADD, EVALSHA, MULTI/EXEC, pub/sub fan-out; unpipelined
// only), then the memory of 1M distinct 100-byte string keys in each.
//
// Usage: node tools/bench/redis-bench.js [--quick] [--tests=set,get] [--pipelines=1,16]
//          [--requests=N] [--clients=50] [--keys=N] [--out=DIR] [--repeat=N]
//   --quick     20000 requests per run and 50000 keys for the memory figure (a smoke run)
//   --tests     redis-benchmark -t names and feature tests (xadd, evalsha_get, multi_exec, ...)
//   --out       where redis.json and redis.md go (default: bench-results/ at the repository root)
//   --repeat=N  run each test N times per target (order flipping) and keep each target's fastest
// Targets alternate per test (Redis first, then StrataKV first, ...) so neither always runs warm.
'use strict';
const fs = require('fs');
const path = require('path');
const os = require('os');
const { root, spawnTracked, startRedis, startKvServer, rssBytes, cpuSeconds, RespClient, loadKeys, killChildren } = require('./lib/servers');
const { FEATURES } = require('./lib/features');

/** -t names redis-benchmark 7.0 accepts, and the CSV row each one produces. */
const TESTS = {
  set: 'SET',
  get: 'GET',
  incr: 'INCR',
  lpush: 'LPUSH',
  lpop: 'LPOP',
  sadd: 'SADD',
  hset: 'HSET',
  zadd: 'ZADD',
  lrange_100: 'LRANGE_100 (first 100 elements)',
  mset: 'MSET (10 keys)',
};

function parseArgs(argv) {
  const a = {};
  for (const arg of argv) {
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unexpected argument '${arg}'`);
    a[m[1]] = m[2] ?? 'true';
  }
  const known = ['quick', 'tests', 'pipelines', 'requests', 'clients', 'keys', 'out', 'repeat', 'help'];
  for (const k of Object.keys(a)) if (!known.includes(k)) throw new Error(`unknown option --${k} (options: ${known.join(', ')})`);
  const quick = a.quick === 'true';
  const all = [...Object.keys(TESTS), ...Object.keys(FEATURES)];
  const tests = (a.tests ?? all.join(',')).split(',').map((t) => t.trim().toLowerCase());
  for (const t of tests) if (!all.includes(t)) throw new Error(`unknown test '${t}' (tests: ${all.join(', ')})`);
  const num = (name, dflt) => {
    const v = Number(a[name] ?? dflt);
    if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer`);
    return v;
  };
  return {
    help: a.help === 'true',
    quick,
    tests,
    pipelines: String(a.pipelines ?? '1,16').split(',').map(Number),
    requests: num('requests', quick ? 20000 : 200000),
    clients: num('clients', 50),
    keys: num('keys', quick ? 50000 : 1000000),
    repeat: num('repeat', 1),
    out: path.resolve(a.out ?? path.join(root, 'bench-results')),
  };
}

/** One redis-benchmark run; resolves with ops/s of the test's own CSV row. */
function runBenchmark(port, test, pipeline, opts) {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-q', '--csv', '-c', String(opts.clients), '-n', String(opts.requests), '-P', String(pipeline), '-t', test];
  return new Promise((resolve, reject) => {
    const p = spawnTracked('redis-benchmark', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (c) => (out += c));
    p.stderr.on('data', (c) => (err += c));
    p.on('error', reject);
    p.on('exit', (code) => {
      const want = `"${TESTS[test]}"`;
      const row = out.split('\n').find((l) => l.startsWith(want + ','));
      if (code !== 0 || !row) return reject(new Error(`redis-benchmark ${args.join(' ')} failed (${code}): ${err || out}`));
      const rps = Number(JSON.parse(`[${row}]`)[1]);
      if (!Number.isFinite(rps)) return reject(new Error(`unparsable row ${row}`));
      resolve(rps);
    });
  });
}

async function measureMemory(server, keys) {
  const c = await RespClient.connect(server.port);
  try {
    await c.call(['FLUSHALL']);
    const before = { used: Number((await c.info('memory')).used_memory), rss: rssBytes(server.pid) };
    const started = Date.now();
    let shown = -1;
    await loadKeys(server.port, keys, 100, (done, total) => {
      // One progress line per tenth of the load.
      const tenth = Math.floor((done * 10) / total);
      if (tenth === shown) return;
      shown = tenth;
      process.stderr.write(`\r  loading ${server.name}: ${done}/${total}      `);
    });
    const seconds = (Date.now() - started) / 1000;
    const dbsize = Number((await c.call(['DBSIZE'])).toString().slice(1));
    if (dbsize !== keys) throw new Error(`${server.name}: DBSIZE ${dbsize} after loading ${keys} keys`);
    const after = { used: Number((await c.info('memory')).used_memory), rss: rssBytes(server.pid) };
    process.stderr.write(`\r  ${server.name}: ${keys} keys in ${seconds.toFixed(1)} s                 \n`);
    await c.call(['FLUSHALL']);
    return { keys, loadSeconds: seconds, usedMemoryBefore: before.used, usedMemory: after.used, rssBefore: before.rss, rss: after.rss };
  } finally {
    c.close();
  }
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;

function markdown(result) {
  const lines = [
    `# redis-benchmark: Redis ${result.redisVersion} vs StrataKV`,
    '',
    `${result.requests} requests, ${result.clients} clients, best of ${result.repeat}, ${result.date}, ${result.host}, load average ${result.loadAverage.start.join(' ')} at start, ${result.loadAverage.end.join(' ')} at end.`,
    'Feature tests (unpipelined): XADD, EVALSHA and MULTI/EXEC run 1.5 × the requests (transactions for MULTI/EXEC, 50',
    'connections of tools/bench/lib/loadgen.js); pub/sub sends requests/16 PUBLISHes one at a time and requests/2.5 with 8',
    'in flight, from 1 publisher to 50 subscribers, and counts deliveries/s (publishes/s are in redis.json).',
    'CPU: the server process\'s CPU time over the run\'s wall time (1.00 = one core busy all the time); below',
    'about 0.9 the server was not the limit (the client or other load on the 2 cores was).',
    'CPU/op: StrataKV\'s server CPU time per operation over Redis\'s, which depends less on the machine\'s load than ops/s.',
    '',
    '| test | pipeline | Redis ops/s | StrataKV ops/s | ratio | Redis CPU | StrataKV CPU | CPU/op |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of result.runs) {
    lines.push(`| ${r.label ?? r.test} | ${r.pipeline} | ${fmt(r.redis)} | ${fmt(r.strata)} | ${r.ratio.toFixed(2)} | ${r.redisCpu.toFixed(2)} | ${r.strataCpu.toFixed(2)} | ${r.cpuPerOpRatio === null ? 'n/a' : r.cpuPerOpRatio.toFixed(2)} |`);
  }
  const m = result.memory;
  if (m) {
    lines.push('', `## Memory: ${m.redis.keys.toLocaleString('en-US')} keys of 100-byte strings`, '');
    lines.push('| | Redis | StrataKV | ratio |', '|---|---:|---:|---:|');
    lines.push(`| INFO used_memory | ${mb(m.redis.usedMemory)} | ${mb(m.strata.usedMemory)} | ${m.usedMemoryRatio.toFixed(2)} |`);
    lines.push(`| RSS (VmRSS) | ${mb(m.redis.rss)} | ${mb(m.strata.rss)} | ${m.rssRatio.toFixed(2)} |`);
    lines.push(`| RSS growth for the keys | ${mb(m.redis.rss - m.redis.rssBefore)} | ${mb(m.strata.rss - m.strata.rssBefore)} | ${((m.strata.rss - m.strata.rssBefore) / (m.redis.rss - m.redis.rssBefore)).toFixed(2)} |`);
    lines.push(`| load time | ${m.redis.loadSeconds.toFixed(1)} s | ${m.strata.loadSeconds.toFixed(1)} s | |`);
  }
  return lines.join('\n') + '\n';
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`redis-bench: ${e.message}\n`);
    process.exit(2);
  }
  if (opts.help) {
    // The header comment, whatever its length: the lines after the shebang up to the first non-comment.
    const lines = fs.readFileSync(__filename, 'utf8').split('\n').slice(1);
    const header = lines.slice(0, lines.findIndex((l) => !l.startsWith('//')));
    process.stdout.write(header.map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
    return;
  }
  const [redis, strata] = await Promise.all([startRedis(), startKvServer()]);
  const servers = { redis, strata };
  const probe = await RespClient.connect(redis.port);
  const redisVersion = (await probe.info('server')).redis_version;
  probe.close();
  process.stderr.write(`redis-server ${redisVersion} on ${redis.port}, kv-server on ${strata.port}; ${opts.requests} requests, ${opts.clients} clients\n`);

  const loadStart = os.loadavg().map((l) => l.toFixed(2));
  const runs = [];
  // Feature tests run unpipelined only: their targets are unpipelined.
  const pipelinesOf = (test) => (FEATURES[test] ? [1] : opts.pipelines);
  const total = opts.tests.reduce((n, t) => n + pipelinesOf(t).length, 0);
  let step = 0;
  for (const [ti, test] of opts.tests.entries()) {
    for (const pipeline of pipelinesOf(test)) {
      step++;
      const order = (ti + step) % 2 === 0 ? ['redis', 'strata'] : ['strata', 'redis'];
      const r = { test: test.toUpperCase(), pipeline };
      if (FEATURES[test]) r.label = FEATURES[test].label;
      // --repeat: the order flips each round; the fastest round of each target is kept.
      for (let round = 0; round < opts.repeat; round++) {
        for (const target of round % 2 === 0 ? order : [...order].reverse()) {
          const tag = opts.repeat > 1 ? ` (${round + 1}/${opts.repeat})` : '';
          process.stderr.write(`[${step}/${total}] ${r.label ?? r.test} -P ${pipeline} ${target === 'redis' ? 'Redis' : 'StrataKV'}${tag}... `);
          const server = servers[target];
          const cpu0 = cpuSeconds(server.pid);
          const t0 = process.hrtime.bigint();
          let ops;
          let detail = {};
          if (FEATURES[test]) ({ ops, ...detail } = await FEATURES[test].run(server, opts));
          else ops = await runBenchmark(server.port, test, pipeline, opts);
          const cpu = (cpuSeconds(server.pid) - cpu0) / (Number(process.hrtime.bigint() - t0) / 1e9);
          process.stderr.write(`${fmt(ops)} ops/s (server CPU ${cpu.toFixed(2)})\n`);
          if (r[target] !== undefined && r[target] >= ops) continue;
          r[target] = ops;
          r[`${target}Cpu`] = cpu;
          if (Object.keys(detail).length) r[`${target}Detail`] = detail;
        }
      }
      r.ratio = r.strata / r.redis;
      // null when a run was too short for the 10 ms CPU clock to see Redis at all.
      r.cpuPerOpRatio = r.redisCpu > 0 ? r.strataCpu / r.strata / (r.redisCpu / r.redis) : null;
      runs.push(r);
    }
  }

  // Memory is measured on fresh processes: what 1M keys cost, not what the benchmarks above left
  // behind (heap high-water marks, the Lua engine loaded by EVALSHA, ...), for both servers alike.
  await Promise.all([redis.stop(), strata.stop()]);
  const [freshRedis, freshStrata] = await Promise.all([startRedis(), startKvServer()]);
  process.stderr.write(`memory: loading ${opts.keys} keys into each (fresh servers)\n`);
  const memory = { redis: await measureMemory(freshRedis, opts.keys), strata: await measureMemory(freshStrata, opts.keys) };
  memory.usedMemoryRatio = memory.strata.usedMemory / memory.redis.usedMemory;
  memory.rssRatio = memory.strata.rss / memory.redis.rss;
  await Promise.all([freshRedis.stop(), freshStrata.stop()]);
  const result = {
    date: new Date().toISOString(),
    host: `${os.cpus().length} cores, node ${process.version}`,
    loadAverage: { start: loadStart, end: os.loadavg().map((l) => l.toFixed(2)) },
    redisVersion,
    requests: opts.requests,
    clients: opts.clients,
    repeat: opts.repeat,
    runs,
    memory,
  };
  fs.mkdirSync(opts.out, { recursive: true });
  fs.writeFileSync(path.join(opts.out, 'redis.json'), JSON.stringify(result, null, 2) + '\n');
  const md = markdown(result);
  fs.writeFileSync(path.join(opts.out, 'redis.md'), md);
  process.stdout.write(md);
  process.stderr.write(`wrote ${path.join(opts.out, 'redis.json')} and redis.md\n`);
}

main().catch((e) => {
  killChildren();
  process.stderr.write(`redis-bench: ${e.stack || e}\n`);
  process.exit(1);
});
