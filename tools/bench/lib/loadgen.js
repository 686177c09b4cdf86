// Load generators for what redis-benchmark cannot send: a MULTI/EXEC transaction per request, and
// pub/sub fan-out. Raw sockets, RESP precomputed, and reads through net's `onread` (one static
// buffer per socket, no Buffer allocated per read) so the client costs as little as it can: on a
// 2-core machine it shares the CPU with the server it measures. The same generator measures
// Redis and StrataKV, so the ratio stays fair even where the client is the limit.
'use strict';
const net = require('net');

function encode(args) {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return s;
}

/** A socket whose reads go to onBytes(buf, n) without per-read allocation. */
function connectRaw(port, onBytes) {
  return new Promise((resolve, reject) => {
    const buffer = Buffer.allocUnsafe(64 * 1024);
    const s = net.connect({ port, host: '127.0.0.1', noDelay: true, onread: { buffer, callback: (n, buf) => onBytes(buf, n) } }, () => {
      s.off('error', reject);
      resolve(s);
    });
    s.on('error', reject);
  });
}

const NL = 0x0a;
const DASH = 0x2d;

/** The 8 commands of one transaction for connection i; each key is the connection's own. */
function transaction(i) {
  const k = `bench:tx:${i}`;
  return [['MULTI'], ['SET', `${k}:s`, 'xxx'], ['INCR', `${k}:n`], ['LPUSH', `${k}:l`, 'v'], ['GET', `${k}:s`], ['SADD', `${k}:set`, 'm'], ['HSET', `${k}:h`, 'f', 'v'], ['EXEC']];
}
// Lines (CRLFs) in the whole answer to one transaction: +OK, 6 × +QUEUED, then *6 and its
// elements, each one line except GET's bulk string (2). Counting '\n' needs no RESP parser and
// is immune to how TCP splits replies. No reply holds a '-' unless it is an error (INCR and the
// counts are positive, the values are fixed), so one '-' anywhere means something failed.
const TX_LINES = 1 + 6 + 1 + 7;

/**
 * `connections` clients, each sending one transaction (one socket write) and waiting for the
 * EXEC reply before the next, `total` transactions in all. Resolves with transactions/s.
 */
async function multiExec(port, { connections = 50, total }) {
  const per = Math.ceil(total / connections);
  let failed = null;
  let finished = 0;
  let done;
  const allDone = new Promise((resolve, reject) => (done = { resolve, reject }));
  const clients = [];
  for (let i = 0; i < connections; i++) {
    const payload = Buffer.from(transaction(i).map(encode).join(''));
    const c = { sent: 0, lines: 0, socket: null };
    const onBytes = (buf, n) => {
      for (let j = 0; j < n; j++) {
        const b = buf[j];
        if (b === NL) c.lines++;
        else if (b === DASH && !failed) {
          failed = new Error(`MULTI/EXEC error reply: ${buf.toString('latin1', j, Math.min(n, j + 120))}`);
          done.reject(failed);
        }
      }
      if (c.lines < TX_LINES) return;
      if (c.lines > TX_LINES) return done.reject(new Error(`MULTI/EXEC: more reply lines than sent (${c.lines})`));
      c.lines = 0;
      if (c.sent < per) {
        c.sent++;
        c.socket.write(payload);
      } else if (++finished === connections) done.resolve();
    };
    c.socket = await connectRaw(port, onBytes);
    c.payload = payload;
    clients.push(c);
  }
  const started = process.hrtime.bigint();
  try {
    for (const c of clients) {
      c.sent = 1;
      c.socket.write(c.payload);
    }
    await allDone;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { ops: (per * connections) / seconds, seconds, transactions: per * connections };
  } finally {
    for (const c of clients) c.socket.destroy();
  }
}

/**
 * One publisher and `subscribers` subscribers on one channel; the publisher keeps `window`
 * PUBLISHes outstanding (1: unpipelined) until `publishes` are sent. The subscribers run in a
 * worker thread (./subscribers-worker.js): on one event loop, each PUBLISH round trip would also
 * wait for 50 subscriber reads, and the client would be the limit. Resolves with deliveries/s
 * (until the last subscriber has every message) and publishes/s (until the last PUBLISH reply).
 */
async function pubsubFanout(port, { subscribers = 50, publishes, window = 1, channel = 'bench:fanout', payload = 'x'.repeat(16) }) {
  const { Worker } = require('worker_threads');
  const worker = new Worker(require('path').join(__dirname, 'subscribers-worker.js'), { workerData: { port, subscribers, publishes, channel, payload } });
  let deliveredAt = 0n;
  let publishedAt = 0n;
  let done;
  const allDone = new Promise((resolve, reject) => (done = { resolve, reject }));
  let readyResolve;
  const ready = new Promise((r) => (readyResolve = r));
  worker.on('message', (m) => {
    if (m.ready) readyResolve();
    if (m.deliveredAt) {
      deliveredAt = BigInt(m.deliveredAt);
      if (publishedAt) done.resolve();
    }
    if (m.error) done.reject(new Error(m.error));
  });
  worker.on('error', (e) => done.reject(e));
  worker.on('exit', (code) => { if (!deliveredAt) done.reject(new Error(`subscriber worker exited (${code}) before every delivery`)); });

  const reply = Buffer.from(`:${subscribers}\r\n`);
  const cmd = Buffer.from(encode(['PUBLISH', channel, payload]));
  const pubHead = Buffer.alloc(reply.length);
  let replies = 0;
  let replyBytes = 0;
  let sent = 0;
  let pub = null;
  // Every reply is the same 5 bytes (":50\r\n"), checked once: replies are counted by bytes.
  const onPub = (buf, n) => {
    if (replyBytes < reply.length) buf.copy(pubHead, replyBytes, 0, Math.min(n, reply.length - replyBytes));
    replyBytes += n;
    if (replyBytes >= reply.length && replies === 0 && !pubHead.equals(reply)) {
      return done.reject(new Error(`PUBLISH replied ${JSON.stringify(pubHead.toString('latin1'))}, expected ${JSON.stringify(reply.toString())}`));
    }
    const now = Math.floor(replyBytes / reply.length);
    const got = now - replies;
    replies = now;
    if (replies === publishes) {
      publishedAt = process.hrtime.bigint();
      // Deliveries and the publisher's replies travel on different sockets: either may end last.
      if (deliveredAt) done.resolve();
      return;
    }
    // Refill the window: one write for however many replies this read completed.
    const more = Math.min(got, publishes - sent);
    if (more > 0) {
      sent += more;
      pub.write(more === 1 ? cmd : Buffer.concat(Array(more).fill(cmd)));
    }
  };
  try {
    await Promise.race([ready, allDone]);
    pub = await connectRaw(port, onPub);
    const started = process.hrtime.bigint();
    sent = Math.min(window, publishes);
    pub.write(Buffer.concat(Array(sent).fill(cmd)));
    await allDone;
    return {
      ops: (publishes * subscribers) / (Number(deliveredAt - started) / 1e9),
      publishesPerSec: publishes / (Number(publishedAt - started) / 1e9),
      seconds: Number((publishedAt > deliveredAt ? publishedAt : deliveredAt) - started) / 1e9,
      publishes,
      subscribers,
      window,
    };
  } finally {
    if (pub) pub.destroy();
    await worker.terminate();
  }
}

module.exports = { multiExec, pubsubFanout, transaction, encode, connectRaw };
