import type { Executor } from '../executor';
import type { NewComment } from '../tables/comments.table';

/**
 * The comments of a workflow's draft (`versionId` null) or of one of its versions, oldest
 * first, with their author's name and role.
 */
export async function listComments(db: Executor, workflowId: string, versionId: string | null) {
  let query = db
    .selectFrom('comments')
    .innerJoin('users', 'users.id', 'comments.author_id')
    .select([
      'comments.id',
      'comments.node_id',
      'comments.version_id',
      'comments.body',
      'comments.created_at',
      'users.name as authorName',
      'users.role as authorRole',
    ])
    .where('comments.workflow_id', '=', workflowId);
  query =
    versionId === null
      ? query.where('comments.version_id', 'is', null)
      : query.where('comments.version_id', '=', versionId);
  return query.orderBy('comments.created_at').execute();
}

/** Stores a comment and answers its id and time. */
export async function insertComment(db: Executor, comment: NewComment) {
  return db
    .insertInto('comments')
    .values(comment)
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow();
}
