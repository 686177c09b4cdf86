// Two widely used libraries built on Redis, unmodified, running their normal workflow against the
// kv-server: BullMQ (a job queue: Lua scripts, streams, blocking commands, MULTI) and
// rate-limiter-flexible (a rate limiter: Lua or MULTI on ioredis).
import Redis from 'ioredis';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { startKvServer, waitFor, type ServerProcess } from './harness';

let kv: ServerProcess;
beforeAll(async () => {
  kv = await startKvServer();
}, 30_000);
afterAll(async () => {
  await kv?.stop();
});

const connection = () => ({ host: '127.0.0.1', port: kv.port, maxRetriesPerRequest: null });

test('BullMQ: jobs are added, processed, retried and completed', async () => {
  const queue = new Queue('emails', { connection: connection() });
  const events = new QueueEvents('emails', { connection: connection() });
  await events.waitUntilReady();
  const seen: string[] = [];
  let failedOnce = false;
  const worker = new Worker(
    'emails',
    async (job: Job<{ to: string }>) => {
      if (job.name === 'flaky' && !failedOnce) {
        failedOnce = true;
        throw new Error('temporary failure');
      }
      seen.push(job.data.to);
      return { sent: job.data.to };
    },
    { connection: connection(), concurrency: 4 },
  );
  try {
    const jobs = await queue.addBulk(Array.from({ length: 20 }, (_, i) => ({ name: 'send', data: { to: `user${i}@example.com` } })));
    const flaky = await queue.add('flaky', { to: 'retry@example.com' }, { attempts: 3, backoff: { type: 'fixed', delay: 10 } });
    const delayed = await queue.add('send', { to: 'later@example.com' }, { delay: 200 });
    const result = await flaky.waitUntilFinished(events, 20_000);
    expect(result).toEqual({ sent: 'retry@example.com' });
    await waitFor('all jobs to complete', async () => ((await queue.getJobCounts('completed')).completed === 22 ? true : undefined), 20_000);
    expect(new Set(seen)).toEqual(new Set([...jobs.map((j) => j.data.to), 'retry@example.com', 'later@example.com']));
    const done = await queue.getJob(jobs[0].id as string);
    expect(done?.returnvalue).toEqual({ sent: 'user0@example.com' });
    expect((await queue.getJob(flaky.id as string))?.attemptsMade).toBe(2);
    expect((await queue.getJob(delayed.id as string))?.finishedOn).toBeGreaterThan(delayed.timestamp);
    const counts = await queue.getJobCounts('waiting', 'active', 'failed', 'delayed');
    expect(counts).toEqual({ waiting: 0, active: 0, failed: 0, delayed: 0 });
  } finally {
    await worker.close();
    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
}, 60_000);

test('rate-limiter-flexible: points are consumed, refused, rewarded and blocked', async () => {
  const redis = new Redis(connection());
  try {
    const limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix: 'rl', points: 5, duration: 10 });
    for (let i = 0; i < 5; i++) {
      const r = await limiter.consume('ip-1');
      expect(r.remainingPoints).toBe(4 - i);
    }
    const refused = await limiter.consume('ip-1').then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(RateLimiterRes);
    expect((refused as RateLimiterRes).remainingPoints).toBe(0);
    expect((refused as RateLimiterRes).msBeforeNext).toBeGreaterThan(0);
    expect((refused as RateLimiterRes).msBeforeNext).toBeLessThanOrEqual(10_000);
    await limiter.reward('ip-1', 2);
    expect((await limiter.get('ip-1'))?.consumedPoints).toBe(4);
    await limiter.block('ip-2', 5);
    expect((await limiter.get('ip-2'))?.consumedPoints).toBeGreaterThan(5);
    await limiter.delete('ip-1');
    expect(await limiter.get('ip-1')).toBeNull();
    expect((await limiter.consume('ip-1', 3)).remainingPoints).toBe(2);
  } finally {
    redis.disconnect();
  }
});
