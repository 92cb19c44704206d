import {
  asOfOrNow,
  checkLeadValues,
  compile,
  generateLeads,
  type Lead,
  type LeadValueIssue,
  type Result,
} from '@accord/engine';
import { NumberInput } from '@accord/ui';
import { Tabs } from 'radix-ui';
import { useEffect, useMemo, useState, type CSSProperties } from 'react';
import { leadFromJson } from '../lib/lead-json';
import { formatScore } from './inspector/form-parts';
import { stageColour } from './stage-colours';
import { useWorkflowContext } from './workflow-context';
import { useReactFlow } from '@xyflow/react';
import { pathHighlight } from './decorations';
import { useEditor, useEditorStoreApi } from './store';

const SAMPLE_COUNT = 30;
const SAMPLE_SEED = 7;

const EMPTY_FORM: Record<
  | 'first_name'
  | 'last_name'
  | 'job_title'
  | 'email'
  | 'company'
  | 'seniority'
  | 'lead_source'
  | 'form_type',
  string
> & { company_size: number | undefined } = {
  first_name: 'Dana',
  last_name: 'Reyes',
  job_title: 'VP Marketing',
  email: 'dana.reyes@northwind.com',
  company: 'Northwind',
  company_size: 450,
  seniority: 'vp',
  lead_source: 'website',
  form_type: 'demo_request',
};

type FormLead = typeof EMPTY_FORM;

/** A moment as the panel shows it: "2026-12-04 14:02 UTC". */
const shownMoment = (ms: number) =>
  `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/**
 * "Try a lead": pick a generated sample lead, fill in a small form or paste JSON, and see what the
 * current draft makes of it (compiled in the browser by the engine): stage, scores, tags,
 * reasons, checklist; the path is highlighted on the canvas. A lead is evaluated as of now (the
 * moment it is tried, as the REST API does) unless a day is chosen; the panel shows which.
 */
export function LeadPanel() {
  const store = useEditorStoreApi();
  const { index, catalog } = useWorkflowContext();
  const doc = useEditor((s) => s.checkedDoc);
  const compiled = useMemo(() => compile(doc, catalog), [doc, catalog]);
  // Sample histories end when the panel opens, so "now" sees them as recent.
  const [opened] = useState(() => asOfOrNow());
  const samples = useMemo(
    () => generateLeads({ count: SAMPLE_COUNT, seed: SAMPLE_SEED, asOf: opened }),
    [opened],
  );
  const [tried, setTried] = useState<{ lead: Lead; at: number } | null>(null);
  const lead = tried?.lead ?? null;
  /** The day chosen (YYYY-MM-DD), or '' for now. */
  const [day, setDay] = useState('');
  const [json, setJson] = useState('');
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [warnings, setWarnings] = useState<readonly LeadValueIssue[]>([]);
  const [form, setForm] = useState<FormLead>(EMPTY_FORM);
  const asOf = day === '' ? (tried?.at ?? null) : Date.parse(`${day}T00:00:00Z`);

  const outcome = useMemo((): { result?: Result; error?: string } => {
    if (!lead || !compiled.ok || asOf === null) return {};
    try {
      return { result: compiled.evaluate(lead, { asOf }) };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }, [lead, compiled, asOf]);

  useEffect(() => {
    store.getState().setHighlight(outcome.result ? pathHighlight(doc, outcome.result.path) : null);
  }, [outcome.result, doc, store]);
  useEffect(() => () => store.getState().setHighlight(null), [store]);

  const choose = (next: Lead, shownWarnings: readonly LeadValueIssue[] = []) => {
    setTried({ lead: next, at: asOfOrNow() });
    setJson(JSON.stringify(next, null, 2));
    setJsonError(null);
    setWarnings(shownWarnings);
  };

  if (!compiled.ok) {
    const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
    return (
      <div className="empty-state" data-testid="lead-blocked">
        <p>
          <strong>
            Fix {errors.length} problem{errors.length === 1 ? '' : 's'} to try leads.
          </strong>
        </p>
        <p className="hint">
          The draft must be a complete agreement before a lead can run through it.
        </p>
        <button type="button" onClick={() => store.getState().setPanel('problems')}>
          Show problems
        </button>
      </div>
    );
  }

  return (
    <div className="lead-panel" data-testid="lead-panel">
      <Tabs.Root defaultValue="samples" className="lead-tabs">
        <Tabs.List className="segmented" aria-label="Lead source">
          <Tabs.Trigger value="samples">Sample leads</Tabs.Trigger>
          <Tabs.Trigger value="form">Form</Tabs.Trigger>
          <Tabs.Trigger value="json">JSON</Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="samples">
          <ul className="sample-leads" aria-label="Sample leads">
            {samples.map((s) => (
              <li key={s.id}>
                <button
                  type="button"
                  className={`sample-lead${lead?.id === s.id ? ' is-on' : ''}`}
                  data-testid={`sample-lead-${s.id}`}
                  onClick={() => choose(s)}
                >
                  <span>
                    {String(s.attributes.first_name ?? '')} {String(s.attributes.last_name ?? '')}
                  </span>
                  <span className="muted small">
                    {String(s.attributes.job_title ?? 'no title')} ·{' '}
                    {String(s.attributes.company ?? 'no company')}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </Tabs.Content>
        <Tabs.Content value="form">
          <form
            className="lead-form"
            onSubmit={(e) => {
              e.preventDefault();
              const attributes: Lead['attributes'] = {};
              for (const [key, value] of Object.entries(form))
                if (value !== '' && value !== undefined) attributes[key] = value;
              choose({ id: 'typed-lead', attributes, events: [] });
            }}
          >
            {(['first_name', 'last_name', 'job_title', 'email', 'company'] as const).map((key) => (
              <label key={key} className="field compact">
                <span className="field-label">{key.replace('_', ' ')}</span>
                <input
                  value={form[key]}
                  onChange={(e) => setForm({ ...form, [key]: e.target.value })}
                />
              </label>
            ))}
            {(['seniority', 'lead_source', 'form_type'] as const).map((key) => {
              const def = index.fields.get(key);
              return (
                <label key={key} className="field compact">
                  <span className="field-label">{def?.label ?? key}</span>
                  <select
                    value={form[key]}
                    onChange={(e) => setForm({ ...form, [key]: e.target.value })}
                  >
                    <option value="">(not given)</option>
                    {def?.values?.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                </label>
              );
            })}
            <label className="field compact">
              <span className="field-label">company size</span>
              <NumberInput
                value={form.company_size}
                onChange={(n) => setForm({ ...form, company_size: n })}
              />
            </label>
            <button type="submit" className="primary">
              Try this lead
            </button>
          </form>
        </Tabs.Content>
        <Tabs.Content value="json">
          <textarea
            className="code"
            rows={10}
            aria-label="Lead as JSON"
            value={json}
            placeholder='{"id": "l1", "attributes": {"email": "a@b.com"}, "events": []}'
            onChange={(e) => setJson(e.target.value)}
          />
          {jsonError && <p className="error small">{jsonError}</p>}
          <button
            type="button"
            className="primary"
            onClick={() => {
              const read = leadFromJson(json);
              if ('error' in read) return setJsonError(read.error);
              // The values are checked against the catalog as the REST API checks them.
              const check = checkLeadValues(read.lead, catalog);
              if (check.errors.length > 0)
                return setJsonError(check.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
              choose(read.lead, check.warnings);
            }}
          >
            Try this lead
          </button>
        </Tabs.Content>
      </Tabs.Root>
      <label className="inline-field">
        <span className="field-label">Evaluate as of</span>
        <input
          type="date"
          value={day}
          aria-label="Evaluate as of (empty: now)"
          onChange={(e) => setDay(e.target.value)}
        />
        {day !== '' && (
          <button type="button" className="small-button" onClick={() => setDay('')}>
            Now
          </button>
        )}
      </label>
      {asOf !== null && (
        <p className="hint small" data-testid="lead-as-of">
          Evaluated as of {shownMoment(asOf)}
          {day === '' ? ' (now, when the lead was tried, as the REST API does)' : ''}
        </p>
      )}
      {warnings.length > 0 && (
        <ul className="hint small" data-testid="lead-warnings">
          {warnings.map((w) => (
            <li key={w.path}>
              {w.path}: {w.message}
            </li>
          ))}
        </ul>
      )}
      {outcome.error && <p className="error">{outcome.error}</p>}
      {outcome.result ? (
        <LeadResult result={outcome.result} />
      ) : (
        <p className="hint">Pick a lead to see the stage it gets and why.</p>
      )}
    </div>
  );
}

function LeadResult({ result }: { result: Result }) {
  const store = useEditorStoreApi();
  const reactFlow = useReactFlow();
  const stages = useEditor((s) => s.doc.stages);
  const scores = useEditor((s) => s.doc.scores);
  const stage = stages.find((s) => s.id === result.stage);
  return (
    <section className="lead-result" data-testid="lead-result" aria-live="polite">
      <div className="lead-stage">
        <span className="muted">Stage</span>
        <span
          className="stage-pill big"
          data-testid="lead-stage"
          style={{ '--stage': stageColour(result.stage) } as CSSProperties}
        >
          {stage?.label ?? result.stage}
        </span>
      </div>
      <dl className="lead-scores">
        {Object.entries(result.scores).map(([id, value]) => (
          <div key={id}>
            <dt>{scores.find((s) => s.id === id)?.label ?? id}</dt>
            <dd>{formatScore(value)}</dd>
          </div>
        ))}
      </dl>
      {Object.keys(result.tags).length > 0 && (
        <p className="lead-tags">
          {Object.entries(result.tags).map(([tag, value]) => (
            <span key={tag} className="tag-chip">
              {tag}: {value}
            </span>
          ))}
        </p>
      )}
      {result.checklist && (
        <div className="lead-checklist">
          {result.checklist.met.map((m) => (
            <span key={m} className="met">
              ✓ {m}
            </span>
          ))}
          {result.checklist.missing.map((m) => (
            <span key={m} className="missing">
              ✗ {m}
            </span>
          ))}
        </div>
      )}
      <button
        type="button"
        className="small-button"
        data-testid="show-path"
        onClick={() =>
          void reactFlow.fitView({
            nodes: result.path.map((id) => ({ id })),
            padding: 0.15,
            maxZoom: 1,
            duration: 400,
          })
        }
      >
        Show the whole path on the canvas
      </button>
      <h3>Why</h3>
      <ol className="reasons">
        {result.reasons.map((r, i) => (
          <li key={i}>
            <button
              type="button"
              className={`reason${r.points === undefined ? '' : r.points < 0 ? ' is-minus' : ' is-plus'}`}
              onClick={() => store.getState().focusNode(r.nodeId)}
            >
              {r.text}
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}
