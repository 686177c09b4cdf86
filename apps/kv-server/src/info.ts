import * as os from 'os';
import type { KvServer } from './server';
import { REDIS_COMPAT_VERSION } from './server';

const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'errorstats', 'cluster', 'keyspace'];
const ALL_SECTIONS = [...DEFAULT_SECTIONS.slice(0, 8), 'commandstats', ...DEFAULT_SECTIONS.slice(8)];

function lines(title: string, fields: [string, string | number][]): string {
  return `# ${title}\r\n` + fields.map(([k, v]) => `${k}:${v}\r\n`).join('');
}

function human(bytes: number): string {
  if (bytes < 1024) return `${bytes}B`;
  const units = ['K', 'M', 'G', 'T'];
  let v = bytes;
  let u = -1;
  do {
    v /= 1024;
    u++;
  } while (v >= 1024 && u < units.length - 1);
  return `${v.toFixed(2)}${units[u]}`;
}

const SECTIONS: Record<string, (s: KvServer) => string> = {
  server: (s) => {
    const up = Math.floor((Date.now() - s.startedAt) / 1000);
    return lines('Server', [
      ['redis_version', REDIS_COMPAT_VERSION],
      ['strata_version', '0.1.0'],
      ['redis_git_sha1', '00000000'],
      ['redis_git_dirty', 0],
      ['redis_build_id', '0'],
      ['redis_mode', 'standalone'],
      ['os', `${os.type()} ${os.release()} ${os.arch()}`],
      ['arch_bits', 64],
      ['monotonic_clock', 'POSIX clock_gettime'],
      ['multiplexing_api', 'epoll'],
      ['gcc_version', '0.0.0'],
      ['process_id', process.pid],
      ['process_supervised', 'no'],
      ['run_id', s.runId],
      ['tcp_port', s.boundPort],
      ['server_time_usec', Date.now() * 1000],
      ['uptime_in_seconds', up],
      ['uptime_in_days', Math.floor(up / 86400)],
      ['hz', s.settings.hz as number],
      ['configured_hz', s.settings.hz as number],
      ['lru_clock', s.keyspace.lruClock & 0xffffff],
      ['executable', process.argv[1] ?? ''],
      ['config_file', (s.settings.config as string) || ''],
      ['io_threads_active', 0],
    ]);
  },
  clients: (s) =>
    lines('Clients', [
      ['connected_clients', s.clients.size],
      ['cluster_connections', 0],
      ['maxclients', s.settings.maxclients as number],
      ['client_recent_max_input_buffer', 0],
      ['client_recent_max_output_buffer', 0],
      ['blocked_clients', s.blocking.count],
      ['tracking_clients', 0],
      ['clients_in_timeout_table', 0],
    ]),
  memory: () => {
    const m = process.memoryUsage();
    const used = m.heapUsed + m.external;
    return lines('Memory', [
      ['used_memory', used],
      ['used_memory_human', human(used)],
      ['used_memory_rss', m.rss],
      ['used_memory_rss_human', human(m.rss)],
      ['used_memory_peak', used],
      ['used_memory_peak_human', human(used)],
      ['total_system_memory', os.totalmem()],
      ['total_system_memory_human', human(os.totalmem())],
      ['maxmemory', 0],
      ['maxmemory_human', '0B'],
      ['maxmemory_policy', 'noeviction'],
      ['mem_fragmentation_ratio', (m.rss / Math.max(1, used)).toFixed(2)],
      ['mem_allocator', 'v8'],
    ]);
  },
  persistence: (s) => {
    const tx = s.dataStore;
    const fields: [string, string | number][] = [
      ['loading', tx?.loading === true ? 1 : 0],
      ['async_loading', 0],
      ['rdb_changes_since_last_save', tx?.tracker.size ?? 0],
      ['rdb_bgsave_in_progress', 0],
      ['rdb_last_bgsave_status', 'ok'],
      ['aof_enabled', 0],
      ['aof_rewrite_in_progress', 0],
    ];
    if (tx === undefined) return lines('Persistence', [...fields, ['data_store_enabled', 0]]);
    // StrataKV's own fields: the data store stage (checkpoints of dirty keys, loading at start).
    const c = tx.checkpointer.stats;
    return lines('Persistence', [
      ...fields,
      ['data_store_enabled', 1],
      ['data_store', tx.adapter.kind],
      ['loading_loaded_keys', tx.loadProgress.loaded],
      ['loading_expired_keys', tx.loadProgress.expired],
      ['checkpoint_writer', tx.writer],
      ['checkpoint_in_progress', c.inProgress ? 1 : 0],
      ['checkpoint_dirty_keys', tx.tracker.size],
      ['checkpoint_pending_table_ops', tx.tracker.ops.length],
      ['checkpoint_unencodable_keys', c.unencodable],
      ['checkpoint_last_ts', c.lastTs],
      ['checkpoint_last_time', Math.floor(c.lastAt / 1000)],
      ['checkpoint_last_keys', c.lastKeys],
      ['checkpoint_last_duration_ms', c.lastDurationMs],
      ['checkpoint_keys_written', c.keysWritten],
      ['checkpoint_completed', c.completed],
      ['checkpoint_failures', c.failures],
      ['checkpoint_last_error', c.lastError.replace(/[\r\n]/g, ' ')],
    ]);
  },
  stats: (s) => {
    let calls = 0;
    for (const c of s.dispatcher.table.all()) {
      calls += c.calls;
      if (c.subcommands) for (const sc of c.subcommands.values()) calls += sc.calls;
    }
    return lines('Stats', [
      ['total_connections_received', s.stats.connectionsReceived],
      ['total_commands_processed', calls],
      ['rejected_connections', s.stats.rejectedConnections],
      ['expired_keys', s.expiredKeys],
      ['evicted_keys', 0],
      ['keyspace_hits', 0],
      ['keyspace_misses', 0],
      ['pubsub_channels', 0],
      ['pubsub_patterns', 0],
      ['total_error_replies', [...s.errorStats.values()].reduce((a, b) => a + b, 0)],
    ]);
  },
  replication: () => lines('Replication', [['role', 'master'], ['connected_slaves', 0], ['master_failover_state', 'no-failover'], ['master_replid', '0000000000000000000000000000000000000000'], ['master_repl_offset', 0]]),
  cpu: () => {
    const u = process.cpuUsage();
    return lines('CPU', [['used_cpu_sys', (u.system / 1e6).toFixed(6)], ['used_cpu_user', (u.user / 1e6).toFixed(6)]]);
  },
  modules: () => '# Modules\r\n',
  errorstats: (s) => lines('Errorstats', [...s.errorStats].map(([code, n]) => [`errorstat_${code}`, `count=${n}`])),
  cluster: () => lines('Cluster', [['cluster_enabled', 0]]),
  commandstats: (s) => {
    const f: [string, string][] = [];
    const add = (name: string, c: { calls: number; usec: number; rejectedCalls: number; failedCalls: number }) => {
      if (c.calls + c.rejectedCalls + c.failedCalls === 0) return;
      const usec = Math.round(c.usec);
      f.push([`cmdstat_${name}`, `calls=${c.calls},usec=${usec},usec_per_call=${(c.calls ? c.usec / c.calls : 0).toFixed(2)},rejected_calls=${c.rejectedCalls},failed_calls=${c.failedCalls}`]);
    };
    for (const c of s.dispatcher.table.all()) {
      add(c.fullName, c);
      if (c.subcommands) for (const sc of c.subcommands.values()) add(sc.fullName, sc);
    }
    return lines('Commandstats', f);
  },
  keyspace: (s) => {
    const f: [string, string][] = [];
    s.keyspace.dbs.forEach((db, i) => {
      if (db.size > 0) f.push([`db${i}`, `keys=${db.size},expires=${db.volatileCount},avg_ttl=0`]);
    });
    return lines('Keyspace', f);
  },
};

/** INFO [section ...]: Redis's sections and field names, joined by blank lines. */
export function renderInfo(s: KvServer, requested: string[]): string {
  let names: string[];
  if (requested.length === 0 || requested.includes('default')) names = DEFAULT_SECTIONS;
  else if (requested.includes('all') || requested.includes('everything')) names = ALL_SECTIONS;
  else names = ALL_SECTIONS.filter((n) => requested.includes(n));
  return names.map((n) => SECTIONS[n](s)).join('\r\n');
}
