import { ROLES, type Role } from './roles';

const EVERYONE: readonly Role[] = ROLES;
const AUTHORS: readonly Role[] = ['admin', 'marketing', 'sales'];
const OPERATORS: readonly Role[] = ['admin', 'ops'];
const ADMINS: readonly Role[] = ['admin'];

/**
 * Who may call each procedure: the one table the API enforces and the web app reads (through
 * `usePermissions`), kept in a package so the web app needs nothing of the server at run time.
 * Auditors read everything and change nothing.
 */
export const ROLE_POLICY = {
  'workflows.list': EVERYONE,
  'workflows.get': EVERYONE,
  'workflows.create': AUTHORS,
  'workflows.rename': AUTHORS,
  'workflows.archive': AUTHORS,
  'workflows.unarchive': AUTHORS,
  'workflows.setDecisionLog': ADMINS,
  'decisions.list': EVERYONE,
  'draft.get': EVERYONE,
  'draft.revision': EVERYONE,
  'draft.save': AUTHORS,
  'comments.list': EVERYONE,
  'comments.add': ['admin', 'marketing', 'sales', 'ops'],
  'versions.list': EVERYONE,
  'versions.get': EVERYONE,
  'versions.liveAt': EVERYONE,
  'versions.diff': EVERYONE,
  'versions.agreement': EVERYONE,
  'versions.catalog': EVERYONE,
  'versions.sqlView': EVERYONE,
  'versions.propose': AUTHORS,
  'versions.approve': ['marketing', 'sales'],
  'versions.reject': ['marketing', 'sales'],
  'versions.publish': OPERATORS,
  'versions.rollback': OPERATORS,
  'audit.list': EVERYONE,
  'audit.verify': EVERYONE,
  'audit.export': EVERYONE,
  'users.list': ADMINS,
  'users.create': ADMINS,
  'users.update': ADMINS,
  'apiKeys.list': ADMINS,
  'apiKeys.create': ADMINS,
  'apiKeys.revoke': ADMINS,
  'fields.catalog': EVERYONE,
  'fields.usage': EVERYONE,
  // Adding a field changes no version (each pins its catalog) and is audited, so authors add
  // fields directly; changing or retiring one, or replacing the catalog, is for admins and ops.
  'fields.add': ['admin', 'marketing', 'sales', 'ops'],
  'fields.addMany': ['admin', 'marketing', 'sales', 'ops'],
  'fields.update': OPERATORS,
  'fields.setRetired': OPERATORS,
  'fields.replace': OPERATORS,
  'fields.applyTemplate': OPERATORS,
  'leadSets.list': EVERYONE,
  'leadSets.get': EVERYONE,
  'leadSets.leads': EVERYONE,
  'leadSets.generate': OPERATORS,
  'leadSets.copy': OPERATORS,
  'leadSets.previewImport': OPERATORS,
  'leadSets.import': OPERATORS,
  'leadSets.delete': OPERATORS,
  'simulations.start': OPERATORS,
  'simulations.get': EVERYONE,
  'simulations.list': EVERYONE,
  'simulations.cancel': OPERATORS,
  'simulations.changedLeads': EVERYONE,
  'simulations.explainLead': EVERYONE,
  'simulations.tryLead': ['admin', 'marketing', 'sales', 'ops'],
  'tuning.evidence': EVERYONE,
  'tuning.signals': EVERYONE,
  'tuning.thresholds': EVERYONE,
  'tuning.suggestPoints': EVERYONE,
  'tuning.draftScorecard': EVERYONE,
  'tuning.applyPoints': AUTHORS,
  'tuning.applyThreshold': AUTHORS,
  'tuning.applyScorecard': AUTHORS,
} as const satisfies Record<string, readonly Role[]>;

export type PolicyName = keyof typeof ROLE_POLICY;
