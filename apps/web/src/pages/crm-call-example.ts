import {
  indexCatalog,
  type AttributeValue,
  type CatalogIndex,
  type FieldCatalog,
  type FieldDef,
  type FieldType,
  type LeadInput,
  type Workflow,
} from '@accord/engine';

/** What a CRM sends and where: the endpoint, one example lead and the curl command. */
export interface CrmCallExample {
  /** `POST` here: `<origin>/v1/workflows/<slug>/evaluate` (an origin has no trailing slash). */
  url: string;
  /** The request body, pretty-printed JSON: `{"lead": {...}}`. */
  body: string;
  /** A shell command that runs as is once `<your API key>` is replaced. */
  curl: string;
  /** Fields the workflow reads that the short example leaves out (sales-side, behaviour …). */
  alsoReads: string[];
}

/** The placeholder the reader replaces with a key from the admin page. */
export const API_KEY_PLACEHOLDER = '<your API key>';

/** Field categories a CRM knows when a lead comes in: these go into the example body. */
const FIRST_CONTACT = new Set(['profile', 'channel']);
/** Event types shown in the example, at most. */
const MAX_EVENTS = 2;

/** Believable values for the default catalog's profile fields; other fields get one by type. */
const KNOWN: Record<string, AttributeValue> = {
  first_name: 'Dana',
  last_name: 'Reyes',
  job_title: 'VP Marketing',
  seniority: 'vp',
  company: 'Northwind',
  email: 'dana.reyes@northwind.com',
  phone: '+1 415 555 0100',
  company_size: 450,
  industry: 'software',
  country: 'US',
  lead_source: 'website',
  form_type: 'demo_request',
};

/** The believable value of a field, unless the workspace's catalog types it differently. */
function knownValue(id: string, def: FieldDef | undefined): AttributeValue | undefined {
  const value = Object.hasOwn(KNOWN, id) ? KNOWN[id] : undefined;
  if (value === undefined || !def) return value;
  if (def.type === 'enum') return def.values?.some((v) => v.value === value) ? value : undefined;
  return (def.type === 'number') === (typeof value === 'number') ? value : undefined;
}

function valueOfType(
  type: FieldType | undefined,
  options: readonly { value: string }[] | undefined,
  now: Date,
): AttributeValue {
  switch (type) {
    case 'number':
      return 10;
    case 'boolean':
      return true;
    case 'date':
      return now.toISOString().slice(0, 10);
    case 'email':
      return 'dana.reyes@northwind.com';
    case 'phone':
      return '+1 415 555 0100';
    case 'enum':
      return options?.[0]?.value ?? 'example';
    case 'list':
      return [options?.[0]?.value ?? 'example'];
    default:
      return 'example';
  }
}

interface Reads {
  fields: Set<string>;
  /** Event type → the properties the workflow's conditions look at. */
  events: Map<string, Set<string>>;
}

/** Every lead field and event the workflow's conditions read, in document order. */
function readsOf(workflow: Workflow): Reads {
  const reads: Reads = { fields: new Set(), events: new Map() };
  // Operands sit at different depths in each node kind's data; their shape is the same everywhere.
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const o = value as Record<string, unknown>;
    if (o.kind === 'field' && typeof o.field === 'string') reads.fields.add(o.field);
    if (o.kind === 'events' && typeof o.event === 'string') {
      const props = reads.events.get(o.event) ?? new Set<string>();
      if (typeof o.prop === 'string') props.add(o.prop);
      if (Array.isArray(o.where))
        for (const w of o.where as { prop?: unknown }[])
          if (typeof w.prop === 'string') props.add(w.prop);
      reads.events.set(o.event, props);
    }
    for (const child of Object.values(o)) walk(child);
  };
  walk(workflow.nodes);
  return reads;
}

function exampleLead(reads: Reads, index: CatalogIndex, now: Date) {
  const attributes: Record<string, AttributeValue> = {};
  const alsoReads: string[] = [];
  for (const id of reads.fields) {
    const def = index.fields.get(id);
    if (def && !FIRST_CONTACT.has(def.category)) alsoReads.push(id);
    else attributes[id] = knownValue(id, def) ?? valueOfType(def?.type, def?.values, now);
  }
  const yesterday = new Date(now.getTime() - 86_400_000).toISOString();
  const events = [...reads.events].slice(0, MAX_EVENTS).map(([type, propIds]) => {
    const defs = index.events.get(type)?.props;
    const props = Object.fromEntries(
      [...propIds].map((p) => [p, valueOfType(defs?.get(p)?.type, defs?.get(p)?.values, now)]),
    );
    return { type, at: yesterday, ...(propIds.size > 0 && { props }) };
  });
  const lead: LeadInput = { id: 'crm-lead-1001', attributes, events };
  return { lead, alsoReads };
}

/** Quotes text for a POSIX shell: inside single quotes only `'` itself needs care. */
const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * How a CRM calls a workflow: the endpoint on this server, a one-lead body with the fields the
 * workflow reads (those a CRM has at first contact; the rest are listed), and a curl command.
 * @example crmCallExample({ origin: 'https://accord.acme.test', slug: 'inbound', workflow, catalog }).curl
 * // "curl -X POST 'https://accord.acme.test/v1/workflows/inbound/evaluate' \ …"
 */
export function crmCallExample(input: {
  origin: string;
  slug: string;
  /** The live version's document (or the draft's); without it the body carries a bare lead. */
  workflow?: Workflow;
  /** The catalog the workflow reads with: the live version's pinned one, or the live catalog. */
  catalog: FieldCatalog;
  now?: Date;
}): CrmCallExample {
  const url = `${input.origin}/v1/workflows/${encodeURIComponent(input.slug)}/evaluate`;
  const reads = input.workflow
    ? readsOf(input.workflow)
    : { fields: new Set<string>(), events: new Map() };
  const { lead, alsoReads } = exampleLead(
    reads,
    indexCatalog(input.catalog),
    input.now ?? new Date(),
  );
  const body = JSON.stringify({ lead }, null, 2);
  const curl = [
    `curl -X POST ${shellQuote(url)}`,
    `  -H ${shellQuote(`Authorization: Bearer ${API_KEY_PLACEHOLDER}`)}`,
    `  -H 'Content-Type: application/json'`,
    `  -d ${shellQuote(body)}`,
  ].join(' \\\n');
  return { url, body, curl, alsoReads };
}
