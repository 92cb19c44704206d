import { sql, type AccordDatabase, type Role } from '@accord/db';
import { TRPCError } from '@trpc/server';
import { parseEnv, type Env } from './env';
import { createCaller } from './root';
import { SignInThrottle } from './auth/sign-in-throttle';
import { ApiKeyCache } from './rest/api-key-cache';
import { EvaluatorCache } from './rest/evaluator-cache';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from './seed';
import { buildServer, type AccordServer } from './server';
import type { Context, SessionUser } from './trpc';

/**
 * The API server over a database with the demo seeded, for tests that call both tRPC and the
 * REST API: callers per demo role sharing the server's caches, the published demo workflow and an
 * admin's API key. The caller closes `app`.
 * @example ({ app, as, workflowId, slug, key } = await servedDemo(database));
 */
export async function servedDemo(database: AccordDatabase) {
  const app = await buildServer({ database, env: parseEnv({ LOG_LEVEL: 'silent' }) });
  const as = await demoCallers(database, {}, app.caches);
  const workflow = (await as.admin.workflows.list({})).find((w) => w.publishedVersion)!;
  const { key } = await as.admin.apiKeys.create({ name: 'CRM' });
  return { app, as, workflowId: workflow.id, slug: workflow.slug, key };
}

/**
 * Signs each demo role in over HTTP (`<role>@acme.test`) and answers their session cookies
 * (`accord_session=…`), for tests that need a real session: uploads, shared-draft sockets.
 * @example const cookies = await demoSessionCookies(app, ['marketing', 'auditor']);
 */
export async function demoSessionCookies<R extends Role>(
  app: AccordServer,
  roles: readonly R[],
): Promise<Record<R, string>> {
  const cookies = {} as Record<R, string>;
  for (const role of roles) {
    const res = await app.inject({
      method: 'POST',
      url: '/trpc/auth.signIn',
      headers: { 'content-type': 'application/json' },
      payload: { email: `${role}@acme.test`, password: DEMO_PASSWORD },
    });
    const header = res.headers['set-cookie'];
    cookies[role] = String(Array.isArray(header) ? header[0] : header).split(';')[0]!;
  }
  return cookies;
}

/**
 * Callers for router tests: one per demo role, plus signed-out, over a seeded database. Pass a
 * server's `caches` when a test also calls its REST API, so mutations invalidate what it serves.
 * @example const as = await demoCallers(database); await as.marketing.workflows.list({});
 */
export async function demoCallers(
  database: AccordDatabase,
  envOverrides: Partial<Record<string, string>> = {},
  caches: Context['caches'] = {
    evaluators: new EvaluatorCache(database.db),
    apiKeys: new ApiKeyCache(database.db),
  },
) {
  await seedDemo(database.db);
  const env: Env = parseEnv({ LOG_LEVEL: 'silent', ...envOverrides });
  const users = await database.db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role', 'workspace_id'])
    .execute();
  const context = (user: SessionUser | null): Context => ({
    db: database.db,
    dbKind: database.kind,
    env,
    caches,
    signInThrottle: new SignInThrottle(database.db),
    user,
    sessionHash: null,
  });
  const byRole = (role: Role) =>
    users.find((u) => u.role === role && DEMO_USERS.some((d) => d.email === u.email))!;
  return {
    users: Object.fromEntries(
      (['admin', 'marketing', 'sales', 'ops', 'auditor'] as const).map((r) => [r, byRole(r)]),
    ) as Record<Role, SessionUser>,
    context,
    caller: (user: SessionUser | null) => createCaller(context(user)),
    admin: createCaller(context(byRole('admin'))),
    marketing: createCaller(context(byRole('marketing'))),
    sales: createCaller(context(byRole('sales'))),
    ops: createCaller(context(byRole('ops'))),
    auditor: createCaller(context(byRole('auditor'))),
    anonymous: createCaller(context(null)),
  };
}

/**
 * The tRPC error code a call fails with, or 'OK'; any other failure is rethrown.
 * @example expect(await codeOf(as.auditor.draft.save(input))).toBe('FORBIDDEN');
 */
export async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'OK';
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}

/**
 * Changes one stored audit event behind the append-only trigger's back, as an attacker with
 * database access would: `column` gets `value` on event `id`.
 * @example await tamperWithAuditEvent(database.db, 42, 'action', 'forged');
 */
export async function tamperWithAuditEvent(
  db: AccordDatabase['db'],
  id: number,
  column: 'action' | 'actor_label',
  value: string,
) {
  await sql`alter table audit_events disable trigger audit_events_append_only`.execute(db);
  await sql`update audit_events set ${sql.ref(column)} = ${value} where id = ${id}`.execute(db);
  await sql`alter table audit_events enable trigger audit_events_append_only`.execute(db);
}

/**
 * A CRM export as people make them: a BOM, a trailing comma on every line (so the header has an
 * unnamed last column), quoted commas and quotes, placeholders and blanks, a row with bad
 * values and a row cut short.
 */
export const MESSY_CSV = [
  '\uFEFFLead ID,First Name,Last Name,E-Mail,Job Title,Employees,Student,Converted,',
  'L-1,Ann,Lee,ann@acme.com,VP Marketing,"1,200",No,Yes,',
  'L-2,Bob,"Smith, Jr.",bob@globex.com,Select,N/A,-,none,',
  'L-3,Cy,Ng,not-an-email,CTO,many,maybe,yes,',
  'L-4,"Dee ""DJ""",Ray,dee@initech.com,"Director, Sales",250,,no,',
  'L-5,Eve,Oh,eve@x.com,',
  '',
  'L-6,Fay,Wu,fay@hooli.com,Head of Growth,40,Yes,,',
  '',
].join('\r\n');
