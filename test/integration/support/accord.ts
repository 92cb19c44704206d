/**
 * The real API over a test database, for the reliability and security suites: the Fastify server
 * (`app.inject` for HTTP), one signed-in HTTP session per demo role, tRPC callers per role that
 * share the server's caches, and helpers to publish a workflow and create an API key.
 */
import { ROLES } from '@accord/access';
import type { AccordDatabase, Role } from '@accord/db';
import { appRouter, createCaller } from '@accord/api';
import { defaultWorkflow } from '@accord/engine';
import { SignInThrottle } from '@accord/api/auth/sign-in-throttle';
import { parseEnv, type Env } from '@accord/api/env';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '@accord/api/seed';
import { buildServer, type AccordServer } from '@accord/api/server';
import type { Context, SessionUser } from '@accord/api/trpc';

export type Caller = ReturnType<typeof createCaller>;
export { ROLES };

/** What a tRPC call over HTTP answered. */
export interface TrpcAnswer {
  status: number;
  /** `result.data` on success. */
  data?: unknown;
  /** `error.data.code` (BAD_REQUEST, FORBIDDEN, …) on failure. */
  code?: string;
  message?: string;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

/** Every procedure of the app router with its type, read from the router itself. */
export function procedures(): { path: string; type: 'query' | 'mutation' | 'subscription' }[] {
  const record = (
    appRouter as unknown as {
      _def: { procedures: Record<string, { _def: { type: 'query' | 'mutation' } }> };
    }
  )._def.procedures;
  return Object.entries(record).map(([path, p]) => ({ path, type: p._def.type }));
}

/**
 * The top-level keys a procedure's input schema reads (zod objects expose `shape`), or null when
 * the procedure takes no object input.
 */
export function inputKeys(path: string): Set<string> | null {
  const record = (
    appRouter as unknown as {
      _def: { procedures: Record<string, { _def: { inputs?: { shape?: object }[] } }> };
    }
  )._def.procedures;
  const keys = (record[path]?._def.inputs ?? []).flatMap((schema) =>
    schema?.shape && typeof schema.shape === 'object' ? Object.keys(schema.shape) : [],
  );
  return keys.length ? new Set(keys) : null;
}

export interface Accord {
  database: AccordDatabase;
  app: AccordServer;
  env: Env;
  users: Record<Role, SessionUser>;
  /** tRPC callers (no HTTP) per demo role, sharing the server's caches. */
  as: Record<Role, Caller>;
  callerFor(user: SessionUser | null): Caller;
  /** `accord_session=<token>` of a fresh HTTP sign-in per demo role. */
  cookie: Record<Role, string>;
  signIn(email: string, password: string, headers?: Record<string, string>): Promise<TrpcAnswer>;
  /** A tRPC procedure over HTTP: GET with `?input=` for queries, POST JSON for mutations. */
  trpc(cookie: string | null, path: string, input?: unknown): Promise<TrpcAnswer>;
  close(): Promise<void>;
}

function answer(res: {
  statusCode: number;
  body: string;
  headers: TrpcAnswer['headers'];
}): TrpcAnswer {
  let parsed: {
    result?: { data?: unknown };
    error?: { message?: string; data?: { code?: string } };
  } = {};
  try {
    parsed = JSON.parse(res.body) as typeof parsed;
  } catch {
    // not JSON: the caller asserts on `body`
  }
  return {
    status: res.statusCode,
    data: parsed.result?.data,
    code: parsed.error?.data?.code,
    message: parsed.error?.message,
    headers: res.headers,
    body: res.body,
  };
}

/**
 * Opens the app on a fresh database: migrated (by `open`), demo-seeded, served by the real
 * `buildServer`, with each demo role signed in over HTTP.
 */
export async function openAccord(
  open: () => Promise<AccordDatabase>,
  envOverrides: Record<string, string> = {},
): Promise<Accord> {
  const database = await open();
  await seedDemo(database.db);
  const env = parseEnv({
    LOG_LEVEL: 'silent',
    ACCORD_REQUIRE_SIMULATION_BEFORE_PUBLISH: 'false',
    ...envOverrides,
  });
  const app = await buildServer({ database, env });
  const rows = await database.db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role', 'workspace_id'])
    .where(
      'email',
      'in',
      DEMO_USERS.map((u) => u.email),
    )
    .execute();
  const users = Object.fromEntries(rows.map((u) => [u.role, u])) as Record<Role, SessionUser>;
  const callerFor = (user: SessionUser | null) => {
    const context: Context = {
      db: database.db,
      dbKind: database.kind,
      env,
      caches: app.caches,
      signInThrottle: new SignInThrottle(database.db),
      user,
      sessionHash: null,
    };
    return createCaller(context);
  };
  const kinds = new Map(procedures().map((p) => [p.path, p.type]));

  const signIn = async (email: string, password: string, headers: Record<string, string> = {}) =>
    answer(
      await app.inject({
        method: 'POST',
        url: '/trpc/auth.signIn',
        headers: { 'content-type': 'application/json', ...headers },
        payload: JSON.stringify({ email, password }),
      }),
    );
  const trpc = async (cookie: string | null, path: string, input?: unknown) => {
    const headers: Record<string, string> = cookie ? { cookie } : {};
    if (kinds.get(path) === 'query') {
      const query =
        input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
      return answer(await app.inject({ method: 'GET', url: `/trpc/${path}${query}`, headers }));
    }
    return answer(
      await app.inject({
        method: 'POST',
        url: `/trpc/${path}`,
        headers: { ...headers, 'content-type': 'application/json' },
        ...(input === undefined ? {} : { payload: JSON.stringify(input) }),
      }),
    );
  };

  const cookie = {} as Record<Role, string>;
  for (const role of ROLES) {
    const email = DEMO_USERS.find((u) => u.role === role)!.email;
    const res = await signIn(email, DEMO_PASSWORD);
    if (res.status !== 200) throw new Error(`sign-in as ${role} failed: ${res.body}`);
    cookie[role] = sessionCookieOf(res)!;
  }

  return {
    database,
    app,
    env,
    users,
    as: Object.fromEntries(ROLES.map((r) => [r, callerFor(users[r])])) as Record<Role, Caller>,
    callerFor,
    cookie,
    signIn,
    trpc,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/** The `accord_session=<token>` pair of a response's Set-Cookie, or null. */
export function sessionCookieOf(res: { headers: TrpcAnswer['headers'] }): string | null {
  const header = res.headers['set-cookie'];
  const all = Array.isArray(header) ? header : header === undefined ? [] : [String(header)];
  const found = all.find((c) => c.startsWith('accord_session='));
  return found ? found.split(';')[0]! : null;
}

/** The full Set-Cookie line of the session cookie. */
export function sessionSetCookie(res: { headers: TrpcAnswer['headers'] }): string {
  const header = res.headers['set-cookie'];
  const all = Array.isArray(header) ? header : header === undefined ? [] : [String(header)];
  return all.find((c) => c.startsWith('accord_session=')) ?? '';
}

/**
 * Creates a workflow and takes it through propose, marketing and sales sign-off and publish, as
 * the product does. Returns its id, slug and the published version.
 */
export async function publishWorkflow(
  accord: Accord,
  name: string,
  document: unknown = defaultWorkflow(),
) {
  const { as } = accord;
  const workflow = await as.marketing.workflows.create({ name, from: 'default' });
  const draft = await as.marketing.draft.get({ workflowId: workflow.id });
  await as.marketing.draft.save({
    workflowId: workflow.id,
    baseRevision: draft.revision,
    document,
  });
  const version = await as.marketing.versions.propose({
    workflowId: workflow.id,
    changeNote: 'Published for a reliability test',
  });
  await as.sales.versions.approve({ versionId: version.id, comment: 'ok' });
  const marketingOther = await secondUser(accord, 'marketing');
  await accord.callerFor(marketingOther).versions.approve({ versionId: version.id, comment: 'ok' });
  await as.ops.versions.publish({ versionId: version.id, reason: 'Published for a test' });
  return {
    workflowId: workflow.id,
    slug: workflow.slug,
    versionId: version.id,
    number: version.number,
  };
}

const extraUsers = new WeakMap<Accord, Map<string, SessionUser>>();

/** A second user of a role (made once per app), e.g. a marketing approver who is not the author. */
export async function secondUser(accord: Accord, role: Role, n = 2): Promise<SessionUser> {
  let made = extraUsers.get(accord);
  if (!made) extraUsers.set(accord, (made = new Map()));
  const key = `${role}-${n}`;
  const existing = made.get(key);
  if (existing) return existing;
  const email = `${role}${n}-${Math.random().toString(36).slice(2, 8)}@acme.test`;
  const created = await accord.as.admin.users.create({
    email,
    name: `${role} ${n}`,
    role,
    password: 'long-enough-password',
  });
  const user: SessionUser = {
    id: created.id,
    email: created.email,
    name: created.name,
    role: created.role,
    workspace_id: accord.users.admin.workspace_id,
  };
  made.set(key, user);
  return user;
}

/** A new API key of the demo workspace (shown once, as the product shows it). */
export async function createApiKey(accord: Accord, name = 'crm') {
  const created = await accord.as.admin.apiKeys.create({ name });
  return { id: created.id, key: created.key };
}
