import { envName, parseValue, type ConfigValues, type Setting } from './schema';

export class ConfigError extends Error {}

/** Reads an ini file (EloqKV style: [sections], key=value, # and ; comments). Sections are ignored. */
export function parseIni(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';') || (line.startsWith('[') && line.endsWith(']'))) continue;
    const eq = line.indexOf('=');
    if (eq < 0) throw new ConfigError(`bad ini line (expected key=value): ${line}`);
    out.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
  }
  return out;
}

/**
 * Flags as gflags takes them: --name=value, -name=value, --name value, and bare --flag for a
 * boolean. Returns [name, value] pairs in order.
 */
export function parseFlags(argv: string[], schema: readonly Setting[]): [string, string][] {
  const byName = new Map(schema.map((s) => [s.name, s]));
  const out: [string, string][] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--?([A-Za-z0-9_.-]+)(?:=(.*))?$/s.exec(a);
    if (!m) throw new ConfigError(`unexpected argument '${a}' (flags look like --name=value)`);
    const name = m[1].replace(/-/g, '_');
    if (m[2] !== undefined) out.push([name, m[2]]);
    else if (name === 'help' || byName.get(name)?.type === 'bool') out.push([name, 'true']);
    else if (i + 1 < argv.length) out.push([name, argv[++i]]);
    else throw new ConfigError(`flag --${name} needs a value`);
  }
  return out;
}

export interface LoadOptions {
  argv: string[];
  env: NodeJS.ProcessEnv;
  readFile: (path: string) => string;
}

/**
 * Defaults, then the ini file named by --config (or STRATA_CONFIG), then environment variables,
 * then flags: flags win. Unknown keys and bad values are errors naming the key.
 */
export function loadConfig(schema: readonly Setting[], opts: LoadOptions): { values: ConfigValues; help: boolean } {
  const byName = new Map(schema.map((s) => [s.name, s]));
  const values: ConfigValues = {};
  for (const s of schema) values[s.name] = s.default;
  const flags = parseFlags(opts.argv, schema);
  const help = flags.some(([n]) => n === 'help');
  const apply = (name: string, raw: string, origin: string) => {
    const s = byName.get(name);
    if (!s) throw new ConfigError(`unknown setting '${name}' (${origin}); see --help`);
    const r = parseValue(s, raw);
    if ('error' in r) throw new ConfigError(`${r.error} (${origin})`);
    values[name] = r.value;
  };
  const configFile = flags.find(([n]) => n === 'config')?.[1] ?? opts.env.STRATA_CONFIG;
  if (configFile) {
    let text: string;
    try {
      text = opts.readFile(configFile);
    } catch (e) {
      throw new ConfigError(`cannot read config file '${configFile}': ${(e as Error).message}`);
    }
    for (const [k, v] of parseIni(text)) apply(k, v, `config file ${configFile}`);
  }
  for (const s of schema) {
    const v = opts.env[envName(s)];
    if (v !== undefined && s.name !== 'config') apply(s.name, v, `environment ${envName(s)}`);
  }
  for (const [k, v] of flags) if (k !== 'help') apply(k, v, `flag --${k}`);
  return { values, help };
}

/** --help text: one block per setting with its flag, env var, default and help. */
export function helpText(title: string, schema: readonly Setting[]): string {
  const lines = [title, '', 'Settings (flag --name=value, ini key name=value, environment variable):', ''];
  for (const s of schema) {
    const def = s.default === '' ? '""' : String(s.default);
    const extra = s.enumValues ? ` (${s.enumValues.join('|')})` : '';
    lines.push(`  --${s.name}=<${s.type}>${extra}  [env ${envName(s)}] default: ${def}`);
    lines.push(`      ${s.help}${s.redisName ? ` (CONFIG name: ${s.redisName})` : ''}`);
  }
  return lines.join('\n') + '\n';
}
