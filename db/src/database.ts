import type { ApiKeysTable } from './tables/api-keys.table';
import type { ApprovalsTable } from './tables/approvals.table';
import type { AuditEventsTable } from './tables/audit-events.table';
import type { CatalogSnapshotsTable, WorkspaceCatalogsTable } from './tables/catalogs.table';
import type { CollabRelayTable } from './tables/collab-relay.table';
import type { CommentsTable } from './tables/comments.table';
import type { DecisionsTable } from './tables/decisions.table';
import type { DraftsTable } from './tables/drafts.table';
import type { LeadSetIssuesTable } from './tables/lead-set-issues.table';
import type { LeadSetsTable } from './tables/lead-sets.table';
import type { LeadsTable } from './tables/leads.table';
import type { PublicationsTable } from './tables/publications.table';
import type { SessionsTable } from './tables/sessions.table';
import type { SignInFailuresTable } from './tables/sign-in-failures.table';
import type { SimulationChangedLeadsTable } from './tables/simulation-changed-leads.table';
import type { SimulationRunsTable } from './tables/simulation-runs.table';
import type { UsersTable } from './tables/users.table';
import type { VersionsTable } from './tables/versions.table';
import type { WorkflowsTable } from './tables/workflows.table';
import type { WorkspacesTable } from './tables/workspaces.table';

/** The Kysely database interface: one entry per table, keyed by its SQL name. */
export interface DB {
  workspaces: WorkspacesTable;
  users: UsersTable;
  sessions: SessionsTable;
  workflows: WorkflowsTable;
  drafts: DraftsTable;
  versions: VersionsTable;
  publications: PublicationsTable;
  approvals: ApprovalsTable;
  comments: CommentsTable;
  audit_events: AuditEventsTable;
  lead_sets: LeadSetsTable;
  leads: LeadsTable;
  lead_set_issues: LeadSetIssuesTable;
  simulation_runs: SimulationRunsTable;
  simulation_changed_leads: SimulationChangedLeadsTable;
  api_keys: ApiKeysTable;
  decisions: DecisionsTable;
  sign_in_failures: SignInFailuresTable;
  catalog_snapshots: CatalogSnapshotsTable;
  workspace_catalogs: WorkspaceCatalogsTable;
  collab_relay: CollabRelayTable;
}
