/**
 * Installs the benchmarks' own dependencies (zen-engine, json-rules-engine, autocannon) from
 * bench/package-lock.json when they are missing or older than that lock. bench/ is not one of the
 * root workspaces, so the root `npm ci` leaves these native and load-testing packages out; the
 * root `bench:*` scripts and bench's `typecheck` run this first. Everything else the benchmarks
 * import (@accord/*, tsx, playwright-core) resolves from the root node_modules.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bench = fileURLToPath(new URL('.', import.meta.url));

function modifiedMs(path: string): number {
  try {
    return statSync(new URL(path, import.meta.url)).mtimeMs;
  } catch {
    return -1;
  }
}

// npm writes node_modules/.package-lock.json at the end of an install.
if (modifiedMs('node_modules/.package-lock.json') < modifiedMs('package-lock.json')) {
  console.log('Installing the benchmarks’ dependencies: npm ci --prefix bench');
  // Under `npm run`, npm_execpath is npm's own script: run it with this Node, on every platform.
  const npmCli = process.env.npm_execpath;
  const args = ['ci', '--prefix', bench, '--no-audit', '--no-fund'];
  const result = npmCli
    ? spawnSync(process.execPath, [npmCli, ...args], { stdio: 'inherit' })
    : spawnSync('npm', args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.error(`npm ci --prefix bench failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}
