import { parseWorkflow, type FieldCatalog, type Workflow } from '@accord/engine';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { useTRPC } from '../lib/trpc';
import { copyText } from './copy-text';
import { ExpandableCard } from './expandable-card';
import { crmCallExample } from './crm-call-example';
import { usePermissions } from './use-permissions';
import { useVersionDocument } from './use-version-document';
import './crm-call.css';

/**
 * "Call it from your CRM" for one workflow: its slug, the endpoint on this server and a curl
 * example built from the live version (the draft until one is live), with a Copy button.
 * @example <CrmCall workflowId={workflowId} />
 */
export function CrmCall({ workflowId }: { workflowId: string }) {
  const trpc = useTRPC();
  const { can } = usePermissions();
  const location = useLocation();
  const workflow = useQuery(trpc.workflows.get.queryOptions({ workflowId }));
  const versions = useQuery(trpc.versions.list.queryOptions({ workflowId }));
  const live = versions.data?.find((v) => v.status === 'published');
  const liveDoc = useVersionDocument(live?.id ?? '');
  const draft = useQuery({
    ...trpc.draft.get.queryOptions({ workflowId }),
    enabled: versions.isSuccess && !live,
  });
  // The live version reads with the catalog it pinned; the draft with the workspace's.
  const liveCatalog = useQuery({
    ...trpc.versions.catalog.queryOptions({ versionId: live?.id ?? '' }),
    enabled: !!live,
  });
  const workspaceCatalog = useQuery({
    ...trpc.fields.catalog.queryOptions(),
    enabled: versions.isSuccess && !live,
  });
  const catalog = live ? liveCatalog.data?.catalog : workspaceCatalog.data?.catalog;
  const draftDoc = useMemo(
    () => (draft.data ? parseWorkflow(draft.data.document) : undefined),
    [draft.data],
  );
  if (!workflow.data || !versions.data || !catalog) return null;
  return (
    <CrmCallCard
      slug={workflow.data.slug}
      origin={window.location.origin}
      workflow={live ? liveDoc.workflow : draftDoc?.ok ? draftDoc.workflow : undefined}
      catalog={catalog}
      liveVersion={live?.number ?? null}
      canCreateKeys={can('apiKeys.create')}
      defaultOpen={location.hash === '#crm'}
    />
  );
}

/** The section itself, from plain values (what `CrmCall` reads from the API). */
export function CrmCallCard(props: {
  slug: string;
  origin: string;
  workflow: Workflow | undefined;
  catalog: FieldCatalog;
  /** The live version's number; null when nothing is published (calls answer 409). */
  liveVersion: number | null;
  canCreateKeys: boolean;
  /** Open with the curl example showing (a link to `#crm` asks for it). */
  defaultOpen: boolean;
}) {
  const example = useMemo(
    () =>
      crmCallExample({
        origin: props.origin,
        slug: props.slug,
        workflow: props.workflow,
        catalog: props.catalog,
      }),
    [props.origin, props.slug, props.workflow, props.catalog],
  );
  const [copied, setCopied] = useState<boolean | null>(null);
  const copy = async () => setCopied(await copyText(example.curl));
  return (
    <ExpandableCard
      name="crm-call"
      id="crm"
      title="Call it from your CRM"
      showLabel="Show how to call it"
      defaultOpen={props.defaultOpen}
      aside={
        <span className="small">
          Workflow slug <code data-testid="workflow-slug">{props.slug}</code>
        </span>
      }
    >
      <div className="crm-call-about">
        <p className="small">
          Your CRM or marketing automation sends each new or changed lead here and gets back its
          stage, scores and the reasons, decided by the live version.
        </p>
        <dl className="crm-call-facts">
          <dt>Endpoint</dt>
          <dd>
            <code data-testid="crm-endpoint">POST {example.url}</code>
          </dd>
          <dt>API key</dt>
          <dd>
            {props.canCreateKeys ? (
              <>
                <Link to="/admin">Create one under API keys on the admin page</Link> (it is shown
                once), then put it in place of <code>&lt;your API key&gt;</code>.
              </>
            ) : (
              <>Ask an admin for one (Admin › API keys) and put it in place of the placeholder.</>
            )}
          </dd>
          <dt>Answer</dt>
          <dd>
            <code>{'{"results": [{"leadId", "stage", "scores", "reasons", …}]}'}</code>
          </dd>
        </dl>
        {props.liveVersion === null ? (
          <p className="crm-call-warning small" role="note">
            No version is live yet: calls answer 409 until one is published. The example is built
            from the draft.
          </p>
        ) : (
          <p className="muted small">Calls are decided by version {props.liveVersion}.</p>
        )}
        {example.alsoReads.length > 0 && (
          <p className="muted small" data-testid="crm-also-reads">
            The example sends what a CRM knows at first contact. This workflow also reads{' '}
            {example.alsoReads.map((id, i) => (
              <span key={id}>
                {i > 0 && ', '}
                <code>{id}</code>
              </span>
            ))}
            : send them as <code>attributes</code> once your CRM has them.
          </p>
        )}
      </div>
      <div className="crm-call-example">
        <div className="crm-call-example-head">
          <span className="small muted">Example request (one lead)</span>
          <button type="button" onClick={() => void copy()} aria-label="Copy the curl example">
            {copied === true ? 'Copied ✓' : 'Copy'}
          </button>
        </div>
        <pre data-testid="crm-curl">{example.curl}</pre>
        {copied === false && (
          <p className="error small" role="alert">
            The browser did not allow copying: select the text and copy it by hand.
          </p>
        )}
      </div>
    </ExpandableCard>
  );
}
