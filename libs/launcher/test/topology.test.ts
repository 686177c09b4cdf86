import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findRoot, loadTopology, planCluster, PortAssignment, startLevels, TopologyError } from '../src';

const root = findRoot();
const local = (f: string) => path.join(root, 'deploy/local', f);
let tmp: string;
beforeAll(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'launcher-topo-'))));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(text: string): string {
  const f = path.join(tmp, `t${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(f, text);
  return f;
}

function portsFor(names: string[], first = 20000): Map<string, PortAssignment> {
  return new Map(names.map((n, i) => [n, { port: first + i }]));
}

describe('bad topology files: the error names the problem', () => {
  const cases: [string, string, RegExp][] = [
    ['not YAML', 'processes: [a, {', /not valid YAML/],
    ['no processes', 'name: x\n', /"processes" must be a non-empty list/],
    ['unknown top-level field', 'procs: []\nprocesses: [{name: a, kind: kv-server}]', /unknown field 'procs'/],
    ['unknown kind', 'processes: [{name: a, kind: redis}]', /process 'a': kind 'redis' is not one of kv-server, store-server/],
    ['bad name', 'processes: [{name: A_1, kind: kv-server}]', /process 'A_1': name must match/],
    ['duplicate name', 'processes: [{name: a, kind: kv-server}, {name: a, kind: kv-server}]', /two processes are named 'a'/],
    ['unknown dependency', 'processes: [{name: a, kind: kv-server, depends_on: [b]}]', /process 'a' depends on 'b', which the file does not define/],
    ['cycle', 'processes: [{name: a, kind: kv-server, depends_on: [b]}, {name: b, kind: kv-server, depends_on: [a]}]', /depends_on forms a cycle: a -> b -> a/],
    ['port out of range', 'processes: [{name: a, kind: kv-server, port: 70000}]', /process 'a': port '70000' must be an integer/],
    ['same fixed port twice', 'processes: [{name: a, kind: kv-server, port: 7000}, {name: b, kind: store-server, port: 7000}]', /'a' and 'b' both use port 7000/],
    ['--port in flags', 'processes: [{name: a, kind: kv-server, flags: [--port=1]}]', /the launcher sets --ip and --port; use the port field/],
    ['not a flag', 'processes: [{name: a, kind: kv-server, flags: [enable_wal]}]', /flag 'enable_wal' is not of the form --name=value/],
    ['reference to nobody', 'processes: [{name: a, kind: kv-server, flags: ["--store_service=${s.addr}"]}]', /reference '\$\{s.addr\}' names no process/],
    ['bad reference field', 'processes: [{name: a, kind: kv-server, flags: ["--x=${a.url}"]}]', /must look like \$\{NAME.addr\|host\|port\|data_dir\}/],
    ['flags on a backend', 'processes: [{name: c, kind: cassandra, flags: [--x=1]}]', /a cassandra backend takes no flags/],
    ['unknown process field', 'processes: [{name: a, kind: kv-server, args: []}]', /process 'a': unknown field 'args'/],
  ];
  test.each(cases)('%s', (_what, text, message) => {
    const file = write(text);
    expect(() => loadTopology(file)).toThrow(TopologyError);
    expect(() => loadTopology(file)).toThrow(message);
    // Every message says which file it is about.
    expect(() => loadTopology(file)).toThrow(path.basename(file));
  });

  test('a missing file', () => {
    expect(() => loadTopology(path.join(tmp, 'nope.yaml'))).toThrow(/cannot read topology file .*nope.yaml/);
  });

  test("a log-server whose --conf does not name its own address", () => {
    const file = write(`processes:
  - {name: l0, kind: log-server, flags: ["--conf=\${l0.addr},\${l1.addr}", --node_id=1]}
  - {name: l1, kind: log-server, flags: ["--conf=\${l0.addr},\${l1.addr}", --node_id=0]}
`);
    const topo = loadTopology(file);
    expect(() => planCluster(topo, root, tmp, portsFor(['l0', 'l1']))).toThrow(/process 'l0': --conf entry 1 \(--node_id\) is '127.0.0.1:20001', not its own address 127.0.0.1:20000/);
  });
});

describe("the seed's stages as processes", () => {
  test('every deploy/local topology loads', () => {
    for (const f of ['memory', 'rocksdb', 'wal', 'decoupled-storage-cassandra', 'decoupled-log']) expect(loadTopology(local(`${f}.yaml`)).name).toBe(f);
  });

  test('rocksdb and wal: one kv-server with the stage flags, its data under the state dir', () => {
    const wal = planCluster(loadTopology(local('wal.yaml')), root, '/s', portsFor(['kv']));
    expect(wal.processes.map((p) => p.name)).toEqual(['kv']);
    expect(wal.processes[0].argv.slice(2)).toEqual(['--ip=127.0.0.1', '--port=20000', '--data_path=/s/kv/data', '--enable_data_store=true', '--store=rocksdb', '--enable_wal=true']);
    const rocks = planCluster(loadTopology(local('rocksdb.yaml')), root, '/s', portsFor(['kv']));
    expect(rocks.processes[0].argv).toContain('--enable_data_store=true');
    expect(rocks.processes[0].argv).not.toContain('--enable_wal=true');
  });

  test('decoupled storage: Cassandra first, through tools/backends; the kv-server gets the seed flags', () => {
    const topo = loadTopology(local('decoupled-storage-cassandra.yaml'));
    const plan = planCluster(topo, root, '/s', new Map([['cassandra', { port: 19042, storagePort: 17000 }], ['kv', { port: 16379 }]]));
    expect(plan.processes.map((p) => [p.name, p.level])).toEqual([['cassandra', 0], ['kv', 1]]);
    const [cass, kv] = plan.processes;
    expect(cass.argv).toEqual(['bash', path.join(root, 'tools/backends/cassandra.sh'), 'start', '--port', '19042', '--storage-port', '17000']);
    expect(cass.env.STRATA_BACKENDS_DIR).toBe('/s/cassandra/data');
    expect(cass.pidFile).toBe('/s/cassandra/data/cassandra/pid');
    expect(kv.argv.slice(2)).toEqual([
      '--ip=127.0.0.1',
      '--port=16379',
      '--data_path=/s/kv/data',
      '--enable_wal=false',
      '--enable_data_store=true',
      '--checkpoint_interval=10',
      '--store=cassandra',
      '--cass_hosts=127.0.0.1',
      '--cass_port=19042',
      '--cass_password=cassandra',
      '--cass_user=cassandra',
    ]);
  });

  test('decoupled log: 3 log-servers of one group and a store-server before the kv-server', () => {
    const topo = loadTopology(local('decoupled-log.yaml'));
    expect(startLevels(topo.processes).map((l) => l.map((p) => p.name))).toEqual([['log-0', 'log-1', 'log-2', 'store'], ['kv']]);
    const plan = planCluster(topo, root, '/s', portsFor(['log-0', 'log-1', 'log-2', 'store', 'kv'], 30000));
    const conf = '--conf=127.0.0.1:30000,127.0.0.1:30001,127.0.0.1:30002';
    plan.processes.slice(0, 3).forEach((p, i) => expect(p.argv.slice(2)).toEqual([`--storage_path=/s/log-${i}/data`, conf, '--start_log_group_id=0', `--node_id=${i}`]));
    expect(plan.processes[3].argv.slice(2)).toEqual(['--ip=127.0.0.1', '--port=30003', '--rocksdb_storage_path=/s/store/data/rocksdb', '--store=rocksdb']);
    expect(plan.processes[4].argv).toContain('--store_service=127.0.0.1:30003');
    expect(plan.processes[4].argv).toContain('--txlog_service_list=127.0.0.1:30000,127.0.0.1:30001,127.0.0.1:30002');
    expect(plan.processes[4].argv).toContain('--enable_wal=true');
  });
});
