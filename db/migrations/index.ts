import type { Migration } from 'kysely';
import * as createCoreTables from './2026_11_23_0800_create_core_tables';
import * as addSimulationDetails from './2026_11_24_0900_add_simulation_details';
import * as addAuditWorkspace from './2026_11_24_1000_add_audit_workspace';
import * as storeLeadsAsJson from './2026_11_24_1200_store_leads_as_json';
import * as addDecisionLog from './2026_11_25_0900_add_decision_log';
import * as addSignInFailures from './2026_11_26_0900_add_sign_in_failures';
import * as recordGoLiveReasons from './2026_11_27_1000_record_go_live_reasons';
import * as scopeUserEmails from './2026_11_27_1100_scope_user_emails';
import * as workspaceFieldCatalogs from './2026_12_04_0900_workspace_field_catalogs';
import * as leadSetIssues from './2026_12_04_1100_lead_set_issues';
import * as sharedDrafts from './2026_12_05_0900_shared_drafts';

/** Every migration, by name; names sort in the order they run. Add new ones here. */
export const migrations: Record<string, Migration> = {
  '2026_11_23_0800_create_core_tables': createCoreTables,
  '2026_11_24_0900_add_simulation_details': addSimulationDetails,
  '2026_11_24_1000_add_audit_workspace': addAuditWorkspace,
  '2026_11_24_1200_store_leads_as_json': storeLeadsAsJson,
  '2026_11_25_0900_add_decision_log': addDecisionLog,
  '2026_11_26_0900_add_sign_in_failures': addSignInFailures,
  '2026_11_27_1000_record_go_live_reasons': recordGoLiveReasons,
  '2026_11_27_1100_scope_user_emails': scopeUserEmails,
  '2026_12_04_0900_workspace_field_catalogs': workspaceFieldCatalogs,
  '2026_12_04_1100_lead_set_issues': leadSetIssues,
  '2026_12_05_0900_shared_drafts': sharedDrafts,
};
