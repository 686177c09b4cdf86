// The README's flag reference is generated from the config schema; it must not drift from it.
import * as fs from 'fs';
import * as path from 'path';
import { kvServerSchema } from '../src/config';

test('every kv-server setting is in the README with its default', () => {
  const readme = fs.readFileSync(path.join(__dirname, '../../../README.md'), 'utf8');
  expect(readme.split('\n').slice(0, 5).join('\n')).toContain('npm ci && npm start');
  for (const s of kvServerSchema) {
    const row = readme.split('\n').find((l) => l.startsWith(`| \`--${s.name}\` |`));
    expect(row).toBeDefined();
    expect(row).toContain(`\`${s.default === '' ? '""' : String(s.default)}\``);
  }
});
