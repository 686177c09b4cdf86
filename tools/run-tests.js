#!/usr/bin/env node
// `npm test`: type-check the whole tree, then every project's tests through Nx, then one closing
// line 'tests: N passed, N failed' summed over the jest result files the projects wrote.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const results = path.join(root, 'dist/test-results');
fs.rmSync(results, { recursive: true, force: true });
fs.mkdirSync(results, { recursive: true });

const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', STRATA_TEST_RESULTS: results };
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit' }).status;

let status = run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
if (status !== 0) console.error('typecheck failed');
const extra = process.argv.slice(2);
const nxStatus = run('npx', ['nx', 'run-many', '-t', 'test', '--outputStyle=stream', ...extra]);
status = status || nxStatus;

let passed = 0;
let failed = 0;
for (const f of fs.readdirSync(results)) {
  const r = JSON.parse(fs.readFileSync(path.join(results, f), 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
}
if (status !== 0 && failed === 0) failed = 1; // a crash before jest wrote its results still counts
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(status || (failed ? 1 : 0));
