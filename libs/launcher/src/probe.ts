/**
 * Readiness probes (one attempt each; the caller polls with a deadline) and free ports.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const ATTEMPT_MS = 1000;

/** One RESP PING: true on +PONG (a -LOADING or -NOAUTH reply means not ready / not ours to judge). */
export function respPing(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    let buf = '';
    const done = (ok: boolean) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), ATTEMPT_MS);
    sock.on('connect', () => sock.write('*1\r\n$4\r\nPING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
    sock.on('error', () => done(false));
    sock.on('close', () => done(false));
  });
}

interface HealthClient extends grpc.Client {
  Check(req: { service: string }, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: { status: string }) => void): void;
}
type HealthCtor = new (address: string, creds: grpc.ChannelCredentials) => HealthClient;
let healthCtor: HealthCtor | undefined;

function loadHealth(protoDir: string): HealthCtor {
  if (healthCtor) return healthCtor;
  const def = protoLoader.loadSync(path.join(protoDir, 'health.proto'), { enums: String, defaults: true, includeDirs: [protoDir] });
  const pkg = grpc.loadPackageDefinition(def) as unknown as { grpc: { health: { v1: { Health: HealthCtor } } } };
  healthCtor = pkg.grpc.health.v1.Health;
  return healthCtor;
}

/** A gRPC health client kept for a whole wait (a new channel per attempt would reconnect each time). */
export class HealthProbe {
  private readonly client: HealthClient;
  constructor(protoDir: string, address: string) {
    const Health = loadHealth(protoDir);
    this.client = new Health(address, grpc.credentials.createInsecure());
  }

  /** The server's status for service '' (the whole server), or the error text. */
  check(): Promise<string> {
    return new Promise((resolve) => {
      this.client.Check({ service: '' }, { deadline: Date.now() + ATTEMPT_MS }, (err, res) => resolve(err ? `unavailable (${err.details || err.message})` : String(res?.status)));
    });
  }

  close(): void {
    this.client.close();
  }
}

/** The repository's proto/ directory (holds health.proto). */
export function protoDirOf(root: string): string {
  const dir = path.join(root, 'proto');
  if (!fs.existsSync(path.join(dir, 'health.proto'))) throw new Error(`${dir}/health.proto not found`);
  return dir;
}

/**
 * `count` distinct free loopback ports from the kernel: every listener stays open until all are
 * chosen, so two processes never get the same one.
 */
export async function freePorts(count: number, avoid: ReadonlySet<number> = new Set()): Promise<number[]> {
  const servers: net.Server[] = [];
  const ports: number[] = [];
  try {
    while (ports.length < count) {
      const s = net.createServer();
      servers.push(s);
      const port = await new Promise<number>((resolve, reject) => {
        s.once('error', reject);
        s.listen(0, '127.0.0.1', () => resolve((s.address() as net.AddressInfo).port));
      });
      if (!avoid.has(port)) ports.push(port);
    }
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
  return ports;
}

/** Is something listening on 127.0.0.1:port? */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(true));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
  });
}
