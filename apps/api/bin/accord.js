#!/usr/bin/env node
// The `accord` command: the built CLI (dist/cli.js, made by `npm run build`) with plain node. In a
// checkout whose sources changed since the build (or that was never built), the TypeScript
// sources through tsx instead, so the command never runs stale code.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/cli.js', import.meta.url);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const sources = [
  'apps/api/src',
  'db/src',
  'db/migrations',
  'packages/engine/src',
  'packages/access/src',
];

function newerSource(than) {
  for (const dir of sources) {
    const path = repoRoot + dir;
    if (!existsSync(path)) continue;
    for (const entry of readdirSync(path, { withFileTypes: true, recursive: true }))
      if (
        entry.isFile() &&
        !entry.name.endsWith('.test.ts') &&
        statSync(`${entry.parentPath}/${entry.name}`).mtimeMs > than
      )
        return true;
  }
  return false;
}

let runCli;
if (existsSync(built) && !newerSource(statSync(built).mtimeMs)) {
  ({ runCli } = await import(built.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ runCli } = await import('../src/cli.ts'));
}
process.exitCode = await runCli(process.argv.slice(2));
