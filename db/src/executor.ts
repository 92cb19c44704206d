import type { Transaction } from 'kysely';
import type { Db } from './create-db';
import type { DB } from './database';

/** What a repository function runs on: the database or an open transaction. */
export type Executor = Db | Transaction<DB>;
