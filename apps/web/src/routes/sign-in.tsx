import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useTRPC } from '../lib/trpc';

export function SignInPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  /** Workspaces to choose from, once the server said the password opens accounts in several. */
  const [choices, setChoices] = useState<{ slug: string; name: string }[]>([]);
  const [workspace, setWorkspace] = useState('');
  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      onSuccess: async (user) => {
        // Seed the session query so the guarded pages see the user at once (no stale null).
        queryClient.setQueryData(trpc.auth.me.queryKey(), user);
        const next = params.get('next');
        await navigate(
          next && next.startsWith('/') && !next.startsWith('//') ? next : '/workflows',
        );
      },
      onError: (error) => {
        const offered = error.data?.workspaces;
        if (offered?.length) {
          setChoices(offered);
          setWorkspace(offered[0]!.slug);
        }
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate({ email, password, ...(choices.length ? { workspace } : {}) });
  };
  const changeEmail = (value: string) => {
    setEmail(value);
    setChoices([]);
  };
  return (
    <main className="signin">
      <form className="card" onSubmit={submit} aria-label="Sign in">
        <h1>Sign in to Accord</h1>
        <p className="muted">The lead-qualification agreement between marketing and sales.</p>
        <label>
          Email
          <input
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => changeEmail(e.target.value)}
            required
          />
        </label>
        <label>
          Password
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {choices.length > 0 && (
          <label>
            Workspace
            <select value={workspace} onChange={(e) => setWorkspace(e.target.value)}>
              {choices.map((c) => (
                <option key={c.slug} value={c.slug}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {signIn.error &&
          (signIn.error.data?.workspaces ? (
            <p role="status" className="muted">
              Your email has accounts in several workspaces: choose one and sign in again.
            </p>
          ) : (
            <p role="alert" className="error">
              {signIn.error.message}
            </p>
          ))}
        <button type="submit" className="primary" disabled={signIn.isPending}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">
          Demo: marketing@acme.test, sales@acme.test, ops@acme.test … password accord-demo
        </p>
      </form>
    </main>
  );
}
