#!/usr/bin/env node
// Bundles one app (or all) with esbuild: our libraries are inlined, npm packages stay external.
// Usage: node tools/build.js [app ...]
const path = require('path');
const fs = require('fs');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');
const all = fs.readdirSync(path.join(root, 'apps')).filter((a) => fs.existsSync(path.join(root, 'apps', a, 'src/main.ts')));
const apps = process.argv.slice(2).length ? process.argv.slice(2) : all;

for (const app of apps) {
  if (!all.includes(app)) {
    console.error(`build: unknown app '${app}' (apps: ${all.join(', ')})`);
    process.exit(2);
  }
  esbuild.buildSync({
    entryPoints: [path.join(root, 'apps', app, 'src/main.ts')],
    outfile: path.join(root, 'dist/apps', app, 'main.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    sourcemap: 'linked',
    keepNames: false,
    tsconfig: path.join(root, 'tsconfig.json'),
    logLevel: 'warning',
  });
}
