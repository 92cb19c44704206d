import type { Generated } from 'kysely';

/**
 * Every time a version went live (publish or rollback), with who did it and why: answers "what
 * was live at time T" and keeps each publication of a version (a rollback adds one, it does not
 * replace the first).
 */
export interface PublicationsTable {
  id: Generated<string>;
  workflow_id: string;
  version_id: string;
  kind: 'publish' | 'rollback';
  published_by: string;
  published_at: Generated<Date>;
  /** Why it went live, as the publisher gave it (empty only for rows older than the reason). */
  reason: Generated<string>;
}
