import {
  diffWorkflows,
  type FieldCatalog,
  type FieldChange,
  type Workflow,
  type WorkflowDiff,
} from '@accord/engine';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { DecoratedCanvas } from '../editor/decorated-canvas';
import { DIFF_CLASSES, diffDecorations, GHOST_CLASS } from '../editor/decorations';
import { useTRPC } from '../lib/trpc';
import { useVersionDocument } from '../pages/use-version-document';
import { VersionSelect } from '../pages/version-select';

/** `/workflows/:workflowId/versions/compare?a=&b=`: what changed between two versions. */
export function ComparePage() {
  const { workflowId = '' } = useParams();
  const trpc = useTRPC();
  const versions = useQuery(trpc.versions.list.queryOptions({ workflowId }));
  const [search, setSearch] = useSearchParams();
  const list = versions.data ?? [];
  const b = search.get('b') ?? list[0]?.id ?? '';
  const bIndex = list.findIndex((v) => v.id === b);
  const a = search.get('a') ?? list[bIndex + 1]?.id ?? '';
  const left = useVersionDocument(a);
  const right = useVersionDocument(b);
  const rightCatalog = useQuery({
    ...trpc.versions.catalog.queryOptions({ versionId: b }),
    enabled: !!b,
  });
  // Field names in the diff as the newer version's pinned catalog has them.
  const diff = useMemo(
    () =>
      left.workflow && right.workflow && rightCatalog.data
        ? diffWorkflows(left.workflow, right.workflow, rightCatalog.data.catalog)
        : null,
    [left.workflow, right.workflow, rightCatalog.data],
  );
  const [focused, setFocused] = useState<string | null>(null);
  const showEntry = (nodeId: string) => {
    setFocused(nodeId);
    document
      .getElementById(entryId(nodeId))
      ?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  };
  const pick = (key: 'a' | 'b', id: string) => {
    const next = new URLSearchParams(search);
    next.set('a', a);
    next.set('b', b);
    next.set(key, id);
    setSearch(next);
  };
  const picker = (key: 'a' | 'b', value: string, label: string) => (
    <VersionSelect label={label} value={value} versions={list} onChange={(id) => pick(key, id)}>
      {!value && <option value="">Pick a version</option>}
    </VersionSelect>
  );
  return (
    <main className="page">
      <p className="crumbs small">
        <Link to={`/workflows/${workflowId}/versions`}>← All versions</Link>
      </p>
      <h1>Compare versions</h1>
      {versions.data && list.length < 2 && (
        <p className="card muted">There is only one version; propose another to compare.</p>
      )}
      <div className="filters card">
        {picker('a', a, 'From (older)')}
        {picker('b', b, 'To (newer)')}
      </div>
      {(left.version.error ?? right.version.error) && (
        <p className="error">{(left.version.error ?? right.version.error)?.message}</p>
      )}
      {a && b && !diff && <p className="muted">Comparing…</p>}
      {diff?.unchanged && (
        <p className="card muted">These versions make the same decisions (layout may differ).</p>
      )}
      {diff && right.workflow && rightCatalog.data && !diff.unchanged && (
        <DiffCanvas
          after={right.workflow}
          catalog={rightCatalog.data.catalog}
          diff={diff}
          onNodeClick={showEntry}
        />
      )}
      {diff && !diff.unchanged && (
        <div className="diff" data-testid="diff">
          <DiffGroup
            title="Added steps"
            tone="added"
            focused={focused}
            items={diff.nodes.added.map((n) => ({
              id: n.id,
              title: `${n.label || n.id} (${n.kind})`,
            }))}
          />
          <DiffGroup
            title="Removed steps"
            tone="removed"
            focused={focused}
            items={diff.nodes.removed.map((n) => ({
              id: n.id,
              title: `${n.label || n.id} (${n.kind})`,
            }))}
          />
          <DiffGroup
            title="Changed steps"
            tone="changed"
            focused={focused}
            items={diff.nodes.changed.map((n) => ({
              id: n.nodeId,
              title: `${n.label || n.nodeId} (${n.kind})`,
              changes: n.changes,
            }))}
          />
          <DiffGroup
            title="Stages"
            tone="changed"
            items={[
              ...diff.stages.added.map((s) => ({ id: s.id, title: `Added ${s.label}` })),
              ...diff.stages.removed.map((s) => ({ id: s.id, title: `Removed ${s.label}` })),
              ...diff.stages.changed.map((s) => ({ id: s.id, title: s.label, changes: s.changes })),
            ]}
          />
          <DiffGroup
            title="Scores"
            tone="changed"
            items={[
              ...diff.scores.added.map((s) => ({ id: s.id, title: `Added ${s.label}` })),
              ...diff.scores.removed.map((s) => ({ id: s.id, title: `Removed ${s.label}` })),
              ...diff.scores.changed.map((s) => ({ id: s.id, title: s.label, changes: s.changes })),
            ]}
          />
          {(diff.edges.added.length > 0 ||
            diff.edges.removed.length > 0 ||
            diff.edges.changed.length > 0) && (
            <p className="muted">
              Connections: {diff.edges.added.length} added, {diff.edges.removed.length} removed,{' '}
              {diff.edges.changed.length} rerouted.
            </p>
          )}
        </div>
      )}
    </main>
  );
}

/** The id of a step's entry in the field-level list (the canvas scrolls to it). */
const entryId = (nodeId: string) => `diff-step-${nodeId}`;

/** The newer version on a canvas, its steps coloured by the diff, removed ones as ghosts. */
function DiffCanvas(props: {
  after: Workflow;
  /** The newer version's pinned catalog. */
  catalog: FieldCatalog;
  diff: WorkflowDiff;
  onNodeClick: (nodeId: string) => void;
}) {
  const { after, diff } = props;
  const shown = useMemo(() => diffDecorations(after, diff), [after, diff]);
  const unchanged = after.nodes.length - diff.nodes.added.length - diff.nodes.changed.length;
  return (
    <DecoratedCanvas
      doc={shown.doc}
      catalog={props.catalog}
      decorations={shown.decorations}
      label="The newer version with its changes coloured"
      testId="diff-canvas"
      onNodeClick={props.onNodeClick}
      note="Click a coloured step to find its changes below."
      legend={[
        { className: DIFF_CLASSES.added, label: 'added', count: diff.nodes.added.length },
        { className: DIFF_CLASSES.changed, label: 'changed', count: diff.nodes.changed.length },
        {
          className: `${DIFF_CLASSES.removed} ${GHOST_CLASS}`,
          label: 'removed',
          count: diff.nodes.removed.length,
        },
        { className: DIFF_CLASSES.unchanged, label: 'unchanged', count: unchanged },
      ]}
    />
  );
}

function DiffGroup(props: {
  title: string;
  tone: 'added' | 'removed' | 'changed';
  /** The step picked on the canvas, drawn emphasised when it is in this group. */
  focused?: string | null;
  items: { id: string; title: string; changes?: FieldChange[] }[];
}) {
  if (props.items.length === 0) return null;
  return (
    <section className={`card diff-group diff-${props.tone}`}>
      <h2>
        {props.title} <span className="muted">({props.items.length})</span>
      </h2>
      <ul>
        {props.items.map((item) => (
          <li
            key={item.id}
            id={props.focused === undefined ? undefined : entryId(item.id)}
            className={props.focused === item.id ? 'is-focused' : undefined}
          >
            <strong>{item.title}</strong>
            {item.changes && (
              <ul className="field-changes">
                {item.changes.map((c) => (
                  <li key={c.path}>{c.text}</li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
