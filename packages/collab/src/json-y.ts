import * as Y from 'yjs';

/** A JSON value as the workflow document holds it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };

type JsonObject = { [key: string]: Json | undefined };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A JSON value as shared types: objects become `Y.Map`s and arrays `Y.Array`s, all the way
 * down, so two people editing different fields (or rows) of one step both keep their edit;
 * strings, numbers and booleans are plain values (the last writer of one value wins).
 * @example const nodes = toY([{ id: 'a', label: 'Fit' }]) as Y.Array<unknown>;
 */
export function toY(value: Json | undefined): unknown {
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
 * Changes `target` as little as possible so that it holds `next`: keys and values that did not
 * change are not touched, so concurrent edits elsewhere in the map survive. Call it inside a
 * transaction (its origin is who made the change).
 */
export function syncMap(target: Y.Map<unknown>, next: JsonObject): void {
  for (const key of [...target.keys()]) if (next[key] === undefined) target.delete(key);
  for (const [key, value] of Object.entries(next)) {
    if (value === undefined) continue;
    const current = target.get(key);
    if (!syncInPlace(current, value)) target.set(key, toY(value));
  }
}

/**
 * Changes `target` as little as possible so that it holds `next`. Items with a string `id`
 * (steps, edges, rows, cases) are matched by id, others by value; the unchanged start and end
 * are kept and edited in place, and only what lies between is replaced. Equal-length arrays
 * without ids are edited position by position.
 */
export function syncArray(target: Y.Array<unknown>, next: readonly Json[]): void {
  const current = target.toArray();
  const keyed =
    current.some((item) => keyOfY(item) !== undefined) ||
    next.some((item) => keyOfJson(item) !== undefined);
  if (!keyed && current.length === next.length) {
    next.forEach((value, i) => replaceUnlessSynced(target, i, current[i], value));
    return;
  }
  const same = (i: number, j: number) => {
    const a = keyOfY(current[i]) ?? jsonKey(current[i]);
    const b = keyOfJson(next[j]) ?? JSON.stringify(next[j]);
    return a === b;
  };
  let start = 0;
  while (start < current.length && start < next.length && same(start, start)) start++;
  let endCurrent = current.length;
  let endNext = next.length;
  while (endCurrent > start && endNext > start && same(endCurrent - 1, endNext - 1)) {
    endCurrent--;
    endNext--;
  }
  // The unchanged tail first, so the indexes of the head stay right.
  for (let k = 0; k < current.length - endCurrent; k++) {
    const i = endCurrent + k;
    replaceUnlessSynced(target, i, current[i], next[endNext + k] as Json);
  }
  if (endCurrent > start) target.delete(start, endCurrent - start);
  if (endNext > start)
    target.insert(
      start,
      next.slice(start, endNext).map((value) => toY(value)),
    );
  for (let i = 0; i < start; i++) replaceUnlessSynced(target, i, current[i], next[i] as Json);
}

/** Brings a shared value to `next` in place; false when it cannot (a different kind of value). */
function syncInPlace(current: unknown, next: Json): boolean {
  if (current instanceof Y.Map && isObject(next)) {
    syncMap(current, next);
    return true;
  }
  if (current instanceof Y.Array && Array.isArray(next)) {
    syncArray(current, next);
    return true;
  }
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
