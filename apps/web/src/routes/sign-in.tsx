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
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate({ email, password });
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
            onChange={(e) => setEmail(e.target.value)}
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
        {signIn.error && (
          <p role="alert" className="error">
            {signIn.error.message}
          </p>
        )}
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
