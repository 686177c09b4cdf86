import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { composeFile, composePathOf, findRoot, KIND_INFO, loadTopology, topologyFiles } from '../src';

const root = findRoot();

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

const files = topologyFiles(root);

test('every stage has a topology file', () => {
  expect(files.map((f) => path.basename(f)).sort()).toEqual(['decoupled-log.yaml', 'decoupled-storage-cassandra.yaml', 'memory.yaml', 'rocksdb.yaml', 'wal.yaml']);
});

describe.each(files.map((f) => [path.basename(f), f]))('%s', (_name, file) => {
  const topo = loadTopology(file);
  const committed = composePathOf(root, topo);

  test('the committed compose file is what the generator writes (regenerate: npm run cluster -- compose --write)', () => {
    expect(fs.existsSync(committed)).toBe(true);
    expect(fs.readFileSync(committed, 'utf8')).toBe(composeFile(topo, root));
  });

  test('structure: images, builds, ports, dependencies, commands', () => {
    const doc = parse(fs.readFileSync(committed, 'utf8')) as { name: string; services: Record<string, ComposeService>; volumes: Record<string, unknown> };
    expect(doc.name).toBe(`stratakv-${topo.name}`);
    expect(Object.keys(doc.services).sort()).toEqual(topo.processes.map((p) => p.name).sort());
    const containerPorts = new Set<string>();
    for (const p of topo.processes) {
      const svc = doc.services[p.name];
      expect(svc.image).toBeTruthy();
      const app = KIND_INFO[p.kind].app;
      if (app) {
        // Our images are built from this repository with the app's Dockerfile, which bundles that app.
        expect(svc.build).toEqual({ context: '../..', dockerfile: `deploy/docker/${app}.Dockerfile` });
        const dockerfile = fs.readFileSync(path.join(root, 'deploy/docker', `${app}.Dockerfile`), 'utf8');
        expect(dockerfile).toContain(`RUN node tools/build.js ${app}\n`);
        expect(dockerfile).toContain(`ENTRYPOINT ["node", "dist/apps/${app}/main.js"]`);
        expect(dockerfile).toMatch(/^FROM node:20-slim$/m);
        expect(dockerfile).toContain('npm ci --omit=dev');
        expect(dockerfile).toContain('COPY proto proto');
        // Every flag of the topology is passed, with references resolved to service names.
        expect(svc.command?.length).toBeGreaterThanOrEqual(p.flags.length);
        for (const f of svc.command ?? []) expect(f).not.toMatch(/\$\{/);
        expect(svc.healthcheck?.test.slice(0, 3)).toEqual(['CMD', 'node', 'deploy/docker/healthcheck.js']);
      }
      expect(svc.ports).toHaveLength(1);
      const [host, inside] = (svc.ports as string[])[0].split(':');
      expect(host).toBe(inside);
      expect(containerPorts.has(host)).toBe(false);
      containerPorts.add(host);
      if (p.port) expect(Number(inside)).toBe(p.port);
      expect(Object.keys(svc.depends_on ?? {}).sort()).toEqual([...p.dependsOn].sort());
      for (const d of Object.values(svc.depends_on ?? {})) expect(['service_healthy', 'service_started']).toContain(d.condition);
      for (const v of svc.volumes ?? []) expect(Object.keys(doc.volumes)).toContain(v.split(':')[0]);
    }
    // Port mappings are quoted in the text (a YAML 1.1 reader would take some for numbers).
    expect(fs.readFileSync(committed, 'utf8')).not.toMatch(/^\s*- \d+:\d+$/m);
  });
});

test('decoupled-log: the kv-server reaches the log group and the store by service name', () => {
  const text = fs.readFileSync(path.join(root, 'deploy/compose/decoupled-log.yaml'), 'utf8');
  const doc = parse(text) as { services: Record<string, ComposeService> };
  expect(doc.services.kv.command).toContain('--txlog_service_list=log-0:9201,log-1:9202,log-2:9203');
  expect(doc.services.kv.command).toContain('--store_service=store:9100');
  expect(doc.services['log-1'].command).toEqual(['--storage_path=/data', '--conf=log-0:9201,log-1:9202,log-2:9203', '--start_log_group_id=0', '--node_id=1']);
});

test('decoupled-storage-cassandra: the seed flags, with the Cassandra service as host', () => {
  const doc = parse(fs.readFileSync(path.join(root, 'deploy/compose/decoupled-storage-cassandra.yaml'), 'utf8')) as { services: Record<string, ComposeService> };
  expect(doc.services.cassandra.image).toBe('cassandra:5.0');
  expect(doc.services.kv.command).toEqual(expect.arrayContaining(['--cass_hosts=cassandra', '--cass_port=9042', '--cass_user=cassandra', '--cass_password=cassandra', '--store=cassandra']));
  expect(doc.services.kv.depends_on).toEqual({ cassandra: { condition: 'service_healthy' } });
});
