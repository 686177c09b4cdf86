/**
 * One config schema per process: every setting's default, flag, ini key, environment variable,
 * CONFIG GET/SET name and help text in one place.
 */
export type SettingType = 'string' | 'int' | 'bool' | 'bytes' | 'enum' | 'float';

export interface Setting {
  /** The flag and ini key (EloqKV's gflags names: snake_case). */
  name: string;
  type: SettingType;
  default: string | number | boolean;
  help: string;
  /** The name CONFIG GET/SET uses (Redis's dashed name); absent = not visible to CONFIG. */
  redisName?: string;
  /** CONFIG SET may change it at run time. */
  mutable?: boolean;
  enumValues?: readonly string[];
  min?: number;
  max?: number;
  /** Environment variable; defaults to STRATA_<NAME>. */
  env?: string;
}

export type ConfigValues = Record<string, string | number | boolean>;

export function envName(s: Setting): string {
  return s.env ?? `STRATA_${s.name.toUpperCase()}`;
}

const UNITS: Record<string, number> = { k: 1000, kb: 1024, m: 1e6, mb: 1024 * 1024, g: 1e9, gb: 1024 * 1024 * 1024 };

/** Redis's memtoll: "512mb", "1gb", "100" (bytes). */
export function parseBytes(v: string): number | null {
  const m = /^(-?\d+)([a-z]*)$/i.exec(v.trim());
  if (!m) return null;
  const unit = m[2].toLowerCase();
  if (unit && !(unit in UNITS)) return null;
  return Number(m[1]) * (unit ? UNITS[unit] : 1);
}

/** Parses one value for a setting; returns the value or an error message naming the key. */
export function parseValue(s: Setting, raw: string): { value: string | number | boolean } | { error: string } {
  const bad = (why: string) => ({ error: `invalid value '${raw}' for ${s.name}: ${why}` });
  switch (s.type) {
    case 'string':
      return { value: raw };
    case 'bool': {
      const v = raw.toLowerCase();
      if (['true', 'yes', '1', 'on'].includes(v)) return { value: true };
      if (['false', 'no', '0', 'off'].includes(v)) return { value: false };
      return bad('expected true or false');
    }
    case 'int':
    case 'bytes':
    case 'float': {
      const n = s.type === 'bytes' ? parseBytes(raw) : s.type === 'int' ? (/^-?\d+$/.test(raw.trim()) ? Number(raw) : null) : Number(raw);
      if (n === null || Number.isNaN(n) || (s.type !== 'float' && !Number.isSafeInteger(n)))
        return bad(s.type === 'float' ? 'expected a number' : s.type === 'bytes' ? 'expected a size like 512mb' : 'expected an integer');
      if (s.min !== undefined && n < s.min) return bad(`must be >= ${s.min}`);
      if (s.max !== undefined && n > s.max) return bad(`must be <= ${s.max}`);
      return { value: n };
    }
    case 'enum': {
      const v = raw.toLowerCase();
      if (!s.enumValues?.includes(v)) return bad(`expected one of ${s.enumValues?.join(', ')}`);
      return { value: v };
    }
  }
}
