import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '../lib/trpc';
import type { RouterOutputs } from '../lib/types';
import { DataTable } from '../pages/data-table';
import { Dialog } from '../pages/dialog';
import { formatTime } from '../pages/format';
import { usePermissions } from '../pages/use-permissions';

type User = RouterOutputs['users']['list'][number];
type Role = User['role'];
type CreatedKey = RouterOutputs['apiKeys']['create'];

/** What each role may do, in one line; keyed by the API's role type so none is missed. */
const ROLE_HELP = {
  admin: 'users, API keys and everything else',
  marketing: 'edits the workflow, proposes and signs off for marketing',
  sales: 'edits the workflow, proposes and signs off for sales',
  ops: 'simulates, publishes and rolls back',
  auditor: 'reads everything, changes nothing',
} satisfies Record<Role, string>;
const ROLES = Object.keys(ROLE_HELP) as Role[];

/** Users and roles, API keys. Admins only. */
export function AdminPage() {
  const { can } = usePermissions();
  if (!can('users.list'))
    return (
      <main className="page">
        <h1>Admin</h1>
        <p className="muted">Only admins manage users and API keys.</p>
      </main>
    );
  return (
    <main className="page">
      <h1>Admin</h1>
      <Users />
      <ApiKeys />
    </main>
  );
}

function Users() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { me } = usePermissions();
  const users = useQuery(trpc.users.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
  const update = useMutation(trpc.users.update.mutationOptions({ onSuccess: refresh }));
  return (
    <section>
      <h2>Users and roles</h2>
      {users.error && <p className="error">{users.error.message}</p>}
      {update.error && (
        <p className="error" role="alert">
          {update.error.message}
        </p>
      )}
      <DataTable label="Users" columns={['Name', 'Email', 'Role', 'Status', 'Created', '']}>
        {users.data?.map((u) => {
          const self = u.id === me?.id;
          return (
            <tr key={u.id} className={u.disabled_at ? 'disabled-row' : undefined}>
              <td>{u.name}</td>
              <td>{u.email}</td>
              <td>
                <select
                  aria-label={`Role of ${u.email}`}
                  value={u.role}
                  disabled={self || update.isPending}
                  title={self ? 'You cannot change your own role.' : ROLE_HELP[u.role]}
                  onChange={(e) => update.mutate({ id: u.id, role: e.target.value as Role })}
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                {u.disabled_at ? (
                  <span className="error">Disabled {formatTime(u.disabled_at)}</span>
                ) : (
                  <span className="ok">Active</span>
                )}
              </td>
              <td className="muted">{formatTime(u.created_at)}</td>
              <td>
                {!self && (
                  <button
                    disabled={update.isPending}
                    onClick={() => update.mutate({ id: u.id, disabled: !u.disabled_at })}
                  >
                    {u.disabled_at ? 'Enable' : 'Disable'}
                  </button>
                )}
              </td>
            </tr>
          );
        })}
      </DataTable>
      <CreateUser onCreated={refresh} />
    </section>
  );
}

function CreateUser({ onCreated }: { onCreated: () => Promise<void> }) {
  const trpc = useTRPC();
  const [form, setForm] = useState({
    name: '',
    email: '',
    role: 'marketing' as Role,
    password: '',
  });
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: async () => {
        setForm({ name: '', email: '', role: form.role, password: '' });
        await onCreated();
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(form);
  };
  return (
    <form className="card create-form" onSubmit={submit} aria-label="Create user">
      <h3>Add a user</h3>
      <div className="row">
        <label>
          Name
          <input
            required
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
          />
        </label>
        <label>
          Email
          <input
            required
            type="email"
            value={form.email}
            onChange={(e) => setForm({ ...form, email: e.target.value })}
          />
        </label>
        <label>
          Role
          <select
            value={form.role}
            onChange={(e) => setForm({ ...form, role: e.target.value as Role })}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label>
          Initial password
          <input
            required
            type="password"
            minLength={10}
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
          />
        </label>
        <button className="primary" type="submit" disabled={create.isPending}>
          Create user
        </button>
      </div>
      <p className="small muted">
        {form.role}: {ROLE_HELP[form.role]}. Passwords need at least 10 characters.
      </p>
      {create.error && (
        <p className="error" role="alert">
          {create.error.message}
        </p>
      )}
      {create.data && <p className="ok">Created {create.data.email}.</p>}
    </form>
  );
}

function ApiKeys() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.apiKeys.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const create = useMutation(
    trpc.apiKeys.create.mutationOptions({
      onSuccess: async (key) => {
        setCreated(key);
        setName('');
        await refresh();
      },
    }),
  );
  const revoke = useMutation(trpc.apiKeys.revoke.mutationOptions({ onSuccess: refresh }));
  return (
    <section>
      <h2>API keys</h2>
      <p className="muted small">
        CRMs and marketing-automation tools call <code>POST /v1/workflows/:slug/evaluate</code> with{' '}
        <code>Authorization: Bearer &lt;key&gt;</code>. Only a hash is stored: a key is shown once,
        when it is created.
      </p>
      {keys.error && <p className="error">{keys.error.message}</p>}
      {revoke.error && (
        <p className="error" role="alert">
          {revoke.error.message}
        </p>
      )}
      {keys.data?.length === 0 && (
        <p className="card muted">No API keys yet. Create one below for each tool that calls us.</p>
      )}
      {!!keys.data?.length && (
        <DataTable label="API keys" columns={['Name', 'Key', 'Created', 'Last used', 'Status', '']}>
          {keys.data.map((k) => (
            <tr key={k.id} className={k.revoked_at ? 'disabled-row' : undefined}>
              <td>{k.name}</td>
              <td>
                <code>{k.prefix}…</code>
              </td>
              <td className="muted">{formatTime(k.created_at)}</td>
              <td className="muted">{k.last_used_at ? formatTime(k.last_used_at) : 'never'}</td>
              <td>
                {k.revoked_at ? (
                  <span className="error">Revoked {formatTime(k.revoked_at)}</span>
                ) : (
                  <span className="ok">Active</span>
                )}
              </td>
              <td>
                {!k.revoked_at && (
                  <button
                    className="danger"
                    disabled={revoke.isPending}
                    onClick={() => {
                      if (confirm(`Revoke "${k.name}"? Calls with it fail at once.`))
                        revoke.mutate({ id: k.id });
                    }}
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <form
        className="card create-form"
        aria-label="Create API key"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ name });
        }}
      >
        <div className="row">
          <label>
            Key name
            <input
              required
              placeholder="e.g. HubSpot production"
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </label>
          <button className="primary" type="submit" disabled={create.isPending}>
            Create API key
          </button>
        </div>
        {create.error && (
          <p className="error" role="alert">
            {create.error.message}
          </p>
        )}
      </form>
      <NewKeyDialog created={created} onClose={() => setCreated(null)} />
    </section>
  );
}

function NewKeyDialog({ created, onClose }: { created: CreatedKey | null; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    if (!created) return;
    await navigator.clipboard.writeText(created.key);
    setCopied(true);
  };
  return (
    <Dialog
      open={!!created}
      onOpenChange={(open) => {
        if (!open) {
          setCopied(false);
          onClose();
        }
      }}
      title={<>API key “{created?.name}” created</>}
      description="Copy it now: this is the only time it is shown. Only its hash is kept."
      closeLabel="I have stored it"
    >
      <div className="row">
        <code className="secret" data-testid="new-api-key">
          {created?.key}
        </code>
        <button onClick={() => void copy()}>{copied ? 'Copied ✓' : 'Copy'}</button>
      </div>
    </Dialog>
  );
}
