import { useQuery } from '@tanstack/react-query';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { AppLayout } from './layout';
import { useTRPC } from './lib/trpc';
import { AdminPage } from './routes/admin';
import { AgreementPage } from './routes/agreement';
import { AuditPage } from './routes/audit';
import { ComparePage } from './routes/compare';
import { DecisionsPage } from './routes/decisions';
import { EditorPage } from './routes/editor';
import { LeadSetsPage } from './routes/lead-sets';
import { SignInPage } from './routes/sign-in';
import { SimulatePage } from './routes/simulate';
import { VersionsPage } from './routes/versions';
import { VersionViewPage } from './routes/version-view';
import { WorkflowsPage } from './routes/workflows';

export function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route path="/signin" element={<SignInPage />} />
        <Route element={<RequireUser />}>
          <Route path="/" element={<Navigate to="/workflows" replace />} />
          <Route path="/workflows" element={<WorkflowsPage />} />
          <Route path="/workflows/:workflowId" element={<EditorPage />} />
          <Route
            path="/workflows/:workflowId/versions/:versionId/view"
            element={<VersionViewPage />}
          />
          <Route path="/workflows/:workflowId/versions" element={<VersionsPage />} />
          <Route path="/workflows/:workflowId/versions/compare" element={<ComparePage />} />
          <Route
            path="/workflows/:workflowId/versions/:versionId/agreement"
            element={<AgreementPage />}
          />
          <Route path="/workflows/:workflowId/simulate" element={<SimulatePage />} />
          <Route path="/lead-sets" element={<LeadSetsPage />} />
          <Route path="/audit" element={<AuditPage />} />
          <Route path="/decisions" element={<DecisionsPage />} />
          <Route path="/admin" element={<AdminPage />} />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}

/** Every page but sign-in needs a session; without one the user is sent to sign in. */
function RequireUser() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const location = useLocation();
  if (me.isPending) return <p className="page muted">Loading…</p>;
  if (me.error) return <p className="page error">The server did not answer: {me.error.message}</p>;
  if (!me.data) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/signin?next=${next}`} replace />;
  }
  return <AppLayout user={me.data} />;
}

function NotFound() {
  return (
    <main className="page">
      <h1>Page not found</h1>
      <p className="muted">Use the navigation above to find your way back.</p>
    </main>
  );
}
