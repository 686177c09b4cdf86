#!/usr/bin/env node
// The registry this project installs from serves only the Linux builds of some packages' optional
// per-platform binaries (e.g. @unrs/resolver-binding-*), so npm leaves the other platforms out of
// package-lock.json, and `npm ci` then refuses the lockfile ("Missing: ... from lock file").
// This adds those entries back as optional, platform-restricted and never fetched on Linux, so the
// lockfile stays valid for `npm ci`. Run it after every `npm install`.
const fs = require('fs');
const path = require('path');
const lockPath = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const pkgs = lock.packages;

/** os and cpu of a binding from its name, e.g. resolver-binding-linux-arm64-musl. */
function platformOf(name) {
  const m = /-(android|darwin|freebsd|linux|openharmony|win32|wasm32)-([a-z0-9]+)/.exec(name);
  if (!m) return null;
  const cpu = { eabi: 'arm', gnueabihf: 'arm', musleabihf: 'arm' }[m[2]] ?? m[2];
  return { os: [m[1]], cpu: [m[1] === 'android' && m[2] === 'arm' ? 'arm' : cpu] };
}

let added = 0;
for (const [where, meta] of Object.entries(pkgs)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const at = `node_modules/${dep}`;
    if (pkgs[at] || pkgs[`${where}/node_modules/${dep}`]) continue;
    const platform = platformOf(dep);
    if (!platform) continue;
    const cpu = dep.includes('android-arm-eabi') ? ['arm'] : dep.includes('-ia32-') ? ['ia32'] : platform.cpu;
    pkgs[at] = { version, cpu, dev: meta.dev, license: meta.license, optional: true, os: platform.os };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
lock.packages = sorted;
fs.writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
console.log(`lockfile-platforms: added ${added} platform-restricted optional entries`);
