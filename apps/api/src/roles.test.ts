import type { AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from './root';
import { ROLE_POLICY, ROLES, type PolicyName } from '@accord/access';
import { demoCallers } from './testing';

const PUBLIC = ['system.info', 'auth.signIn', 'auth.signOut', 'auth.me'];
const uuid = '00000000-0000-4000-8000-000000000000';

describe.each(testBackends())('role × procedure matrix on $kind', ({ open }) => {
  let database: AccordDatabase;
  let as: Awaited<ReturnType<typeof demoCallers>>;
  let workflowId: string;
  beforeAll(async () => {
    database = await open();
    as = await demoCallers(database);
    workflowId = (await as.marketing.workflows.list({}))[0]!.id;
  });
  afterAll(() => database?.close());

  it('declares roles for every procedure but the public ones', () => {
    const procedures = Object.keys(appRouter._def.procedures).sort();
    const declared = [...Object.keys(ROLE_POLICY), ...PUBLIC].sort();
    expect(procedures.filter((p) => !declared.includes(p))).toEqual([]);
  });

  it('answers every procedure for every role and signed out as the policy says', async () => {
    const inputs: Partial<Record<PolicyName, unknown>> = {
      'workflows.list': {},
      'workflows.get': { workflowId },
      'workflows.create': { name: 'x', from: 'blank' },
      'workflows.rename': { workflowId: uuid, name: 'x' },
      'workflows.archive': { workflowId: uuid },
      'workflows.unarchive': { workflowId: uuid },
      'workflows.setDecisionLog': { workflowId: uuid, enabled: true },
      'decisions.list': { workflowId },
      'draft.get': { workflowId },
      'draft.save': { workflowId: uuid, baseRevision: 1, document: { bad: true } },
      'comments.list': { workflowId },
      'comments.add': { workflowId: uuid, body: 'x' },
      'versions.list': { workflowId },
      'versions.get': { versionId: uuid },
      'versions.liveAt': { workflowId, at: new Date() },
      'versions.diff': { workflowId, from: 'draft', to: 'draft' },
      'versions.agreement': { versionId: uuid },
      'versions.propose': { workflowId: uuid, changeNote: 'x' },
      'versions.approve': { versionId: uuid },
      'versions.reject': { versionId: uuid },
      'versions.publish': { versionId: uuid, reason: 'x' },
      'versions.rollback': { versionId: uuid, reason: 'x' },
      'audit.list': {},
      'audit.verify': undefined,
      'audit.export': { format: 'json' },
      'users.list': undefined,
      'users.create': { email: 'bad', name: '', role: 'ops', password: 'x' },
      'users.update': { id: uuid },
      'apiKeys.list': undefined,
      'apiKeys.create': { name: '' },
      'apiKeys.revoke': { id: uuid },
    };
    const mismatches: string[] = [];
    const auditBefore = await database.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    for (const name of Object.keys(ROLE_POLICY) as PolicyName[]) {
      const [router, proc] = name.split('.') as [string, string];
      for (const role of [...ROLES, null]) {
        const caller = role ? as.caller(as.users[role]) : as.anonymous;
        const fn = (
          caller as unknown as Record<string, Record<string, (i: unknown) => Promise<unknown>>>
        )[router]![proc]!;
        let code = 'OK';
        try {
          await fn(inputs[name]);
        } catch (error) {
          code = error instanceof TRPCError ? error.code : 'THROWN';
        }
        const allowed = role !== null && (ROLE_POLICY[name] as readonly string[]).includes(role);
        const expected = role === null ? 'UNAUTHORIZED' : allowed ? 'not refused' : 'FORBIDDEN';
        const ok =
          expected === 'not refused'
            ? code !== 'UNAUTHORIZED' &&
              code !== 'FORBIDDEN' &&
              code !== 'THROWN' &&
              code !== 'INTERNAL_SERVER_ERROR'
            : code === expected;
        if (!ok)
          mismatches.push(`${name} as ${role ?? 'signed out'}: ${code}, expected ${expected}`);
      }
    }
    expect(mismatches).toEqual([]);
    // The only allowed call above that succeeds in changing anything is workflows.create (x3 roles).
    const auditAfter = await database.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(auditAfter.n) - Number(auditBefore.n)).toBe(3);
  });

  it('lets auditors read everything and change nothing', () => {
    const auditorMay = (Object.keys(ROLE_POLICY) as PolicyName[]).filter((n) =>
      (ROLE_POLICY[n] as readonly string[]).includes('auditor'),
    );
    for (const name of auditorMay) {
      // At run time `_def.procedures` is flat, keyed by dotted path; its type is the nested record.
      const procedures = appRouter._def.procedures as unknown as Record<
        string,
        { _def: { type: string } }
      >;
      expect(procedures[name]!._def.type, name).toBe('query');
    }
  });
});
