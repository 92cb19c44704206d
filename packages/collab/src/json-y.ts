import * as Y from 'yjs';

/** A JSON value as the workflow document holds it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };

type JsonObject = { [key: string]: Json | undefined };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A non-empty list of plain values (a `between`'s bounds, an `in` list): one value, not a shared
 * list. Two people changing the same bound must end with one of their lists, not both bounds
 * merged into three values that no longer parse.
 */
const isPlainList = (value: unknown): value is (string | number | boolean | null)[] =>
  Array.isArray(value) &&
  value.length > 0 &&
  value.every((item) => item === null || typeof item !== 'object');

/**
 * A JSON value as shared types: objects become `Y.Map`s and arrays `Y.Array`s, all the way
 * down, so two people editing different fields (or rows) of one step both keep their edit;
 * strings, numbers, booleans and lists of them are plain values (the last writer of one value
 * wins).
 * @example const nodes = toY([{ id: 'a', label: 'Fit' }]) as Y.Array<unknown>;
 */
export function toY(value: Json | undefined): unknown {
  if (isPlainList(value)) return [...value];
  if (Array.isArray(value)) {
    const array = new Y.Array<unknown>();
    array.insert(
      0,
      value.map((item) => toY(item)),
    );
    return array;
  }
  if (isObject(value)) {
    const map = new Y.Map<unknown>();
    for (const [key, item] of Object.entries(value))
      if (item !== undefined) map.set(key, toY(item));
    return map;
  }
  return value ?? null;
}

/**
 * Items of a shared array that a write leaves alone even though `next` lacks them: what the
 * writer could not see (see `writeWorkflow`), keyed by the array's key in its parent map.
 */
export type KeepUnseen = { [key: string]: ((item: unknown) => boolean) | undefined };

/**
 * Changes `target` as little as possible so that it holds `next`: keys and values that did not
 * change are not touched, so concurrent edits elsewhere in the map survive. Call it inside a
 * transaction (its origin is who made the change).
 */
export function syncMap(target: Y.Map<unknown>, next: JsonObject, keep: KeepUnseen = {}): void {
  for (const key of [...target.keys()]) if (next[key] === undefined) target.delete(key);
  for (const [key, value] of Object.entries(next)) {
    if (value === undefined) continue;
    const current = target.get(key);
    if (current instanceof Y.Array && Array.isArray(value) && !isPlainList(value))
      syncArray(current, value, keep[key]);
    else if (!syncInPlace(current, value)) target.set(key, toY(value));
  }
}

/**
 * Changes `target` as little as possible so that it holds `next`. Items with a string `id`
 * (steps, edges, rows, cases) are matched by id, others by value; matched items that keep their
 * order stay and are edited in place, the others are deleted, and only new items are inserted,
 * so a step someone else edits meanwhile is never replaced by a copy (which would lose their
 * edit, or bring back a step they deleted). Equal-length arrays without ids are edited position
 * by position. Items `keep` holds on to stay even when `next` lacks them.
 */
export function syncArray(
  target: Y.Array<unknown>,
  next: readonly Json[],
  keep?: (item: unknown) => boolean,
): void {
  const current = target.toArray();
  const keyed =
    current.some((item) => keyOfY(item) !== undefined) ||
    next.some((item) => keyOfJson(item) !== undefined);
  if (!keyed && current.length === next.length) {
    next.forEach((value, i) => replaceUnlessSynced(target, i, current[i], value));
    return;
  }
  const unmatched = new Map<string, number[]>();
  current.forEach((item, i) => {
    const key = keyOfY(item) ?? jsonKey(item);
    const list = unmatched.get(key);
    if (list) list.push(i);
    else unmatched.set(key, [i]);
  });
  // For each next item, the first current item with its key not matched yet.
  const matches = next.map((item) =>
    unmatched.get(keyOfJson(item) ?? JSON.stringify(item))?.shift(),
  );
  const staying = longestIncreasing(matches);
  const matched = new Set(matches);
  const left = current
    .map((_, i) => i)
    .filter((i) => staying.has(i) || (!matched.has(i) && keep?.(current[i]) === true));
  // Deleted from the end, in runs, so the indexes of what comes before stay right.
  const remaining = new Set(left);
  for (let end = current.length; end > 0;) {
    if (remaining.has(end - 1)) {
      end--;
      continue;
    }
    let begin = end - 1;
    while (begin > 0 && !remaining.has(begin - 1)) begin--;
    target.delete(begin, end - begin);
    end = begin;
  }
  // `target` now holds `left`; new items go in after the staying item before them.
  let position = 0;
  let l = 0;
  let pending: Json[] = [];
  const insertPending = () => {
    if (pending.length === 0) return;
    target.insert(
      position,
      pending.map((value) => toY(value)),
    );
    position += pending.length;
    pending = [];
  };
  next.forEach((value, j) => {
    const match = matches[j];
    if (match === undefined || !staying.has(match)) {
      pending.push(value);
      return;
    }
    insertPending();
    while (left[l] !== match) {
      l++;
      position++;
    }
    replaceUnlessSynced(target, position, current[match], value);
    l++;
    position++;
  });
  insertPending();
}

/** The values of the longest strictly increasing subsequence of `values` (undefined skipped). */
function longestIncreasing(values: readonly (number | undefined)[]): Set<number> {
  // tails[k]: the index in `values` of the smallest last value of an increasing run of length k+1.
  const tails: number[] = [];
  const previous: number[] = [];
  values.forEach((value, j) => {
    if (value === undefined) return;
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((values[tails[middle]!] as number) < value) low = middle + 1;
      else high = middle;
    }
    previous[j] = low > 0 ? tails[low - 1]! : -1;
    tails[low] = j;
  });
  const result = new Set<number>();
  for (let j = tails.at(-1) ?? -1; j >= 0; j = previous[j]!) result.add(values[j] as number);
  return result;
}

/** Brings a shared value to `next` in place; false when it cannot (a different kind of value). */
function syncInPlace(current: unknown, next: Json): boolean {
  if (current instanceof Y.Map && isObject(next)) {
    syncMap(current, next);
    return true;
  }
  if (current instanceof Y.Array && Array.isArray(next) && !isPlainList(next)) {
    syncArray(current, next);
    return true;
  }
  if (isPlainList(next) && Array.isArray(current))
    return JSON.stringify(current) === JSON.stringify(next);
  if (current instanceof Y.AbstractType || isObject(next) || Array.isArray(next)) return false;
  return current === next;
}

function replaceUnlessSynced(target: Y.Array<unknown>, i: number, current: unknown, next: Json) {
  if (syncInPlace(current, next)) return;
  target.delete(i, 1);
  target.insert(i, [toY(next)]);
}

function keyOfY(item: unknown): string | undefined {
  if (!(item instanceof Y.Map)) return undefined;
  const id: unknown = item.get('id');
  return typeof id === 'string' ? `id:${id}` : undefined;
}

function keyOfJson(item: Json | undefined): string | undefined {
  if (!isObject(item)) return undefined;
  return typeof item.id === 'string' ? `id:${item.id}` : undefined;
}

function jsonKey(item: unknown): string {
  return JSON.stringify(item instanceof Y.AbstractType ? item.toJSON() : item);
}
