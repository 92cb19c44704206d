import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const ARTIFACTS = join(repoRoot, 'test/e2e/artifacts');

/** Chromium from CHROME_PATH or Debian's package; null when none is installed. */
export function findChromium(): string | null {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((path): path is string => !!path && existsSync(path)) ?? null;
}

/**
 * Whether the browser suites can run. Without Chromium they are skipped with a loud warning,
 * except under CI=true, where a missing browser fails the run.
 */
export function browserAvailable(): boolean {
  if (findChromium()) return true;
  const message =
    'NO CHROMIUM FOUND (set CHROME_PATH or `apt-get install -y chromium`): the browser tests did not run.';
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`\n\n!!!!! ${message} !!!!!\n\n`);
  return false;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The built server, as `npm start` and the container run it. */
export const BUILT_SERVER = join(repoRoot, 'apps/api/dist/index.js');

/** Sources the built server is bundled from (see apps/api/build.ts). */
const SERVER_SOURCES = [
  'apps/api/src',
  'db/src',
  'db/migrations',
  'packages/engine/src',
  'packages/access/src',
  'packages/collab/src',
];

function newestSource(dir: string): { path: string; mtimeMs: number } | null {
  let newest: { path: string; mtimeMs: number } | null = null;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    const { mtimeMs } = statSync(path);
    if (!newest || mtimeMs > newest.mtimeMs) newest = { path, mtimeMs };
  }
  return newest;
}

/**
 * Makes sure the built server is there and no older than any source it is built from, building
 * it (esbuild, about a second; apps/api/build.ts) when not: the suites test what ships, never a
 * stale bundle. `npm test` builds everything first, so this only builds during development.
 */
export function ensureServerBuilt(): void {
  const built = existsSync(BUILT_SERVER) ? statSync(BUILT_SERVER).mtimeMs : -1;
  const stale = SERVER_SOURCES.map((dir) => newestSource(join(repoRoot, dir))).find(
    (newest) => newest && newest.mtimeMs > built,
  );
  if (built >= 0 && !stale) return;
  execFileSync(process.execPath, ['--import', 'tsx', 'build.ts'], {
    cwd: join(repoRoot, 'apps/api'),
    stdio: 'ignore',
  });
}

export interface RunningApp {
  url: string;
  port: number;
  dataDir: string;
  /** The app's process id (e.g. to sample its memory). */
  pid: number;
  /** Stops the app (SIGTERM, then SIGKILL after 5 s) and deletes its data directory. */
  stop(): Promise<void>;
  /**
   * Ends the process at once with `signal` (SIGKILL by default: a crash, no shutdown code runs)
   * and keeps the data directory, so `startApp(env, { dataDir })` can start on it again.
   */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** What the app printed so far (stdout and stderr). */
  output(): string;
  /** Resolves when the process has ended, with its exit code or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartOptions {
  /** Start on this data directory (e.g. one a killed app left) instead of a fresh one. */
  dataDir?: string;
  /** Listen on this port (e.g. the one a killed app used, so its clients reconnect) instead of a free one. */
  port?: number;
}

/**
 * Starts the built app (`node apps/api/dist/index.js`, serving apps/web/dist: `npm test` builds
 * both first) on a free port with a fresh embedded database (or `options.dataDir`), and waits
 * for /healthz.
 */
export async function startApp(
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<RunningApp> {
  ensureServerBuilt();
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'accord-e2e-'));
  const child: ChildProcess = spawn(process.execPath, [BUILT_SERVER], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ACCORD_DATA_DIR: dataDir,
      DATABASE_URL: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`The app exited during start-up:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The app did not answer /healthz in 90 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    dataDir,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        await exited;
      }
    },
    output: () => output,
    exited,
  };
}

/**
 * Launches headless Chromium with the flags this machine needs. Playwright gives every launch a
 * fresh temporary profile (it refuses a --user-data-dir argument for `launch`).
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('No Chromium found (CHROME_PATH or /usr/bin/chromium).');
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Saves a full-page screenshot under test/e2e/artifacts/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Signs a user in (a demo user unless `password` is given) and waits for the workflows list. */
export async function signIn(page: Page, url: string, email: string, password = 'accord-demo') {
  await page.goto(`${url}/signin`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/workflows$/);
}

/** What `browserSuite` started for a describe block; read it inside tests and hooks. */
export interface BrowserSuite {
  readonly app: RunningApp;
  readonly browser: Browser;
  /**
   * A page in a fresh browser context (its own cookies), signed in as `email` on the sign-in page
   * (a demo user unless `password` is given). Its uncaught errors go to `pageErrors`.
   */
  signedInPage(email: string, context?: BrowserContextOptions, password?: string): Promise<Page>;
  /** Uncaught errors of the pages `signedInPage` opened, as `email: message`. */
  readonly pageErrors: readonly string[];
}

/**
 * Starts the app (with `env`) and Chromium before a describe block's tests and stops both after
 * them: the setup every browser suite shares. Call it in the `describe` body.
 * @example const suite = browserSuite(); it('…', async () => { const page = await suite.signedInPage('ops@acme.test'); });
 */
export function browserSuite(env: Record<string, string> = {}): BrowserSuite {
  let started: { app: RunningApp; browser: Browser } | undefined;
  const pageErrors: string[] = [];
  beforeAll(async () => {
    const [app, browser] = await Promise.allSettled([startApp(env), launchBrowser()]);
    if (app.status === 'fulfilled' && browser.status === 'fulfilled') {
      started = { app: app.value, browser: browser.value };
      return;
    }
    // One of the two failed: stop the other rather than leave it running.
    if (app.status === 'fulfilled') await app.value.stop();
    if (browser.status === 'fulfilled') await browser.value.close();
    throw app.status === 'rejected' ? app.reason : (browser as PromiseRejectedResult).reason;
  });
  afterAll(async () => {
    await started?.browser.close();
    await started?.app.stop();
  });
  const running = () => {
    if (!started)
      throw new Error('The browser suite has not started (use it inside tests and hooks).');
    return started;
  };
  return {
    get app() {
      return running().app;
    },
    get browser() {
      return running().browser;
    },
    pageErrors,
    async signedInPage(email, context = { viewport: { width: 1280, height: 800 } }, password) {
      const page = await (await running().browser.newContext(context)).newPage();
      page.on('pageerror', (e) => pageErrors.push(`${email}: ${e.message}`));
      await signIn(page, running().app.url, email, password);
      return page;
    },
  };
}

/**
 * Creates a workspace with `accord workspace create` on a data directory before an app starts on
 * it (`startApp(env, { dataDir })`): its catalog from `template`, its first admin. Answers the
 * admin's one-time password.
 */
export function createWorkspace(
  dataDir: string,
  input: { slug: string; name: string; adminEmail: string; template: 'empty' | 'b2b' },
): string {
  const output = execFileSync(
    process.execPath,
    [
      join(repoRoot, 'apps/api/bin/accord.js'),
      'workspace',
      'create',
      '--slug',
      input.slug,
      '--name',
      input.name,
      '--admin-email',
      input.adminEmail,
      '--template',
      input.template,
    ],
    { cwd: repoRoot, env: { ...process.env, ACCORD_DATA_DIR: dataDir, DATABASE_URL: '' } },
  ).toString();
  const password = /One-time password[^:]*: (\S+)/.exec(output)?.[1];
  if (!password) throw new Error(`accord workspace create printed no password:\n${output}`);
  return password;
}
