import { findWorkspaceBySlug, listLeadSets, listUsers, type AccordDatabase } from '@accord/db';
import { DEFAULT_SAMPLE_AS_OF, leadBatches } from '@accord/engine';
import { loadLeadSet } from './imports/load-lead-set';
import { DEMO_WORKSPACE } from './seed';
import { mutate } from './services/audited';

export const DEMO_OUTCOMES_NAME = 'Demo outcomes (generated)';
export const DEMO_OUTCOMES_COUNT = 10_000;

/**
 * Gives the demo workspace a lead set with known outcomes for the tuning page (issue #19): leads
 * from the generator's outcome mode (its documented logistic model), loaded by the ops user like
 * any generated set, audited. Once: a set of that name is kept as it is.
 * @example await seedDemoOutcomes(database);
 */
export async function seedDemoOutcomes(database: Pick<AccordDatabase, 'db' | 'kind'>) {
  const { db } = database;
  const workspace = await findWorkspaceBySlug(db, DEMO_WORKSPACE.slug);
  if (!workspace) return null;
  const sets = await listLeadSets(db, workspace.id);
  if (sets.some((s) => s.name === DEMO_OUTCOMES_NAME)) return null;
  const ops = (await listUsers(db, workspace.id)).find((u) => u.role === 'ops' && !u.disabled_at);
  if (!ops) return null;
  const user = { ...ops, workspace_id: workspace.id };
  const ctx = { db, dbKind: database.kind, user } as Parameters<typeof loadLeadSet>[0];
  const source = {
    kind: 'generated',
    count: DEMO_OUTCOMES_COUNT,
    seed: 'demo-outcomes',
    asOf: new Date(DEFAULT_SAMPLE_AS_OF).toISOString(),
    outcome: 'model',
  };
  return loadLeadSet(
    ctx,
    (run) => mutate(ctx as Parameters<typeof mutate>[0], run),
    { name: DEMO_OUTCOMES_NAME, source },
    leadBatches({
      count: DEMO_OUTCOMES_COUNT,
      seed: 'demo-outcomes',
      asOf: DEFAULT_SAMPLE_AS_OF,
      batchSize: 2_000,
      outcome: 'model',
    }),
  );
}
