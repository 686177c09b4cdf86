#!/usr/bin/env node
// Prints the flag reference of the README from the apps' config schemas (one source of truth):
// node tools/readme-flags.js > /tmp/flags.md
require('esbuild').buildSync({ entryPoints: [require('path').join(__dirname, '../apps/kv-server/src/config.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: '/tmp/strata-kv-config.js', logLevel: 'error' });
const { kvServerSchema } = require('/tmp/strata-kv-config.js');
const rows = kvServerSchema.map((s) => `| \`--${s.name}\` | \`${s.default === '' ? '""' : s.default}\` | \`STRATA_${s.name.toUpperCase()}\` | ${s.redisName ? `\`${s.redisName}\`${s.mutable ? ' (settable)' : ''}` : ''} | ${s.help.replace(/\|/g, '\\|')} |`);
console.log(['| flag / ini key | default | environment | CONFIG name | meaning |', '|---|---|---|---|---|', ...rows].join('\n'));
