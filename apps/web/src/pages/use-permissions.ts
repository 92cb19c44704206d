import { ROLE_POLICY, type PolicyName } from '@accord/access';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../lib/trpc';

/**
 * The signed-in user and what they may call, read from the server's own ROLE_POLICY table, so a
 * page shows only the buttons the server would accept. The web app's one permission check: pages
 * ask `can('versions.publish')`, never a role by name, and nothing else imports ROLE_POLICY.
 * @example const { can } = usePermissions(); if (can('draft.save')) …
 */
export function usePermissions() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions()).data ?? null;
  const can = (procedure: PolicyName) =>
    !!me && (ROLE_POLICY[procedure] as readonly string[]).includes(me.role);
  return { me, can };
}
