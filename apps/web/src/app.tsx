import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, type ComponentType } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { AppLayout } from './layout';
import { useTRPC } from './lib/trpc';
import { SignInPage } from './routes/sign-in';

/**
 * Pages load on first visit: each is its own chunk, so signing in does not wait for the editor,
 * the charts or the canvas library. The navigation stays while a page's chunk loads.
 */
function page<K extends string>(
  load: () => Promise<Record<K, ComponentType>>,
  name: K,
): ComponentType {
  const Page = lazy(async () => {
    const component: ComponentType = (await load())[name];
    return { default: component };
  });
  return function LazyPage() {
    return (
      <Suspense fallback={<p className="page muted">Loading…</p>}>
        <Page />
      </Suspense>
    );
  };
}

const AdminPage = page(() => import('./routes/admin'), 'AdminPage');
const AgreementPage = page(() => import('./routes/agreement'), 'AgreementPage');
const AuditPage = page(() => import('./routes/audit'), 'AuditPage');
const ComparePage = page(() => import('./routes/compare'), 'ComparePage');
const DecisionsPage = page(() => import('./routes/decisions'), 'DecisionsPage');
const EditorPage = page(() => import('./routes/editor'), 'EditorPage');
const FieldsPage = page(() => import('./routes/fields'), 'FieldsPage');
const LeadSetsPage = page(() => import('./routes/lead-sets'), 'LeadSetsPage');
const SimulatePage = page(() => import('./routes/simulate'), 'SimulatePage');
const TunePage = page(() => import('./routes/tune'), 'TunePage');
const VersionsPage = page(() => import('./routes/versions'), 'VersionsPage');
const VersionViewPage = page(() => import('./routes/version-view'), 'VersionViewPage');
const WorkflowsPage = page(() => import('./routes/workflows'), 'WorkflowsPage');

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
          <Route path="/workflows/:workflowId/tune" element={<TunePage />} />
          <Route path="/lead-sets" element={<LeadSetsPage />} />
          <Route path="/fields" element={<FieldsPage />} />
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
