import { useMutation, useQueryClient } from '@tanstack/react-query';
import { NavLink, Outlet, useMatch, useNavigate } from 'react-router';
import { useTRPC } from './lib/trpc';
import type { Me } from './lib/types';
import { usePermissions } from './pages/use-permissions';

const NAV = [
  { to: '/workflows', label: 'Workflows' },
  { to: '/lead-sets', label: 'Lead sets' },
  { to: '/fields', label: 'Fields' },
  { to: '/audit', label: 'Audit log' },
  { to: '/decisions', label: 'Decisions' },
  { to: '/admin', label: 'Admin', needs: 'users.list' },
] as const;

/** The frame around every signed-in page: product name, navigation, who is signed in. */
export function AppLayout({ user }: { user: NonNullable<Me> }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { can } = usePermissions();
  // On a workflow's pages, its editor, versions and simulation are one click away.
  const inWorkflow = useMatch('/workflows/:workflowId/*')?.params.workflowId;
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      onSuccess: async () => {
        queryClient.clear();
        await navigate('/signin');
      },
    }),
  );
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">Accord</span>
        <nav>
          {NAV.filter((item) => !('needs' in item) || can(item.needs)).map((item) => (
            // `end`: on a workflow's own pages, Editor / Versions / Simulate / Tune are the active ones.
            <NavLink key={item.to} to={item.to} end>
              {item.label}
            </NavLink>
          ))}
          {inWorkflow && (
            <>
              <span aria-hidden className="muted">
                |
              </span>
              <NavLink end to={`/workflows/${inWorkflow}`}>
                Editor
              </NavLink>
              <NavLink end to={`/workflows/${inWorkflow}/versions`}>
                Versions
              </NavLink>
              <NavLink to={`/workflows/${inWorkflow}/simulate`}>Simulate</NavLink>
              <NavLink to={`/workflows/${inWorkflow}/tune`}>Tune</NavLink>
            </>
          )}
        </nav>
        <span className="user" data-testid="current-user">
          {user.name} <span className={`role role-${user.role}`}>{user.role}</span>
        </span>
        <button className="ghost" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
          Sign out
        </button>
      </header>
      <Outlet />
    </div>
  );
}
