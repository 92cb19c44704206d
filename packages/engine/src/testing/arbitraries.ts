/**
 * fast-check arbitraries for valid workflows over a field catalog and messy leads, for the
 * property tests that hold the compiled evaluator to the reference interpreter.
 * `workflowArbitraries(catalog)` builds them for any catalog; `workflowArb`, `leadArb` and
 * `eventFilterArb` are those of the default catalog.
 */
import fc from 'fast-check';
import { defaultCatalog } from '../catalog/default-catalog';
import { nodeHandles } from '../handles';
import type { FieldCatalog, FieldType } from '../schema/field-catalog';
import { SCORE_CATEGORIES, type WorkflowNode } from '../schema/node';
import { operatorsForType, valueKindFor, type Operator } from '../schema/operators';
import type {
  Comparison,
  ComparisonValue,
  EventFilter,
  Operand,
  Predicate,
  PropComparison,
} from '../schema/predicate';
import type { Edge, Workflow } from '../schema/workflow';
import { defaultStages } from '../defaults/default-stages';
import { AS_OF, DAY } from './fixtures';

const TEXTS = [
  'director',
  'VP',
  'manager',
  'a',
  'acme',
  'gmail.com',
  '/pricing',
  '/blog',
  'Student',
  'x y',
  'é',
  'software',
  'demo_request',
  '1',
];
const DOMAINS = ['acme.com', '@gmail.com', 'rivalsoft.com', 'GMX.de'];
const NUMBERS = [-3, 0, 1, 2, 2.5, 5, 30, 50, 199, 200, 1000];
const DAYS = [0, 1, 7, 30, 90, 365];
export const TAGS = ['segment', 'owner', 'note'];
const LABELS = [
  'Rule',
  "Title contains 'Director'",
  'free-mail address',
  '{score.fit}',
  'a, b; c',
  '',
];

const iso = (offsetDays: number) => new Date(AS_OF + offsetDays * DAY).toISOString();
const dateArb = fc.oneof(
  fc.integer({ min: -200, max: 20 }).map(iso),
  fc.integer({ min: -200, max: 20 }).map((d) => AS_OF + d * DAY),
);

function valueArb(
  type: FieldType,
  op: Operator,
  options?: string[],
): fc.Arbitrary<ComparisonValue | undefined> {
  const kind = valueKindFor(type, op);
  switch (kind) {
    case 'none':
    case undefined:
      return fc.constant(undefined);
    case 'text':
      return fc.constantFrom(...TEXTS);
    case 'textList':
      return fc.subarray(TEXTS, { minLength: 1, maxLength: 4 });
    case 'domainList':
      return fc.subarray(DOMAINS, { minLength: 1 });
    case 'enum':
      return fc.constantFrom(...(options?.length ? options : TEXTS));
    case 'enumList': {
      const pool = options?.length ? options : TEXTS;
      return fc.subarray(pool, { minLength: 1, maxLength: Math.min(3, pool.length) });
    }
    case 'number':
      return fc.constantFrom(...NUMBERS);
    case 'numberList':
      return fc.subarray(NUMBERS, { minLength: 1, maxLength: 4 });
    case 'numberRange':
      return fc
        .tuple(fc.constantFrom(...NUMBERS), fc.constantFrom(...NUMBERS))
        .map(([a, b]) => (a <= b ? [a, b] : [b, a]));
    case 'boolean':
      return fc.boolean();
    case 'date':
      return dateArb;
    case 'dateRange':
      return fc
        .tuple(fc.integer({ min: -200, max: 20 }), fc.integer({ min: -200, max: 20 }))
        .map(([a, b]) => [iso(Math.min(a, b)), iso(Math.max(a, b))]);
    case 'days':
      return fc.constantFrom(...DAYS);
  }
}

function comparisonFor(
  operand: Operand,
  type: FieldType,
  options?: string[],
): fc.Arbitrary<Comparison> {
  return fc
    .constantFrom(...operatorsForType(type))
    .chain((op) =>
      valueArb(type, op, options).map((value) =>
        value === undefined ? { operand, op } : { operand, op, value },
      ),
    );
}

type NodeData = { kind: WorkflowNode['kind']; data: unknown };

/**
 * Arbitraries over one catalog: valid workflows that read its fields and event types (field
 * comparisons by each field's type and enum options, event counts, sums and filters on its event
 * properties), and messy leads carrying its fields (plus one it does not know), its enum options
 * and its event types (plus an unknown one).
 * @example fc.assert(fc.property(workflowArbitraries(catalog).workflowArb, (w) => compile(w, catalog).ok))
 */
export function workflowArbitraries(catalog: FieldCatalog) {
  const fieldsByType = new Map<FieldType, string[]>();
  for (const f of catalog.fields) {
    const list = fieldsByType.get(f.type) ?? [];
    list.push(f.id);
    fieldsByType.set(f.type, list);
  }
  const fieldIds = catalog.fields.map((f) => f.id);

  const optionValues = [
    ...new Set(catalog.fields.flatMap((f) => (f.values ?? []).map((o) => o.value))),
  ];
  const propIds = [...new Set(catalog.events.flatMap((e) => e.props.map((p) => p.id)))];
  /** Table inputs: up to four fields of different types, an event count, a score and a tag. */
  const tableInputs: [Operand, FieldType, string[]?][] = [
    ...catalog.fields
      .filter((f, i, all) => all.findIndex((g) => g.type === f.type) === i)
      .slice(0, 4)
      .map((f): [Operand, FieldType, string[]?] => [
        { kind: 'field', field: f.id },
        f.type,
        f.values?.map((o) => o.value),
      ]),
    ...(catalog.events.length === 0
      ? []
      : [
          [
            { kind: 'events', event: catalog.events[0]!.id, agg: 'count', withinDays: 30 },
            'number',
          ] as [Operand, FieldType],
        ]),
    [{ kind: 'score', score: 'fit' }, 'number'],
    [{ kind: 'tag', tag: 'segment' }, 'string'],
  ];

  const EVENTS_WITH_PROPS = catalog.events.filter((e) => e.props.length > 0);
  const NUMERIC_PROPS = catalog.events.flatMap((e) =>
    e.props.filter((p) => p.type === 'number').map((p) => ({ event: e.id, prop: p.id })),
  );

  const propComparisonArb = (event: string): fc.Arbitrary<PropComparison[]> => {
    const def = catalog.events.find((e) => e.id === event)!;
    if (def.props.length === 0) return fc.constant([]);
    return fc.array(
      fc.constantFrom(...def.props).chain((prop) =>
        fc.constantFrom(...operatorsForType(prop.type)).chain((op) =>
          valueArb(
            prop.type,
            op,
            prop.values?.map((v) => v.value),
          ).map((value) =>
            value === undefined ? { prop: prop.id, op } : { prop: prop.id, op, value },
          ),
        ),
      ),
      { maxLength: 2 },
    );
  };

  const eventFilterArb: fc.Arbitrary<EventFilter> | undefined =
    catalog.events.length === 0
      ? undefined
      : fc
          .constantFrom(...catalog.events.map((e) => e.id), ...EVENTS_WITH_PROPS.map((e) => e.id))
          .chain((event) =>
            fc.record(
              {
                event: fc.constant(event),
                where: propComparisonArb(event),
                withinDays: fc.constantFrom(...DAYS),
              },
              { requiredKeys: ['event'] },
            ),
          );

  const comparisonArb = (scores: string[]): fc.Arbitrary<Comparison> =>
    fc.oneof(
      ...(fieldIds.length === 0
        ? []
        : [
            {
              weight: 5,
              arbitrary: fc.constantFrom(...fieldIds).chain((id) => {
                const def = catalog.fields.find((f) => f.id === id)!;
                return comparisonFor(
                  { kind: 'field', field: id },
                  def.type,
                  def.values?.map((v) => v.value),
                );
              }),
            },
          ]),
      ...(eventFilterArb === undefined
        ? []
        : [
            {
              weight: 2,
              arbitrary: eventFilterArb.chain((filter) =>
                fc
                  .constantFrom('count', 'first', 'last')
                  .chain((agg) =>
                    comparisonFor(
                      { kind: 'events', ...filter, agg: agg as 'count' },
                      agg === 'count' ? 'number' : 'date',
                    ),
                  ),
              ),
            },
          ]),
      ...(NUMERIC_PROPS.length === 0
        ? []
        : [
            {
              weight: 1,
              arbitrary: fc
                .tuple(
                  fc.constantFrom(...NUMERIC_PROPS),
                  fc.constantFrom('sum', 'min', 'max'),
                  fc.constantFrom(...DAYS),
                )
                .chain(([{ event, prop }, agg, withinDays]) =>
                  comparisonFor(
                    { kind: 'events', event, prop, agg: agg as 'sum', withinDays },
                    'number',
                  ),
                ),
            },
          ]),
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(...scores)
          .chain((s) => comparisonFor({ kind: 'score', score: s }, 'number')),
      },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(...TAGS)
          .chain((t) => comparisonFor({ kind: 'tag', tag: t }, 'string')),
      },
    );

  function predicateArb(scores: string[], depth = 2): fc.Arbitrary<Predicate> {
    const leaf = comparisonArb(scores);
    if (depth === 0) return leaf;
    const inner = predicateArb(scores, depth - 1);
    return fc.oneof(
      { weight: 4, arbitrary: leaf },
      {
        weight: 1,
        arbitrary: fc.array(inner, { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
      },
      {
        weight: 1,
        arbitrary: fc.array(inner, { minLength: 1, maxLength: 4 }).map((any) => ({ any })),
      },
      { weight: 1, arbitrary: inner.map((p) => ({ not: p })) },
    );
  }

  const labelArb = fc.constantFrom(...LABELS);
  const pointsArb = fc.oneof(fc.integer({ min: -30, max: 40 }), fc.constantFrom(2.5, 0.333, -7.25));
  const capArb = fc.option(fc.constantFrom(0, 5, 10, 25), { nil: undefined });
  const tagsArb = fc.array(
    fc.record({
      tag: fc.constantFrom(...TAGS),
      value: fc.constantFrom('Enterprise', 'SMB', ' x ', 'AE team'),
    }),
    { minLength: 1, maxLength: 2 },
  );

  function innerNodeArb(scores: string[]): fc.Arbitrary<NodeData> {
    const predicate = predicateArb(scores);
    const scorecardRow = (i: number) =>
      fc
        .record({
          label: labelArb,
          category: fc.constantFrom(...SCORE_CATEGORIES),
          points: pointsArb,
          cap: capArb,
          mode:
            eventFilterArb === undefined
              ? fc.constant('when')
              : fc.constantFrom('when', 'perEvent', 'both', 'decay'),
          when: predicate,
          perEvent: eventFilterArb ?? fc.constant(undefined),
          halfLife: fc.constantFrom(1, 30, 90),
        })
        .map((r) => ({
          id: `r${i}`,
          label: r.label,
          category: r.category,
          points: r.points,
          ...(r.cap === undefined ? {} : { cap: r.cap }),
          ...(r.mode === 'perEvent' || r.mode === 'both' || r.mode === 'decay'
            ? { perEvent: r.perEvent }
            : {}),
          ...(r.mode === 'when' || r.mode === 'both' ? { when: r.when } : {}),
          ...(r.mode === 'decay' ? { decayHalfLifeDays: r.halfLife } : {}),
        }));
    return fc.oneof(
      predicate.map((when) => ({ kind: 'condition' as const, data: { when } })),
      fc.array(fc.tuple(labelArb, predicate), { maxLength: 3 }).map((cases) => ({
        kind: 'switch' as const,
        data: { cases: cases.map(([label, when], i) => ({ id: `case${i}`, label, when })) },
      })),
      fc
        .tuple(
          fc.constantFrom(...scores),
          fc
            .integer({ min: 0, max: 5 })
            .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => scorecardRow(i)))),
          fc.record({ profile: capArb, channel: capArb, behaviour: capArb, undesirable: capArb }),
        )
        .map(([score, rows, caps]) => ({
          kind: 'scorecard' as const,
          data: {
            score,
            rows,
            categoryCaps: Object.fromEntries(
              Object.entries(caps).filter(([, v]) => v !== undefined),
            ),
          },
        })),
      fc
        .tuple(
          fc.array(fc.tuple(labelArb, predicate, fc.boolean()), { minLength: 1, maxLength: 4 }),
          fc.boolean(),
          fc.nat(),
        )
        .map(([items, atLeastMode, n]) => {
          const criteria = items.map(([label, when, optional], i) => ({
            id: `k${i}`,
            label,
            when,
            ...(optional && i > 0 ? { optional } : {}),
          }));
          const required = criteria.filter((c) => !('optional' in c)).length;
          return {
            kind: 'checklist' as const,
            data: atLeastMode
              ? { mode: 'atLeast', atLeast: 1 + (n % required), criteria }
              : { mode: 'all', criteria },
          };
        }),
      fc
        .tuple(
          fc.constantFrom('first', 'collect'),
          fc.array(fc.constantFrom(...tableInputs), { minLength: 0, maxLength: 3 }),
          fc.integer({ min: 1, max: 4 }),
          fc.array(fc.tuple(fc.boolean(), fc.nat()), { minLength: 12, maxLength: 12 }),
          fc.array(fc.oneof(fc.constant(undefined), pointsArb), { minLength: 4, maxLength: 4 }),
          fc.array(tagsArb, { minLength: 4, maxLength: 4 }),
        )
        .chain(([hitPolicy, inputs, rowCount, cellSeeds, points, rowTags]) =>
          fc
            .tuple(
              ...Array.from({ length: rowCount }, (_, r) =>
                fc.tuple(
                  ...inputs.map(([operand, type, options], c) =>
                    cellSeeds[(r * 3 + c) % 12]![0]
                      ? fc.constant({ op: 'any' as const })
                      : comparisonFor(operand, type, options).map(({ op, value }) =>
                          value === undefined ? { op } : { op, value },
                        ),
                  ),
                ),
              ),
            )
            .map((cells) => ({
              kind: 'table' as const,
              data: {
                hitPolicy,
                score: 'fit',
                inputs: inputs.map(([operand], i) => ({
                  id: `in${i}`,
                  label: `Input ${i}`,
                  operand,
                })),
                rows: cells.map((rowCells, r) => ({
                  id: `row${r}`,
                  label: `Row ${r}`,
                  cells: rowCells,
                  ...(points[r] === undefined ? {} : { points: points[r] }),
                  ...(cellSeeds[r]![1] % 2 ? { tags: rowTags[r] } : {}),
                })),
              },
            })),
        ),
      tagsArb.map((tags) => ({ kind: 'assign' as const, data: { tags } })),
    );
  }

  const TEMPLATES = [
    '',
    '{stage}: fit {score.fit}, engagement {score.engagement}',
    `tag {tag.segment}/{tag.owner} ${fieldIds
      .slice(0, 2)
      .map((id) => `{field.${id}}`)
      .join(' ')} {score.ghost}`,
    'plain words',
  ];

  /** Valid workflows (no errors): a DAG of random steps, every output connected forward. */
  const workflowArb: fc.Arbitrary<Workflow> = fc
    .tuple(
      fc.record({
        fitMin: fc.option(fc.constantFrom(-50, 0, 10), { nil: undefined }),
        fitMax: fc.option(fc.constantFrom(20, 100), { nil: undefined }),
        extra: fc.boolean(),
      }),
      fc.integer({ min: 0, max: 7 }),
      fc.array(fc.nat(), { minLength: 80, maxLength: 80 }),
      fc.array(fc.constantFrom(...TEMPLATES), { minLength: 6, maxLength: 6 }),
    )
    .chain(([scoreSpec, count, choices, templates]) => {
      const scores = ['fit', 'engagement', ...(scoreSpec.extra ? ['bant'] : [])];
      return fc.tuple(...Array.from({ length: count }, () => innerNodeArb(scores))).map((specs) => {
        const pos = { x: 0, y: 0 };
        const stages = defaultStages();
        const stageNodes: WorkflowNode[] = stages.map((s, i) => ({
          id: `st_${s.id}`,
          kind: 'stage',
          label: s.label,
          position: pos,
          data: templates[i] ? { stage: s.id, reason: templates[i] } : { stage: s.id },
        }));
        const inner = specs.map(
          (spec, i) =>
            ({
              id: `n${i}`,
              kind: spec.kind,
              label: `Step ${i}`,
              position: pos,
              data: spec.data,
            }) as WorkflowNode,
        );
        let c = 0;
        const pick = <T>(items: T[]): T => items[choices[c++ % choices.length]! % items.length]!;
        const edges: Edge[] = [];
        const connect = (source: WorkflowNode, index: number) => {
          for (const handle of nodeHandles(source)) {
            const later = [...inner.slice(index + 1), ...stageNodes, ...stageNodes];
            const target = pick(later);
            edges.push({
              id: `${source.id}:${handle.id}`,
              source: source.id,
              sourceHandle: handle.id,
              target: target.id,
            });
          }
        };
        const start: WorkflowNode = {
          id: 'start',
          kind: 'start',
          label: 'Start',
          position: pos,
          data: {},
        };
        connect(start, -1);
        inner.forEach((node, i) => connect(node, i));
        return {
          schemaVersion: 1 as const,
          stages,
          scores: [
            {
              id: 'fit',
              label: 'Fit',
              ...(scoreSpec.fitMin === undefined ? {} : { min: scoreSpec.fitMin }),
              ...(scoreSpec.fitMax === undefined
                ? {}
                : { max: Math.max(scoreSpec.fitMax, scoreSpec.fitMin ?? 0) }),
            },
            { id: 'engagement', label: 'Engagement', min: 0, max: 100 },
            ...(scoreSpec.extra ? [{ id: 'bant', label: 'BANT' }] : []),
          ],
          nodes: [start, ...inner, ...stageNodes],
          edges,
        };
      });
    });

  const rawValueArb = fc.oneof(
    fc.constantFrom(
      ...TEXTS,
      ...TEXTS.map((t) => ` ${t.toUpperCase()} `),
      'x@gmail.com',
      'Ann@Acme.com',
      'b@gmx.fr',
      '',
      '   ',
      '250',
      '1e3',
      'yes',
      'no',
      'true',
      'Pricing, API',
    ),
    fc.constantFrom(...NUMBERS, NaN, Infinity, -0),
    fc.boolean(),
    fc.constant(null),
    dateArb,
    fc.array(fc.constantFrom(...TEXTS, 5), { maxLength: 3 }),
  );

  const propsArb = fc.dictionary(
    fc.constantFrom(...propIds, 'mystery_prop'),
    fc.oneof(
      rawValueArb,
      fc.constantFrom(
        '/pricing/teams',
        '/Blog/bant',
        'demo_request',
        'contact_request',
        45,
        '45',
        12.5,
      ),
    ),
    { maxKeys: 3 },
  );

  const eventArb = fc.record(
    {
      type: fc.constantFrom(...catalog.events.map((e) => e.id), 'mystery'),
      at: fc.oneof(
        {
          weight: 4,
          arbitrary: fc.integer({ min: -200, max: 0 }).map((d) => AS_OF + d * DAY - 3_600_000),
        },
        { weight: 1, arbitrary: fc.integer({ min: -200, max: 10 }).map(iso) },
        { weight: 1, arbitrary: fc.constantFrom('yesterday', NaN, AS_OF, AS_OF + DAY) },
      ),
      props: propsArb,
    },
    { requiredKeys: ['type', 'at'] },
  );

  /** Leads as they arrive: typed values, numbers as text, blanks, odd dates, unknown events. */
  const leadArb = fc.record({
    id: fc.constant('lead'),
    attributes: fc
      .array(
        fc.tuple(
          fc.constantFrom(...fieldIds, 'shoe_size'),
          optionValues.length === 0
            ? rawValueArb
            : fc.oneof(rawValueArb, fc.constantFrom(...optionValues)),
        ),
        { maxLength: 14 },
      )
      .map((pairs) => Object.fromEntries(pairs)),
    events: fc.array(eventArb, { maxLength: 8 }),
  });

  return { workflowArb, leadArb, eventFilterArb, predicateArb };
}

const ofDefaultCatalog = workflowArbitraries(defaultCatalog);
/** Valid workflows over the default catalog. */
export const workflowArb = ofDefaultCatalog.workflowArb;
/** Messy leads for the default catalog. */
export const leadArb = ofDefaultCatalog.leadArb;
export const eventFilterArb = ofDefaultCatalog.eventFilterArb!;
export const predicateArb = ofDefaultCatalog.predicateArb;
