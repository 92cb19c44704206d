import type { Generated, Insertable, Selectable } from 'kysely';

/** Every time a version went live (publish or rollback): answers "what was live at time T". */
export interface PublicationsTable {
  id: Generated<string>;
  workflow_id: string;
  version_id: string;
  kind: 'publish' | 'rollback';
  published_by: string;
  published_at: Generated<Date>;
}
export type Publication = Selectable<PublicationsTable>;
export type NewPublication = Insertable<PublicationsTable>;
