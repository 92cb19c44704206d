import { canonicalJson, type Workflow } from '@accord/engine';

const same = (a: unknown, b: unknown) => a === b || canonicalJson(a) === canonicalJson(b);

/** What a three-way merge did, for the message shown after "keep mine on top". */
export interface MergeReport {
  /** Items both sides changed differently; my version was kept. */
  overlaps: string[];
}

/**
 * Puts my unsaved edits on top of the newest saved draft: a three-way merge against the draft I
 * started from. Whatever only they changed is theirs, whatever only I changed is mine; where we
 * both changed the same field of the same node, mine wins (and is reported). A node one side
 * deleted and the other edited is kept, so no edit disappears silently.
 * @example const { doc } = mergeDrafts(base, mine, theirs);
 */
export function mergeDrafts(
  base: Workflow,
  mine: Workflow,
  theirs: Workflow,
): { doc: Workflow; report: MergeReport } {
  const overlaps: string[] = [];
  const nodes = mergeById(base.nodes, mine.nodes, theirs.nodes, (b, m, t) => {
    if (!b) return m; // both added the same id: mine
    const merged = { ...t } as Record<string, unknown>;
    const keys = new Set([...Object.keys(b), ...Object.keys(m), ...Object.keys(t)]);
    for (const key of keys) {
      const bv = (b as Record<string, unknown>)[key];
      const mv = (m as Record<string, unknown>)[key];
      const tv = (t as Record<string, unknown>)[key];
      if (same(mv, bv)) continue; // mine unchanged: theirs stands
      if (!same(tv, bv) && !same(tv, mv) && key !== 'position')
        overlaps.push(`${m.label || m.id} (${key})`);
      if (mv === undefined) delete merged[key];
      else merged[key] = mv;
    }
    return merged as unknown as typeof m;
  });
  const edges = mergeById(base.edges, mine.edges, theirs.edges, (_b, m) => m);
  const stages = mergeById(base.stages, mine.stages, theirs.stages, (_b, m) => m);
  const scores = mergeById(base.scores, mine.scores, theirs.scores, (_b, m) => m);
  const doc: Workflow = { ...theirs, nodes, edges, stages, scores };
  if (!same(mine.name, base.name)) doc.name = mine.name;
  return { doc, report: { overlaps } };
}

function mergeById<T extends { id: string }>(
  base: readonly T[],
  mine: readonly T[],
  theirs: readonly T[],
  both: (base: T | undefined, mine: T, theirs: T) => T,
): T[] {
  const b = new Map(base.map((x) => [x.id, x]));
  const m = new Map(mine.map((x) => [x.id, x]));
  const out: T[] = [];
  const seen = new Set<string>();
  for (const t of theirs) {
    seen.add(t.id);
    const bi = b.get(t.id);
    const mi = m.get(t.id);
    if (!mi) {
      // I deleted it: gone, unless they changed it since (then their edit is kept).
      if (bi && same(bi, t)) continue;
      out.push(t);
    } else if (bi && same(mi, bi)) out.push(t);
    else if (bi && same(t, bi)) out.push(mi);
    else out.push(same(mi, t) ? t : both(bi, mi, t));
  }
  for (const mi of mine) {
    if (seen.has(mi.id)) continue;
    const bi = b.get(mi.id);
    // They deleted it: gone, unless I changed it (then my edit is kept); new ones are mine.
    if (bi && same(bi, mi)) continue;
    out.push(mi);
  }
  return out;
}
