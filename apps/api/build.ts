/**
 * `npm run build -w @accord/api`: bundles the server, the CLI and the simulation and import workers to
 * JavaScript in dist/ (ESM, for node), so production runs plain `node dist/index.js` without a
 * TypeScript loader. Our workspace packages (@accord/*) are bundled in; every npm package stays
 * an import resolved from node_modules at run time (they ship JavaScript, and some, such as
 * PGlite, load files next to their own code).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = fileURLToPath(new URL('.', import.meta.url));

/** `kysely` of `kysely/helpers/postgres`, `@scope/name` of `@scope/name/sub`. */
const packageName = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** Packages that could not stay imports (see below); the build names them. */
const bundledPackages = new Set<string>();

/**
 * Bare imports other than @accord/* (and node: builtins) stay external when node finds them from
 * apps/api, as the built files will ask it to. npm may install a package only a workspace needs
 * in that workspace's own node_modules (kysely in db/node_modules): such a package is bundled
 * in, since dist/ could not import it.
 */
const npmPackagesExternal: Plugin = {
  name: 'npm-packages-external',
  setup(builder) {
    const fromApi = createRequire(`${root}package.json`);
    builder.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@accord/') || args.path.startsWith('node:')) return undefined;
      const name = packageName(args.path);
      try {
        fromApi.resolve(`${name}/package.json`);
        return { path: args.path, external: true };
      } catch {
        // Packages whose exports hide package.json: resolvable by their name alone.
        try {
          fromApi.resolve(name);
          return { path: args.path, external: true };
        } catch {
          bundledPackages.add(name);
          return undefined;
        }
      }
    });
  },
};

const started = Date.now();
const result = await build({
  absWorkingDir: root,
  entryPoints: {
    index: 'src/index.ts',
    cli: 'src/cli.ts',
    'simulation-worker': 'src/simulation/simulation-worker.ts',
    'import-worker': 'src/imports/import-worker.ts',
  },
  outdir: 'dist',
  bundle: true,
  // One self-contained file per entry, no shared chunks: code that finds files by
  // `import.meta.url` (the web app's dist, the worker entry) runs from dist/ itself.
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  plugins: [npmPackagesExternal],
  metafile: true,
  logLevel: 'warning',
  write: false,
});
// Each file is written beside its place and renamed over it: a server starting (or a worker
// thread loading) while another build runs reads either the old file or the new, never half.
for (const file of result.outputFiles) {
  mkdirSync(dirname(file.path), { recursive: true });
  const partial = `${file.path}.${process.pid}.partial`;
  writeFileSync(partial, file.contents);
  renameSync(partial, file.path);
}
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
const bundled = bundledPackages.size ? `; bundled ${[...bundledPackages].join(', ')}` : '';
console.log(
  `Built apps/api/dist (${(bytes / 1024).toFixed(0)} KiB with source maps) in ${Date.now() - started} ms${bundled}`,
);
