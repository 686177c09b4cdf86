#!/usr/bin/env node
// Runs one benchmark test against the kv-server under `node --cpu-prof` and prints the functions
// with the most self time (and the .cpuprofile path, for Chrome DevTools or speedscope).
//
// Usage: node tools/bench/profile.js --test=evalsha_incr [--requests=200000] [--top=25]
//   --test   a feature test of lib/features.js (xadd, evalsha_get, multi_exec, pubsub, ...) or a
//            redis-benchmark -t name (set, get, ...)
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { startKvServer, killChildren, spawnTracked } = require('./lib/servers');
const { FEATURES } = require('./lib/features');

function args() {
  const a = { requests: '200000', top: '25' };
  for (const arg of process.argv.slice(2)) {
    const m = /^--([^=]+)=(.*)$/.exec(arg);
    if (!m || !['test', 'requests', 'top'].includes(m[1])) throw new Error(`unexpected argument '${arg}'`);
    a[m[1]] = m[2];
  }
  if (!a.test) throw new Error('--test=NAME is required');
  return { test: a.test.toLowerCase(), requests: Number(a.requests), top: Number(a.top) };
}

/** Self time per function (name + file:line) from a .cpuprofile, largest first. */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const ticks = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    ticks.set(profile.samples[i], (ticks.get(profile.samples[i]) ?? 0) + dt);
  }
  const total = [...ticks.values()].reduce((s, t) => s + t, 0);
  const fns = new Map();
  for (const [id, us] of ticks) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const key = `${functionName || '(anonymous)'} ${url ? `${path.basename(url)}:${lineNumber + 1}` : ''}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + us);
  }
  return { total, rows: [...fns].sort((a, b) => b[1] - a[1]) };
}

async function main() {
  const opts = args();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kv-prof-'));
  const server = await startKvServer([], ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  const run = { clients: 50, requests: opts.requests };
  if (FEATURES[opts.test]) {
    process.stderr.write(`${opts.test}: ${Math.round((await FEATURES[opts.test].run(server, run)).ops)} ops/s\n`);
  } else {
    await new Promise((resolve, reject) => {
      // --csv: one result line instead of a progress line per 250 ms.
      const p = spawnTracked('redis-benchmark', ['-p', String(server.port), '-q', '--csv', '-c', '50', '-n', String(opts.requests), '-t', opts.test], { stdio: ['ignore', 'inherit', 'inherit'] });
      p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`redis-benchmark exited ${code}`))));
    });
  }
  // SIGTERM: the kv-server shuts down cleanly, and node writes the profile on exit.
  await server.stop();
  const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${dir} (did the kv-server exit cleanly?)`);
  const { total, rows } = selfTimes(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
  process.stdout.write(`self time of ${(total / 1e6).toFixed(1)} s sampled, top ${opts.top}:\n`);
  for (const [name, us] of rows.slice(0, opts.top)) process.stdout.write(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}\n`);
  process.stdout.write(`profile: ${path.join(dir, file)}\n`);
}

main().catch((e) => {
  killChildren();
  process.stderr.write(`profile: ${e.stack || e}\n`);
  process.exit(1);
});
