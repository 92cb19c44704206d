/**
 * Records every SQL statement and its parameters that reach the database drivers (PGlite and
 * node-postgres), so a test can prove user text only ever travels as a parameter, never as SQL.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export interface CapturedQuery {
  sql: string;
  params: readonly unknown[];
}

type QueryFn = (this: unknown, ...args: unknown[]) => unknown;

/** The object on the prototype chain that owns `name`, so the patch can be undone exactly. */
function owner(proto: object, name: string): Record<string, QueryFn> {
  let current: object | null = proto;
  while (current && !Object.prototype.hasOwnProperty.call(current, name))
    current = Object.getPrototypeOf(current) as object | null;
  if (!current) throw new Error(`no ${name} on the prototype chain`);
  return current as Record<string, QueryFn>;
}

function patch(target: Record<string, QueryFn>, record: (args: unknown[]) => void) {
  const original = target.query!;
  target.query = function (this: unknown, ...args: unknown[]) {
    record(args);
    return original.apply(this, args);
  };
  return () => {
    target.query = original;
  };
}

/** Starts recording; `stop()` restores the drivers. */
export function captureSql() {
  const queries: CapturedQuery[] = [];
  const undo = [
    patch(owner(PGlite.prototype, 'query'), ([text, params]) =>
      queries.push({ sql: String(text), params: Array.isArray(params) ? params : [] }),
    ),
    patch(owner(pg.Client.prototype, 'query'), ([config, values]) => {
      const text =
        typeof config === 'string' ? config : String((config as { text?: unknown })?.text ?? '');
      const params = Array.isArray(values)
        ? values
        : ((config as { values?: unknown[] })?.values ?? []);
      queries.push({ sql: text, params });
    }),
  ];
  return {
    queries,
    stop() {
      for (const restore of undo) restore();
    },
  };
}
