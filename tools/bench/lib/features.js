// The feature benchmarks of issue 3 (XADD, EVALSHA, MULTI/EXEC, pub/sub fan-out), unpipelined.
// XADD and EVALSHA go through redis-benchmark's arbitrary-command mode; MULTI/EXEC and pub/sub
// through ./loadgen.js. Each test: setup(server) on a fresh connection, run, cleanup, so the
// targets start from the same state and memory stays bounded.
'use strict';
const crypto = require('crypto');
const { spawnTracked, RespClient } = require('./servers');
const { multiExec, pubsubFanout } = require('./loadgen');

// Redis runs these at 70-90k ops/s here: 1.5 × --requests (300000 by default) keeps each run
// over 3 s, so one stall of the shared machine weighs less.
const count = (opts) => Math.round(opts.requests * 1.5);

/** redis-benchmark with an arbitrary command; resolves with the ops/s of its one CSV row. */
function runCommand(port, command, opts) {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-q', '--csv', '-c', String(opts.clients), '-n', String(count(opts)), ...command];
  return new Promise((resolve, reject) => {
    const p = spawnTracked('redis-benchmark', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (c) => (out += c));
    p.stderr.on('data', (c) => (err += c));
    p.on('error', reject);
    p.on('exit', (code) => {
      // Line 1 is the CSV header, line 2 the row named after the command line.
      const row = out.split('\n').filter((l) => l.startsWith('"'))[1];
      const rps = row ? Number(JSON.parse(`[${row}]`)[1]) : NaN;
      // redis-benchmark does not fail on error replies; it prints them (and the rate) anyway.
      if (code !== 0 || !Number.isFinite(rps) || rps <= 0 || /ERR|WRONGTYPE|NOSCRIPT/.test(err + out)) {
        return reject(new Error(`redis-benchmark ${args.join(' ')} failed (${code}): ${err || out}`));
      }
      resolve({ ops: rps });
    });
  });
}

async function withClient(port, fn) {
  const c = await RespClient.connect(port);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

/** Raw reply → string, throwing on an error reply. */
async function ok(c, args) {
  const r = (await c.call(args)).toString('latin1');
  if (r.startsWith('-')) throw new Error(`${args.join(' ')}: ${r.trim()}`);
  return r;
}

/** SCRIPT LOAD, checking the sha is Redis's (SHA1 of the body), then EVALSHA via redis-benchmark. */
function evalshaTest(body, key, init) {
  const sha = crypto.createHash('sha1').update(body).digest('hex');
  return {
    label: `EVALSHA ${body}`,
    async run(server, opts) {
      await withClient(server.port, async (c) => {
        await ok(c, ['DEL', key]);
        if (init) await ok(c, init);
        const r = await ok(c, ['SCRIPT', 'LOAD', body]);
        if (!r.includes(sha)) throw new Error(`${server.name}: SCRIPT LOAD replied ${r.trim()}, expected ${sha}`);
      });
      try {
        return await runCommand(server.port, ['evalsha', sha, '1', key], opts);
      } finally {
        await withClient(server.port, (c) => ok(c, ['DEL', key]));
      }
    },
  };
}

const FEATURES = {
  xadd: {
    label: 'XADD bench:stream * field value',
    async run(server, opts) {
      // DEL before and after: each run starts from an empty stream and none outlives its run.
      await withClient(server.port, (c) => ok(c, ['DEL', 'bench:stream']));
      try {
        return await runCommand(server.port, ['xadd', 'bench:stream', '*', 'field', 'value'], opts);
      } finally {
        await withClient(server.port, (c) => ok(c, ['DEL', 'bench:stream']));
      }
    },
  },
  evalsha_get: evalshaTest("return redis.call('GET', KEYS[1])", 'bench:script:get', ['SET', 'bench:script:get', 'xxx']),
  evalsha_incr: evalshaTest("return redis.call('INCR', KEYS[1])", 'bench:script:incr'),
  multi_exec: {
    label: 'MULTI SET INCR LPUSH GET SADD HSET EXEC (tx/s)',
    async run(server, opts) {
      const clean = () => withClient(server.port, (c) => ok(c, ['DEL', ...Array.from({ length: opts.clients }, (_, i) => ['s', 'n', 'l', 'set', 'h'].map((k) => `bench:tx:${i}:${k}`)).flat()]));
      await clean();
      try {
        return await multiExec(server.port, { connections: opts.clients, total: count(opts) });
      } finally {
        await clean();
      }
    },
  },
  // Fan-out costs a publish 50 writes: 1/16 of the requests (12500) takes over 3 s on Redis.
  pubsub: {
    label: 'PUBLISH → 50 subscribers, unpipelined (deliveries/s)',
    run: (server, opts) => pubsubFanout(server.port, { subscribers: 50, publishes: Math.ceil(opts.requests / 16), window: 1 }),
  },
  // With 8 PUBLISHes in flight a server can batch its writes to each subscriber (80000: 3 s).
  pubsub_w8: {
    label: 'PUBLISH → 50 subscribers, window 8 (deliveries/s)',
    run: (server, opts) => pubsubFanout(server.port, { subscribers: 50, publishes: Math.ceil(opts.requests / 2.5), window: 8 }),
  },
};

module.exports = { FEATURES, runCommand };
