// Worker thread of loadgen.pubsubFanout: `subscribers` sockets SUBSCRIBEd to one channel, each
// expecting `publishes` identical messages. Every message has the same bytes, so a subscriber
// counts deliveries by bytes received (no scanning); its first message is checked byte for byte
// and its total must come out exact. Posts {ready} once all are subscribed and {deliveredAt}
// (process.hrtime, shared by all threads) when the last subscriber has its last message.
'use strict';
const { parentPort, workerData } = require('worker_threads');
const { connectRaw, encode } = require('./loadgen');

const { port, subscribers, publishes, channel, payload } = workerData;
const message = Buffer.from(encode(['message', channel, payload]));
// RESP2 subscribe confirmation: *3 subscribe <channel> :1.
const subscribed = Buffer.from(`*3\r\n$9\r\nsubscribe\r\n$${Buffer.byteLength(channel)}\r\n${channel}\r\n:1\r\n`);
const expectedHead = Buffer.concat([subscribed, message]);
const want = subscribed.length + publishes * message.length;

let complete = 0;
let readyCount = 0;
const fail = (error) => parentPort.postMessage({ error });

function subscriber() {
  const head = Buffer.alloc(expectedHead.length);
  let bytes = 0;
  return (buf, n) => {
    if (bytes < head.length) {
      buf.copy(head, bytes, 0, Math.min(n, head.length - bytes));
      if (bytes < subscribed.length && bytes + n >= subscribed.length && ++readyCount === subscribers) parentPort.postMessage({ ready: true });
      if (bytes + n >= head.length && !head.equals(expectedHead)) fail(`subscriber got unexpected bytes: ${JSON.stringify(head.toString('latin1'))}`);
    }
    bytes += n;
    if (bytes === want) {
      if (++complete === subscribers) parentPort.postMessage({ deliveredAt: String(process.hrtime.bigint()) });
    } else if (bytes > want) fail(`subscriber got ${bytes} bytes, expected ${want}`);
  };
}

(async () => {
  for (let i = 0; i < subscribers; i++) {
    const s = await connectRaw(port, subscriber());
    s.write(encode(['SUBSCRIBE', channel]));
  }
})().catch((e) => fail(String(e.stack || e)));
