/**
 * docker-compose files generated from topology files (deploy/compose/<name>.yaml): the same
 * processes, flags and dependencies as `up` runs on loopback, one container each, addressed by
 * service name. References resolve to `<service>:<port inside the container>`, data dirs to a
 * named volume at /data. Output is deterministic so a test can compare it with the committed files.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Document, Scalar, visit } from 'yaml';
import { Kind, KIND_INFO } from './kinds';
import { loadTopology, resolveRefs, startLevels, Topology } from './topology';

const DATA = '/data';

interface Service {
  image: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  ports: string[];
  volumes: string[];
  healthcheck?: { test: string[]; interval: string; timeout: string; retries: number; start_period?: string };
  depends_on?: Record<string, { condition: string }>;
}

/** Where each service listens inside its container: the file's port, else the kind's usual one. */
export function composePorts(topo: Topology): Map<string, number> {
  const used = new Set(topo.processes.filter((p) => p.port).map((p) => p.port));
  const ports = new Map<string, number>();
  for (const p of topo.processes) {
    let port = p.port;
    if (!port) {
      port = KIND_INFO[p.kind].composePort;
      while (used.has(port)) port++;
      used.add(port);
    }
    ports.set(p.name, port);
  }
  return ports;
}

function backendService(kind: Kind, name: string, port: number): Service {
  if (kind === 'cassandra') {
    return {
      image: 'cassandra:5.0',
      // The seed's settings; the CQL port follows the topology.
      environment: { CASSANDRA_CLUSTER_NAME: 'stratakv', MAX_HEAP_SIZE: '1G', HEAP_NEWSIZE: '200M' },
      command: port === 9042 ? undefined : ['cassandra', '-f', `-Dcassandra.native_transport_port=${port}`],
      ports: [`${port}:${port}`],
      volumes: [`${name}-data:/var/lib/cassandra`],
      healthcheck: { test: ['CMD', 'cqlsh', '-e', 'describe keyspaces', '127.0.0.1', String(port)], interval: '10s', timeout: '5s', retries: 30, start_period: '30s' },
    };
  }
  return {
    image: 'amazon/dynamodb-local:latest',
    command: ['-jar', 'DynamoDBLocal.jar', '-sharedDb', '-dbPath', DATA, '-port', String(port)],
    ports: [`${port}:${port}`],
    volumes: [`${name}-data:${DATA}`],
  };
}

/** The compose document of a topology (as YAML text, with a header saying where it came from). */
export function composeFile(topo: Topology, root: string): string {
  const ports = composePorts(topo);
  const lookup = (name: string) => ({ host: name, port: ports.get(name) as number, dataDir: DATA });
  const services: Record<string, Service> = {};
  const volumes: Record<string, Record<string, never>> = {};
  // Services in start order, so the file reads top-down the way the cluster comes up.
  for (const spec of startLevels(topo.processes, topo.file).flat()) {
    const info = KIND_INFO[spec.kind];
    const port = ports.get(spec.name) as number;
    let svc: Service;
    if (info.app) {
      const flags = spec.flags.map((f) => resolveRefs(f, spec.name, lookup));
      svc = {
        image: `stratakv/${info.app}:local`,
        build: { context: '../..', dockerfile: `deploy/docker/${info.app}.Dockerfile` },
        command: [...(info.listenFlags ? ['--ip=0.0.0.0', `--port=${port}`] : []), ...(info.dataFlag ? [info.dataFlag(DATA)] : []), ...flags].map((f) => f.replace(/\$/g, '$$$$')),
        ports: [`${port}:${port}`],
        volumes: [`${spec.name}-data:${DATA}`],
        healthcheck: {
          test: ['CMD', 'node', 'deploy/docker/healthcheck.js', info.probe === 'resp' ? 'resp' : 'grpc', `${spec.name}:${port}`],
          interval: '2s',
          timeout: '2s',
          retries: 30,
        },
      };
    } else {
      svc = backendService(spec.kind, spec.name, port);
    }
    if (spec.dependsOn.length) {
      svc.depends_on = {};
      for (const d of spec.dependsOn) {
        const dep = topo.processes.find((p) => p.name === d);
        const healthy = dep && (KIND_INFO[dep.kind].app || dep.kind === 'cassandra');
        svc.depends_on[d] = { condition: healthy ? 'service_healthy' : 'service_started' };
      }
    }
    services[spec.name] = Object.fromEntries(Object.entries(svc).filter(([, v]) => v !== undefined)) as unknown as Service;
    volumes[`${spec.name}-data`] = {};
  }
  const source = path.relative(root, path.resolve(topo.file)).split(path.sep).join('/');
  const header = [
    `# GENERATED from ${source} by \`npm run cluster -- compose ${source}\`; do not edit.`,
    `# ${topo.description.trim().split('\n').join('\n# ') || topo.name}`,
    '# Build context: the repository root (../..). Ports are published on the host as in the container.',
  ].join('\n');
  const doc = new Document({ name: `stratakv-${topo.name}`, services, volumes });
  // Port mappings quoted, as Compose recommends: a YAML 1.1 reader takes 22:22 for a base-60 number.
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && /^\d+:\d+$/.test(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return `${header}\n${doc.toString({ lineWidth: 0 })}`;
}

/** The topology files whose compose files are committed: every deploy/local/*.yaml. */
export function topologyFiles(root: string): string[] {
  const dir = path.join(root, 'deploy/local');
  return fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(dir, f));
}

export const composePathOf = (root: string, topo: Topology) => path.join(root, 'deploy/compose', `${topo.name}.yaml`);

/** Regenerates deploy/compose/<name>.yaml for every topology file; returns the files written. */
export function writeComposeFiles(root: string): string[] {
  fs.mkdirSync(path.join(root, 'deploy/compose'), { recursive: true });
  return topologyFiles(root).map((file) => {
    const topo = loadTopology(file);
    const out = composePathOf(root, topo);
    fs.writeFileSync(out, composeFile(topo, root));
    return path.relative(root, out);
  });
}
