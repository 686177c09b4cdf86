/**
 * Where the test backends are, for the store tests: process.env first (STRATA_CASSANDRA,
 * STRATA_DYNAMODB), then the env file ci-start.sh / cassandra.sh / dynamodb.sh write
 * (${STRATA_BACKENDS_DIR:-/tmp/strata-backends}/env). Synchronous, because jest registers suites
 * synchronously.
 */
import { spawnSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import path from 'path';

export type BackendName = 'STRATA_CASSANDRA' | 'STRATA_DYNAMODB';

export const backendsDir = (): string => process.env.STRATA_BACKENDS_DIR || '/tmp/strata-backends';
export const backendsSrc = __dirname;

export function backendAddress(name: BackendName): string | null {
  const fromEnv = process.env[name];
  if (fromEnv) return fromEnv;
  const file = path.join(backendsDir(), 'env');
  if (!existsSync(file)) return null;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && line.slice(0, eq) === name) return line.slice(eq + 1).trim() || null;
  }
  return null;
}

/** host:port of an address such as 127.0.0.1:9042 or http://127.0.0.1:8000. */
export function hostPort(address: string): { host: string; port: number } {
  const u = new URL(address.includes('://') ? address : `tcp://${address}`);
  return { host: u.hostname, port: Number(u.port) };
}

/** True when a TCP connection to the address succeeds within timeoutMs (checked synchronously). */
export function tcpReachable(address: string, timeoutMs = 2000): boolean {
  const { host, port } = hostPort(address);
  const script =
    'const s=require("net").connect(+process.argv[2],process.argv[1]);' +
    `s.setTimeout(${timeoutMs},()=>process.exit(1));s.on("connect",()=>process.exit(0));s.on("error",()=>process.exit(1));`;
  const r = spawnSync(process.execPath, ['-e', script, host, String(port)], { timeout: timeoutMs + 2000 });
  return r.status === 0;
}

export type BackendCheck = { ok: true; address: string } | { ok: false; reason: string };

export function checkBackend(name: BackendName): BackendCheck {
  const address = backendAddress(name);
  if (!address) return { ok: false, reason: `${name} is not set and ${path.join(backendsDir(), 'env')} does not name it (run tools/backends/ci-start.sh)` };
  if (!tcpReachable(address)) return { ok: false, reason: `${name}=${address} does not accept connections` };
  return { ok: true, address };
}

/**
 * For a suite that needs a real backend: in CI (CI=true) an unreachable backend is a failure; on
 * a developer machine the suite is skipped with a loud warning.
 */
export function requireBackend(name: BackendName, label: string): string | null {
  const check = checkBackend(name);
  if (check.ok) return check.address;
  if (process.env.CI === 'true') {
    describe(`${label} backend`, () => {
      it('is reachable (required in CI)', () => {
        throw new Error(`${label}: ${check.reason}`);
      });
    });
  } else {
    console.warn(`\n*** ${label} tests SKIPPED: ${check.reason}. In CI this fails. ***\n`);
    describe.skip(`${label} (backend not reachable)`, () => {
      it('skipped', () => undefined);
    });
  }
  return null;
}
