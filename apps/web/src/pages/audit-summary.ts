import { describeAuditChange, isAuditChangeSummary } from '@accord/engine';

/** An audit event as far as its summary goes: what was done, the state before and after. */
export interface AuditEventChange {
  action: string;
  before?: unknown;
  after?: unknown;
}

/** An audit event in words, for people; the stored JSON stays available beside it. */
export interface AuditSummary {
  /** One line: "Published version 3 (version 2 was live). Reason: “Q3 thresholds”". */
  headline: string;
  /** Value by value, where the event has them: "Fit › Title is VP › points: 10 → 15". */
  items: string[];
  /** Items the event itself left out (a draft save records its first 40 changes). */
  more: number;
}

type Fields = Record<string, unknown>;

/** Longest text quoted in a headline; the full text is in the raw JSON. */
const MAX_QUOTE = 160;

const fields = (value: unknown): Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : {};
const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
const count = (value: unknown) =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
const cut = (value: string, max = MAX_QUOTE) =>
  value.length > max ? `${value.slice(0, max - 1)}…` : value;
const quote = (value: string) => `“${cut(value)}”`;
const plural = (n: number, noun: string) =>
  `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;

/** Any stored value in words: yes/no, lists joined, objects as short JSON. */
export function valueInWords(value: unknown): string {
  if (value === undefined) return '(none)';
  if (value === null || value === '') return '(empty)';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return cut(value);
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null))
    return cut(value.map(valueInWords).join(', '));
  return cut(JSON.stringify(value), 80);
}

/** Keys as words: `changeNote` → "change note", `lead_count` → "lead count". */
const keyInWords = (key: string) =>
  key
    .replaceAll('_', ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();

/** "key: before → after" for each key that differs (or is only on one side). */
function differences(before: Fields, after: Fields): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.flatMap((key) => {
    const [b, a] = [before[key], after[key]];
    if (JSON.stringify(b) === JSON.stringify(a)) return [];
    if (!(key in before)) return [`${keyInWords(key)}: ${valueInWords(a)}`];
    if (!(key in after)) return [`${keyInWords(key)} was ${valueInWords(b)}`];
    return [`${keyInWords(key)}: ${valueInWords(b)} → ${valueInWords(a)}`];
  });
}

const line = (headline: string, items: string[] = [], more = 0): AuditSummary => ({
  headline,
  items,
  more,
});

/** A field catalog change: the verb, the revision it made, the changes in words, and why. */
function fieldChange(verb: string) {
  return (before: Fields, after: Fields) => {
    const changes = Array.isArray(after.changes) ? after.changes.map(valueInWords) : [];
    const why = text(after.reason);
    const revision = count(after.revision);
    return line(
      `${verb}${revision === undefined ? '' : ` (catalog revision ${count(before.revision) ?? '?'} → ${revision})`}${
        why ? `. Why: ${quote(why)}` : ''
      }`,
      changes,
      count(after.more) ?? 0,
    );
  };
}

const versionNumber = (n: number | undefined) => (n === undefined ? 'a version' : `version ${n}`);

function goLive(verb: string) {
  return (before: Fields, after: Fields) => {
    const number = count(after.published);
    const previous = count(before.published);
    const why = text(after.reason);
    const note = text(after.note);
    return line(
      `${verb} ${versionNumber(number)}${
        previous === undefined ? ' (nothing was live before)' : ` (version ${previous} was live)`
      }${why ? `. Reason: ${quote(why)}` : ''}${note ? `. Note: ${quote(note)}` : ''}`,
    );
  };
}

function decision(verb: string) {
  return (before: Fields, after: Fields) => {
    const comment = text(after.comment);
    const own = after.ownVersion === true ? ' (their own version: it does not count)' : '';
    const items =
      text(before.status) && text(after.status)
        ? differences({ status: before.status }, { status: after.status })
        : [];
    return line(
      `${verb} ${versionNumber(count(after.number))}${own}${comment ? `: ${quote(comment)}` : ''}`,
      items,
    );
  };
}

function sourceInWords(source: unknown): string | undefined {
  const s = fields(source);
  const from = text(fields(s.from).name);
  if (s.kind === 'copy' && from) return `a copy of ${quote(from)}`;
  if (s.kind === 'generated') return 'generated sample leads';
  const file = text(s.fileName) ?? text(s.file) ?? text(s.name);
  return file ? `file ${quote(file)}` : text(s.kind);
}

/** Each action the API records, in words; others fall back to their differences. */
const SUMMARIES: Record<string, (before: Fields, after: Fields) => AuditSummary> = {
  'draft.save': (before, after) => {
    const revision = count(after.revision);
    const saved = `Saved the draft${revision === undefined ? '' : ` as revision ${revision}`}`;
    if (isAuditChangeSummary(after)) {
      const items = after.changes.map(describeAuditChange);
      const more = count(after.more) ?? 0;
      if (items.length === 0)
        return line(`${saved}: no change to the agreement (the layout, or the same content)`);
      if (items.length === 1 && more === 0) return line(`${saved}: ${items[0]}`);
      return line(`${saved}: ${plural(items.length + more, 'change')}`, items, more);
    }
    // Events from before saves recorded their changes: only the size of the draft.
    const steps = count(after.nodes);
    const connections = count(after.edges);
    return line(
      steps === undefined
        ? saved
        : `${saved} (${plural(steps, 'step')}${connections === undefined ? '' : `, ${plural(connections, 'connection')}`})`,
    );
  },
  'version.propose': (_before, after) => {
    const note = text(after.changeNote);
    return line(
      `Proposed ${versionNumber(count(after.number))} for sign-off${note ? `: ${quote(note)}` : ''}`,
    );
  },
  'version.approve': decision('Approved'),
  'version.reject': decision('Rejected'),
  'version.publish': goLive('Published'),
  'version.rollback': goLive('Rolled back to'),
  'workflow.create': (_before, after) => {
    const name = text(after.name);
    const slug = text(after.slug);
    const from =
      after.from === 'default'
        ? ' from the default agreement'
        : after.from === 'blank'
          ? ' blank'
          : '';
    return line(
      `Created the workflow${name ? ` ${quote(name)}` : ''}${from}${slug ? ` (slug ${slug})` : ''}`,
    );
  },
  'workflow.rename': (before, after) =>
    line(
      `Renamed the workflow ${quote(valueInWords(before.name))} → ${quote(valueInWords(after.name))}`,
    ),
  'workflow.archive': () => line('Archived the workflow (read only until unarchived)'),
  'workflow.unarchive': () => line('Unarchived the workflow'),
  'workflow.decisionLogOn': () => line('Turned the decision log on: CRM calls are kept'),
  'workflow.decisionLogOff': () => line('Turned the decision log off'),
  'user.create': (_before, after) =>
    line(
      `Created the user ${valueInWords(after.email)}${text(after.role) ? ` (${String(after.role)})` : ''}`,
    ),
  'user.update': (before, after) => {
    const items = differences(before, after);
    return line(
      items.length === 1 ? `Changed the user's ${items[0]}` : 'Changed the user',
      items.length === 1 ? [] : items,
    );
  },
  'apiKey.create': (_before, after) =>
    line(`Created the API key ${quote(valueInWords(after.name))} (${valueInWords(after.prefix)}…)`),
  'apiKey.revoke': (_before, after) =>
    line(
      `Revoked the API key ${quote(valueInWords(after.name))} (${valueInWords(after.prefix)}…): calls with it now fail`,
    ),
  'fields.add': fieldChange('Added a field to the catalog'),
  'fields.addMany': fieldChange('Added fields to the catalog'),
  'fields.update': fieldChange('Changed a field of the catalog'),
  'fields.retire': fieldChange('Retired a field'),
  'fields.restore': fieldChange('Brought a retired field back'),
  'fields.replace': fieldChange('Replaced the field catalog'),
  'fields.applyTemplate': (_before, after) =>
    line(
      `Started the field catalog from the ${valueInWords(after.template)} template${
        count(after.fields) === undefined ? '' : ` (${plural(count(after.fields)!, 'field')})`
      }`,
    ),
  'simulation.start': (_before, after) => {
    const set = fields(after.leadSet);
    const leads = count(set.leads);
    const asOf = text(after.asOf);
    return line(
      `Started a simulation: ${valueInWords(after.candidate)} against ${valueInWords(after.baseline)} on ${quote(
        valueInWords(set.name),
      )}${leads === undefined ? '' : ` (${plural(leads, 'lead')})`}${asOf ? `, as of ${asOf.slice(0, 10)}` : ''}`,
    );
  },
  'simulation.cancel': (before) => {
    const done = count(before.progress);
    return line(
      `Cancelled a simulation${text(before.status) ? ` that was ${String(before.status)}` : ''}${
        done === undefined ? '' : ` (${plural(done, 'lead')} done)`
      }`,
    );
  },
  'leadSet.create': (_before, after) => {
    const source = sourceInWords(after.source);
    return line(
      `Created the lead set ${quote(valueInWords(after.name))}${source ? ` from ${source}` : ''}`,
    );
  },
  'leadSet.load': (_before, after) => {
    const leads = count(after.leads);
    return line(
      `Loaded ${leads === undefined ? 'the leads' : plural(leads, 'lead')}${
        after.hasOutcomes === true ? ', with known outcomes' : ''
      }`,
    );
  },
  'leadSet.copy': (_before, after) => {
    const leads = count(after.leads);
    return line(
      `Copied a lead set as ${quote(valueInWords(after.name))}${leads === undefined ? '' : ` (${plural(leads, 'lead')})`}`,
    );
  },
  'leadSet.delete': (before) => {
    const leads = count(before.leads);
    return line(
      `Deleted the lead set ${quote(valueInWords(before.name))}${leads === undefined ? '' : ` (${plural(leads, 'lead')})`}`,
    );
  },
  'comment.add': (_before, after) => {
    const step = text(after.nodeId);
    const body = text(after.body);
    return line(`Commented${step ? ` on step ${step}` : ''}${body ? `: ${quote(body)}` : ''}`);
  },
};

/**
 * An audit event's change in words: known actions as a sentence (a draft save with each changed
 * value), other or older events as their differing values. Never throws on odd stored JSON.
 * @example auditSummary({ action: 'version.publish', before: { published: 2 }, after: { published: 3, reason: 'Q3' } }).headline
 * // 'Published version 3 (version 2 was live). Reason: “Q3”'
 */
export function auditSummary(event: AuditEventChange): AuditSummary {
  const before = fields(event.before);
  const after = fields(event.after);
  const known = Object.hasOwn(SUMMARIES, event.action) ? SUMMARIES[event.action] : undefined;
  if (known) return known(before, after);
  const items = differences(before, after);
  if (items.length <= 2) return line(items.join('; '));
  return line(`Changed ${plural(items.length, 'value')}`, items);
}

/** The whole summary on one line (a tooltip, a copy). */
export function auditSummaryText(summary: AuditSummary): string {
  const items = summary.items.join('; ');
  const more = summary.more > 0 ? `; and ${summary.more} more` : '';
  return summary.headline && items
    ? `${summary.headline}: ${items}${more}`
    : `${summary.headline}${items}${more}`;
}
