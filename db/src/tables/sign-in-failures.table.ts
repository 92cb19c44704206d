import type { GeneratedAlways } from 'kysely';

/** One failed sign-in: `key` is the email and client address it came from. */
export interface SignInFailuresTable {
  id: GeneratedAlways<string>;
  key: string;
  at: Date;
}
