/**
 * The `npm run cluster -- ...` command line. Which cluster a command means: --state_dir, else the
 * topology FILE given (its default state dir), else the only cluster under ./.cluster/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { composeFile, writeComposeFiles } from './compose';
import { down, findRoot, formatStatus, kill, LaunchError, logs, restart, status, up } from './launcher';
import { loadTopology, TopologyError } from './topology';

export const USAGE = `usage: npm run cluster -- COMMAND [ARGS] [--state_dir=DIR] [--grace_s=N]
  up FILE [--no_build] [--keep_on_failure]   start the topology's processes, wait until ready
  down [FILE] [--purge]                     SIGTERM every process (SIGKILL after --grace_s, default 10)
  status [FILE]                             one line per process: name, pid, host:port, state
  kill NAME [FILE]                          SIGKILL one process
  restart NAME [FILE]                       stop and start one process on the same port
  logs NAME [FILE]                          print a process's log file
  compose FILE                              print the docker-compose file of the topology
  compose --write                           regenerate deploy/compose/<name>.yaml from deploy/local/*.yaml
Clusters live in --state_dir (default ./.cluster/<topology name>/).`;

export interface CliIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  cwd: string;
}

interface Parsed {
  args: string[];
  opts: Map<string, string>;
}

function parse(argv: string[]): Parsed {
  const args: string[] = [];
  const opts = new Map<string, string>();
  for (const a of argv) {
    const m = /^--?([a-z_]+)(?:=(.*))?$/.exec(a);
    if (m) opts.set(m[1], m[2] ?? 'true');
    else args.push(a);
  }
  return { args, opts };
}

const KNOWN_OPTS = new Set(['state_dir', 'grace_s', 'no_build', 'keep_on_failure', 'purge', 'write', 'help']);

function stateDirFor(cwd: string, opts: Map<string, string>, file: string | undefined): string {
  const explicit = opts.get('state_dir');
  if (explicit) return path.resolve(cwd, explicit);
  if (file) return path.join(cwd, '.cluster', loadTopology(path.resolve(cwd, file)).name);
  const base = path.join(cwd, '.cluster');
  const found = fs.existsSync(base) ? fs.readdirSync(base).filter((d) => fs.existsSync(path.join(base, d, 'state.json'))) : [];
  if (found.length === 1) return path.join(base, found[0]);
  if (found.length === 0) throw new LaunchError(`no cluster under ${base}; run up FILE first (or pass --state_dir)`);
  throw new LaunchError(`several clusters under ${base} (${found.join(', ')}): name the topology FILE or pass --state_dir`);
}

/** Runs one command; returns the exit code (errors are printed, never thrown). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const print = (line: string) => io.out.write(line + '\n');
  const { args, opts } = parse(argv);
  const [cmd, ...rest] = args;
  if (!cmd || opts.has('help')) {
    (cmd ? io.out : io.err).write(USAGE + '\n');
    return cmd ? 0 : 2;
  }
  for (const k of opts.keys()) {
    if (!KNOWN_OPTS.has(k)) {
      io.err.write(`cluster: unknown option --${k}\n${USAGE}\n`);
      return 2;
    }
  }
  const graceS = opts.has('grace_s') ? Number(opts.get('grace_s')) : undefined;
  if (graceS !== undefined && !(graceS >= 0)) {
    io.err.write(`cluster: --grace_s must be a number of seconds\n`);
    return 2;
  }
  const need = (n: number, what: string) => {
    if (rest.length < n || rest.length > n + (what.includes('[FILE]') ? 1 : 0)) throw new LaunchError(`usage: ${cmd} ${what}`);
  };
  try {
    switch (cmd) {
      case 'up': {
        need(1, 'FILE');
        await up(path.resolve(io.cwd, rest[0]), opts.get('state_dir') ? path.resolve(io.cwd, opts.get('state_dir') as string) : undefined, {
          out: print,
          graceS,
          build: !opts.has('no_build'),
          keepOnFailure: opts.has('keep_on_failure'),
          cwd: io.cwd,
        });
        return 0;
      }
      case 'down':
        need(0, '[FILE]');
        await down(stateDirFor(io.cwd, opts, rest[0]), { out: print, graceS, purge: opts.has('purge') });
        return 0;
      case 'status': {
        need(0, '[FILE]');
        const all = status(stateDirFor(io.cwd, opts, rest[0]));
        for (const s of all) print(formatStatus(s));
        return all.every((s) => s.state === 'running') ? 0 : 3;
      }
      case 'kill': {
        need(1, 'NAME [FILE]');
        const killed = await kill(stateDirFor(io.cwd, opts, rest[1]), rest[0]);
        print(killed ? `${rest[0]}: killed (SIGKILL)` : `${rest[0]}: was not running`);
        return 0;
      }
      case 'restart':
        need(1, 'NAME [FILE]');
        await restart(stateDirFor(io.cwd, opts, rest[1]), rest[0], { out: print, graceS });
        return 0;
      case 'logs':
        need(1, 'NAME [FILE]');
        io.out.write(logs(stateDirFor(io.cwd, opts, rest[1]), rest[0]));
        return 0;
      case 'compose':
        if (opts.has('write')) {
          need(0, '--write');
          for (const f of writeComposeFiles(findRoot())) print(`wrote ${f}`);
          return 0;
        }
        need(1, 'FILE');
        io.out.write(composeFile(loadTopology(path.resolve(io.cwd, rest[0])), findRoot()));
        return 0;
      default:
        io.err.write(`cluster: unknown command '${cmd}'\n${USAGE}\n`);
        return 2;
    }
  } catch (e) {
    if (e instanceof LaunchError || e instanceof TopologyError) {
      io.err.write(`cluster ${cmd}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
