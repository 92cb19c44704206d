import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
  ),
  ACCORD_DATA_DIR: z.preprocess(emptyToUndefined, z.string().default(`${repoRoot}.data`)),
  ACCORD_WEB_DIST: z.preprocess(emptyToUndefined, z.string().default(`${repoRoot}apps/web/dist`)),
  /** `demo` seeds demo users, a workflow and a lead set on first start; `none` seeds nothing. */
  ACCORD_SEED: z.enum(['demo', 'none']).default('demo'),
  /** Cookies carry `Secure` when the app is served over HTTPS. */
  ACCORD_SECURE_COOKIES: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Publishing requires a simulation run of the version against the live one. */
  ACCORD_REQUIRE_SIMULATION_BEFORE_PUBLISH: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /**
   * REST evaluation requests per minute per API key, and per address for requests without a
   * known key (defaults in rest/evaluate-route.ts: 6,000 and 30).
   */
  ACCORD_RATE_LIMIT_PER_KEY: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1).max(1_000_000_000).optional(),
  ),
  ACCORD_RATE_LIMIT_PER_ADDRESS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1).max(1_000_000_000).optional(),
  ),
  /**
   * On SIGTERM, how long in-flight requests and running simulations may take to finish before
   * the server closes their connections and marks the runs failed (see shutdown.ts).
   */
  ACCORD_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(25_000),
  /**
   * On SIGTERM, how long the server keeps serving with /readyz answering 503 before it closes its
   * listener: the time a load balancer takes to see it not ready and stop sending (e.g. 2 probe
   * periods). Counted before the grace period.
   */
  ACCORD_SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(0),
  /**
   * How many lead sets (imports and generated sets) load at once in this process; one more is
   * refused with TOO_MANY_REQUESTS before its file is read. Each load keeps a core busy (an upload
   * a thread of its own) and, on PostgreSQL, two connections of the pool's ten.
   */
  ACCORD_MAX_CONCURRENT_LOADS: z.coerce.number().int().min(1).max(16).default(2),
  /**
   * On PostgreSQL, simulations started with path `auto` run inside the database from this many
   * leads when the set has a typed copy for the run's catalogs (default 1,000,000: from there the
   * database was faster than the worker lanes in bench:warehouse); otherwise on the worker lanes.
   */
  ACCORD_SQL_SIMULATION_MIN_LEADS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1).optional(),
  ),
  /**
   * JSON log lines (one per request) at `info` and above; `debug` and `trace` add request bodies
   * (lead data), with passwords and tokens still redacted.
   */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The API key `accord evaluate --url` sends when `--key` is not given (keeps it out of `ps`). */
  ACCORD_API_KEY: z.preprocess(emptyToUndefined, z.string().max(200).optional()),
  /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.preprocess(emptyToUndefined, z.string().min(16).max(512).optional()),
  /** When set, /metrics is served on a listener of its own on this port (and 404 on PORT). */
  METRICS_PORT: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(0).max(65535).optional(),
  ),
});

export type Env = z.infer<typeof envSchema>;

/** A bad environment variable; the message names each one and what is wrong with it. */
export class EnvError extends Error {
  override name = 'EnvError';
}

/**
 * Parses the environment once, at start-up. Nothing else reads `process.env`.
 * @example const env = parseEnv(process.env);
 */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'environment');
    return `${name}=${JSON.stringify(source[name] ?? '')}: ${issue.message}`;
  });
  throw new EnvError(`Invalid environment: ${problems.join('; ')}`);
}
