/**
 * Reads a Dockerfile into its stages and instructions, and replays a stage's instructions on this
 * machine (a directory stands in for the image's filesystem), for the container recipe suite: a
 * machine without a container engine still runs the image's own commands.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

export interface Instruction {
  keyword: string;
  /** The instruction's text after the keyword, continuation lines joined. */
  args: string;
}

export interface Stage {
  image: string;
  name: string;
  instructions: Instruction[];
}

/** The stages of a Dockerfile, in order; comments dropped, `\` continuations joined. */
export function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(`${pending}${line}`.trim());
    pending = '';
  }
  const stages: Stage[] = [];
  for (const line of logical) {
    const space = line.indexOf(' ');
    const keyword = line.slice(0, space).toUpperCase();
    const args = line.slice(space + 1).trim();
    if (keyword === 'FROM') {
      const [image, as, name] = args.split(/\s+/);
      stages.push({
        image: image!,
        name: as?.toUpperCase() === 'AS' ? name! : String(stages.length),
        instructions: [],
      });
    } else {
      if (!stages.length) throw new Error(`${keyword} before the first FROM`);
      stages.at(-1)!.instructions.push({ keyword, args });
    }
  }
  return stages;
}

/** `KEY=value KEY2="value"` of an ENV instruction. */
export function parseEnvArgs(args: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g))
    env[match[1]!] = match[2]!.replace(/^"(.*)"$/, '$1');
  return env;
}

/** The exec form `["a", "b"]` of CMD and HEALTHCHECK CMD. */
export function execForm(args: string): string[] {
  const json = args.slice(args.indexOf('['));
  return JSON.parse(json) as string[];
}

/** Paths of the image's filesystem mapped to directories of this machine (longest first). */
export type PathMap = [imagePath: string, local: string][];

/** Rewrites absolute image paths in a command or value to their local directories. */
export function mapPaths(text: string, paths: PathMap): string {
  let out = text;
  for (const [imagePath, local] of paths) {
    const escaped = imagePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(?<![\\w.-])${escaped}(?=/|\\s|$|"|')`, 'g'), local);
  }
  return out;
}

/** Whether `.dockerignore` keeps `path` (relative to the context) out of the build context. */
function ignoredBy(patterns: string[], path: string): boolean {
  const parts = path.split('/');
  return patterns.some((pattern) => {
    if (pattern.startsWith('**/')) {
      const rest = pattern.slice(3);
      if (rest.startsWith('*.')) return path.endsWith(rest.slice(1));
      return parts.includes(rest);
    }
    return path === pattern || path.startsWith(`${pattern}/`);
  });
}

export interface ReplayOptions {
  stage: Stage;
  /** The directory standing in for the stage's filesystem root of WORKDIR. */
  workdir: string;
  /** The build context (for COPY without --from). */
  context: string;
  /** Local directories of earlier stages' WORKDIR, by stage name (for COPY --from). */
  stageDirs: Record<string, string>;
  paths: PathMap;
  /** Environment the RUN commands get besides the stage's ENV. */
  env: Record<string, string>;
  /** Rewrites a RUN command for this machine (e.g. a user the image has and it lacks). */
  rewrite?: (command: string) => string;
  /** What each RUN took, for the report. */
  onRun?: (command: string, ms: number) => void;
}

/** Replays WORKDIR, COPY, RUN and ENV of a stage; answers the stage's environment. */
export function replayStage(options: ReplayOptions): Record<string, string> {
  const { stage, workdir, context, stageDirs, paths } = options;
  const env: Record<string, string> = {};
  const ignore = existsSync(join(context, '.dockerignore'))
    ? readFileSync(join(context, '.dockerignore'), 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
    : [];
  mkdirSync(workdir, { recursive: true });
  for (const { keyword, args } of stage.instructions) {
    if (keyword === 'ENV') Object.assign(env, parseEnvArgs(args));
    else if (keyword === 'COPY') {
      const words = args.split(/\s+/);
      const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
      const [...sources] = words.filter((w) => !w.startsWith('--'));
      const dest = sources.pop()!;
      const target = dest.startsWith('/') ? mapPaths(dest, paths) : join(workdir, dest);
      const intoDir = dest.endsWith('/') || dest === '.' || sources.length > 1;
      for (const source of sources) {
        const local = from ? mapPaths(source, [['/app', stageDirs[from]!]]) : join(context, source);
        if (!existsSync(local)) throw new Error(`COPY ${args}: ${local} does not exist`);
        const to = intoDir && statSync(local).isFile() ? join(target, basename(local)) : target;
        mkdirSync(intoDir ? target : join(to, '..'), { recursive: true });
        cpSync(local, to, {
          recursive: true,
          filter: (path) => from !== undefined || !ignoredBy(ignore, relative(context, path)),
        });
      }
    } else if (keyword === 'RUN') {
      const command = (options.rewrite ?? ((c: string) => c))(mapPaths(args, paths));
      const started = Date.now();
      const run = spawnSync('sh', ['-c', command], {
        cwd: workdir,
        env: { ...process.env, ...options.env, ...env },
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      if (run.status !== 0)
        throw new Error(
          `RUN ${args} failed (${run.status ?? run.signal}):\n${`${run.stdout}\n${run.stderr}`.slice(-6_000)}`,
        );
      options.onRun?.(args, Date.now() - started);
    } else if (keyword !== 'WORKDIR' || args !== '/app') {
      if (!['VOLUME', 'USER', 'EXPOSE', 'HEALTHCHECK', 'STOPSIGNAL', 'CMD'].includes(keyword))
        throw new Error(`The replay does not know ${keyword} ${args}`);
    }
  }
  return env;
}
