// Smoke run of tools/bench/redis-bench.js (--quick, tiny counts): it starts both servers, runs
// redis-benchmark and the feature load generators (XADD, EVALSHA, MULTI/EXEC, pub/sub fan-out),
// loads keys, and writes a JSON file with numbers. No timing assertions.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { redisServerInstalled, ROOT } from './harness';

interface BenchRun {
  test: string;
  pipeline: number;
  redis: number;
  strata: number;
  ratio: number;
  redisCpu: number;
  strataCpu: number;
}

const FEATURES = ['XADD', 'EVALSHA_GET', 'EVALSHA_INCR', 'MULTI_EXEC', 'PUBSUB', 'PUBSUB_W8'];

interface BenchResult {
  runs: BenchRun[];
  memory: { redis: { usedMemory: number; rss: number; keys: number }; strata: { usedMemory: number; rss: number; keys: number }; rssRatio: number };
}

const tools = redisServerInstalled() && fs.existsSync('/proc/self/status');

(tools ? test : test.skip)('redis-bench --quick writes ops/s and memory for both servers', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-bench-'));
  try {
    const tests = ['set', 'get', ...FEATURES.map((t) => t.toLowerCase())];
    const args = ['tools/bench/redis-bench.js', '--quick', `--tests=${tests.join(',')}`, '--requests=2000', '--keys=5000', `--out=${out}`];
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      p.stderr.on('data', (c: Buffer) => (err += c.toString()));
      p.on('exit', (c) => resolve({ code: c, stderr: err }));
    });
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    const result = JSON.parse(fs.readFileSync(path.join(out, 'redis.json'), 'utf8')) as BenchResult;
    // Feature tests run unpipelined only.
    expect(result.runs.map((r) => `${r.test} -P ${r.pipeline}`)).toEqual(['SET -P 1', 'SET -P 16', 'GET -P 1', 'GET -P 16', ...FEATURES.map((t) => `${t} -P 1`)]);
    for (const r of result.runs) {
      expect({ test: r.test, positive: [r.redis, r.strata, r.ratio].every((n) => Number.isFinite(n) && n > 0) }).toEqual({ test: r.test, positive: true });
      for (const n of [r.redisCpu, r.strataCpu]) expect(Number.isFinite(n) && n >= 0).toBe(true);
    }
    for (const m of [result.memory.redis, result.memory.strata]) {
      expect(m.keys).toBe(5000);
      expect(m.usedMemory).toBeGreaterThan(0);
      expect(m.rss).toBeGreaterThan(0);
    }
    const md = fs.readFileSync(path.join(out, 'redis.md'), 'utf8');
    expect(md).toContain('| SET | 16 |');
    expect(md).toContain('| MULTI SET INCR LPUSH GET SADD HSET EXEC (tx/s) | 1 |');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}, 60_000);

if (!tools) {
  test('redis-server is installed (needed by the benchmark smoke test)', () => {
    if (process.env.CI === 'true') throw new Error('redis-server is not installed: the benchmark smoke test cannot run in CI');
    console.warn('SKIPPING the benchmark smoke test: redis-server (or /proc) is not available');
  });
}
