/**
 * #22: the container image's recipe, run without a container engine. This machine cannot run
 * containers (no registry to pull node:20-bookworm-slim from, and the OCI runtime may not set
 * rlimits), so the suite reads the Dockerfile, checks what the image promises (both stages on
 * node:20-bookworm-slim, production dependencies only, a non-root user, a HEALTHCHECK on /healthz,
 * the built server as CMD), then replays its own commands in a clean clone of HEAD: the build
 * stage's `npm ci` and `npm run build`, the runtime stage's COPYs and `npm ci --omit=dev`, and
 * its CMD with its ENV. The server must answer /healthz and /readyz, the HEALTHCHECK command must
 * pass, and SIGTERM must stop it cleanly. Slow (npm ci twice and a full build): a few minutes.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  execForm,
  mapPaths,
  parseDockerfile,
  parseEnvArgs,
  replayStage,
  type PathMap,
  type Stage,
} from './support/dockerfile';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
const stages = parseDockerfile(dockerfile);
const stage = (name: string) => stages.find((s) => s.name === name)!;
const all = (s: Stage, keyword: string) =>
  s.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('#22 container recipe (Dockerfile)', () => {
  it('builds on node:20-bookworm-slim and runs the built server as a non-root user with a health check', () => {
    expect(stages.map((s) => [s.name, s.image])).toEqual([
      ['build', 'node:20-bookworm-slim'],
      ['runtime', 'node:20-bookworm-slim'],
    ]);
    expect(all(stage('build'), 'RUN')).toEqual(['npm ci --no-audit --no-fund', 'npm run build']);
    const runtime = stage('runtime');
    expect(all(runtime, 'RUN').some((r) => /npm ci --omit=dev\b/.test(r))).toBe(true);
    expect(all(runtime, 'USER')).toEqual(['node']);
    expect(execForm(all(runtime, 'CMD')[0]!)).toEqual(['node', 'apps/api/dist/index.js']);
    const healthcheck = all(runtime, 'HEALTHCHECK')[0]!;
    expect(healthcheck).toMatch(/--interval=\S+ .*CMD \["node"/);
    expect(healthcheck).toContain('/healthz');
    const env = Object.assign({}, ...all(runtime, 'ENV').map(parseEnvArgs)) as Record<
      string,
      string
    >;
    expect(env).toMatchObject({ HOST: '0.0.0.0', ACCORD_DATA_DIR: '/data', ACCORD_SEED: 'none' });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(all(runtime, 'VOLUME')).toEqual(['["/data"]']);
  });

  describe('replayed in a clean clone of HEAD', () => {
    const root = mkdtempSync(join(tmpdir(), 'accord-recipe-'));
    const context = join(root, 'context');
    const dirs = { build: join(root, 'build'), runtime: join(root, 'runtime') };
    const data = join(root, 'data');
    const bin = join(root, 'bin');
    const uid = `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`;
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it('builds, installs production dependencies only, starts, answers /healthz and /readyz, stops cleanly', async () => {
      const timings: string[] = [];
      const started = Date.now();
      execFileSync('git', ['clone', '--quiet', '--depth', '1', `file://${repoRoot}`, context]);
      mkdirSync(bin, { recursive: true });
      // Packages come from this machine's npm cache when it has them (the recipe is unchanged).
      const npmEnv = { npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' };
      const onRun = (command: string, ms: number) =>
        timings.push(`${command.slice(0, 60)}: ${ms} ms`);
      for (const name of ['build', 'runtime'] as const) {
        const paths: PathMap = [
          ['/usr/local/bin', bin],
          ['/data', data],
          ['/app', dirs[name]],
        ];
        const env = replayStage({
          stage: stage(name),
          workdir: dirs[name],
          context,
          stageDirs: dirs,
          paths,
          env: npmEnv,
          // This machine has no `node` user: the data directory goes to the user running tests.
          rewrite: (command) => command.replace(/\bchown node:node\b/, `chown ${uid}`),
          onRun,
        });
        if (name !== 'runtime') continue;

        // Production dependencies only: no dev tool of any workspace is installed. (typescript
        // is: @trpc/server names it as a peer dependency, which npm installs.)
        for (const devOnly of ['vitest', 'tsx', 'esbuild', 'vite', 'playwright-core', 'eslint'])
          expect(existsSync(join(dirs.runtime, 'node_modules', devOnly)), devOnly).toBe(false);
        expect(existsSync(join(dirs.runtime, 'apps/web/dist/index.html'))).toBe(true);
        const size = execFileSync('du', ['-sh', join(dirs.runtime, 'node_modules')]).toString();
        timings.push(`runtime node_modules: ${size.split('\t')[0]}`);

        const port = await freePort();
        const serverEnv: Record<string, string> = {
          ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, mapPaths(v, paths)])),
          HOST: '127.0.0.1',
          PORT: String(port),
        };
        const [command, ...args] = execForm(all(stage('runtime'), 'CMD')[0]!);
        const { DATABASE_URL: _unset, ...inherited } = process.env;
        const child = spawn(command!, args, {
          cwd: dirs.runtime,
          env: { ...inherited, ...serverEnv },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.on('data', (d) => (output += d));
        child.stderr.on('data', (d) => (output += d));
        const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
        try {
          const deadline = Date.now() + 60_000;
          for (;;) {
            const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
              (r) => r.ok,
              () => false,
            );
            if (ok) break;
            if (child.exitCode !== null || Date.now() > deadline)
              throw new Error(`The server did not start:\n${output}`);
            await new Promise((r) => setTimeout(r, 200));
          }
          const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
          expect(ready.status, output).toBe(200);
          expect(((await ready.json()) as { status: string }).status).toBe('ready');
          const page = await fetch(`http://127.0.0.1:${port}/`);
          expect(await page.text()).toContain('<div id="root">');
          // The image's own HEALTHCHECK command, with the image's environment.
          const [hcCommand, ...hcArgs] = execForm(all(stage('runtime'), 'HEALTHCHECK')[0]!);
          execFileSync(hcCommand!, hcArgs, { env: { ...inherited, ...serverEnv } });
          expect(output).toMatch(/Accord is running at .*started in \d+ ms/);
          child.kill('SIGTERM');
          expect(await exited).toBe(0);
          expect(output).toMatch(/Accord stopped cleanly/);
        } finally {
          if (child.exitCode === null) child.kill('SIGKILL');
        }
      }
      console.log(
        `container recipe replayed in ${Math.round((Date.now() - started) / 1000)} s:\n  ${timings.join('\n  ')}`,
      );
    }, 900_000);
  });
});
