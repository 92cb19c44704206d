#!/usr/bin/env node
// Adds lock entries for foreign-platform optional packages the registry mirror does not serve, so
// `npm ci` sees a complete lock; on linux-x64 npm skips them by their os/cpu fields. Run it after
// `npm install` on package-lock.json (turbo's builds) and on bench/package-lock.json
// (zen-engine's): `node tools/complete-lockfile.cjs bench/package-lock.json`.
const fs = require('fs');
const file = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const platform = (name) => {
  const os = /darwin/.test(name)
    ? 'darwin'
    : /win32|windows/.test(name)
      ? 'win32'
      : /wasm32|wasi/.test(name)
        ? null
        : 'linux';
  const cpu = /arm64/.test(name) ? 'arm64' : /wasm32/.test(name) ? 'wasm32' : 'x64';
  return { os, cpu };
};
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    if (lock.packages[key]) continue;
    const { os, cpu } = platform(dep);
    lock.packages[key] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(os ? { os: [os] } : {}),
    };
    added++;
  }
}
const sorted = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
);
lock.packages = sorted;
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`added ${added} entries`);
