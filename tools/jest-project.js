#!/usr/bin/env node
// Runs one project's jest suite and records its results for tools/run-tests.js.
// Usage: node tools/jest-project.js <projectRoot> [jest args]
const { spawnSync } = require('child_process');
const path = require('path');
const root = path.join(__dirname, '..');
const [projectRoot, ...args] = process.argv.slice(2);
const name = projectRoot.replace(/[\\/]/g, '-');
const out = process.env.STRATA_TEST_RESULTS;
const jestArgs = ['-c', path.join(projectRoot, 'jest.config.js'), ...args];
if (out) jestArgs.push('--json', `--outputFile=${path.join(out, name + '.json')}`);
const r = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), ...jestArgs], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
