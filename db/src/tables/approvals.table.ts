import type { Generated } from 'kysely';

export interface ApprovalsTable {
  id: Generated<string>;
  version_id: string;
  user_id: string;
  role: string;
  decision: 'approve' | 'reject';
  comment: Generated<string>;
  created_at: Generated<Date>;
}
