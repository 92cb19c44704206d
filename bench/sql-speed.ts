/**
 * npx tsx bench/sql-speed.ts — a quick timing of compileSql's query for the default workflow in
 * DuckDB (not part of `npm run bench`): N generated leads (default 200,000) written as CSV and
 * loaded as `accord simulate` loads files, then the query run without and with the events (best
 * of three, with a checksum of the output so a change that alters answers shows), and both
 * versions of bench:warehouse in one query as simulations run them. DIR=<dir> reuses
 * the CSV files of an earlier run; EXPLAIN=1 prints DuckDB's profile of the query with events.
 */
import { closeSync, mkdtempSync, openSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCatalog, defaultWorkflow, leadBatches, parseWorkflow } from '@accord/engine';
import { lowerMqlThreshold } from '@accord/api/simulation/sample-candidate';
import {
  catalogReads,
  compileBothSides,
  compileSide,
  loadLeadFiles,
  openDuckDb,
} from '@accord/api/warehouse/duckdb-simulation';
import { SIM_AS_OF } from './simulate-lane';

const N = Number(process.env.N ?? 200_000);
const csvCell = (value: unknown) => {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};
const dir = process.env.DIR || mkdtempSync(join(tmpdir(), 'sqlspeed-'));
const fields = defaultCatalog.fields.map((f) => f.id);
if (!process.env.DIR) {
  const lf = openSync(join(dir, 'leads.csv'), 'w');
  const ef = openSync(join(dir, 'events.csv'), 'w');
  writeSync(lf, `${['id', ...fields, 'converted'].join(',')}\n`);
  writeSync(ef, 'lead_id,type,at,props\n');
  for (const batch of leadBatches({ count: N, seed: 7, asOf: SIM_AS_OF, batchSize: 10_000 })) {
    let l = '';
    let e = '';
    for (const lead of batch) {
      l += `${[lead.id, ...fields.map((f) => lead.attributes[f]), lead.outcome.converted].map(csvCell).join(',')}\n`;
      for (const ev of lead.events)
        e += `${lead.id},${ev.type},${ev.at},${csvCell(JSON.stringify(ev.props ?? {}))}\n`;
    }
    writeSync(lf, l);
    writeSync(ef, e);
  }
  closeSync(lf);
  closeSync(ef);
  console.log('dir', dir);
}
const p = parseWorkflow(defaultWorkflow());
if (!p.ok) throw new Error('wf');
const duck = await openDuckDb();
const table = await loadLeadFiles(duck.connection, {
  leads: join(dir, 'leads.csv'),
  events: join(dir, 'events.csv'),
  catalogs: [defaultCatalog],
  reads: catalogReads([p.workflow, lowerMqlThreshold(defaultWorkflow())]),
});
const side = { workflow: p.workflow, catalog: defaultCatalog };
const withEv = compileSide(side, table, SIM_AS_OF, 'x');
const noEv = compileSide(side, { ...table, events: undefined }, SIM_AS_OF, 'x');
await duck.connection.run(
  `CREATE OR REPLACE TEMP TABLE accord_no_events (lead_id BIGINT, type VARCHAR, "at" TIMESTAMPTZ, props JSON)`,
);
const both = compileBothSides(
  side,
  { workflow: lowerMqlThreshold(defaultWorkflow()), catalog: defaultCatalog },
  table,
  SIM_AS_OF,
);
const time = async (
  name: string,
  q: { sql: string; params: readonly unknown[] },
  checks = `sum(hash(stage)) AS h1, sum(hash(list_sort(fired))) AS h2, sum(hash(q."score:fit", q."score:engagement")) AS h3`,
) => {
  let best = Infinity;
  let cpu = Infinity;
  let check = '';
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = await duck.connection.runAndReadAll(
      `SELECT count(*) AS n, ${checks} FROM (${q.sql}) AS q`,
      q.params as never,
    );
    best = Math.min(best, performance.now() - t0);
    const c1 = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c1.user + c1.system) / 1000);
    check = JSON.stringify(r.getRowsJson()[0]);
  }
  console.log(
    `${name}: ${Math.round(best)} ms, ${((best * 1000) / N).toFixed(2)} µs/lead (process CPU ${Math.round(cpu)} ms); check ${check}; load ${loadavg()[0]!.toFixed(1)}`,
  );
};
await time('no events', noEv);
await time('events', withEv);
const [b, c] = [both.baseline, both.candidate];
await time(
  'both versions in one query, events',
  both,
  `sum(hash(${b.stage}, ${c.stage})) AS h1, sum(hash(${[...b.firedWords, ...c.firedWords].join(', ')})) AS h2, ` +
    `sum(hash(${[...Object.values(b.scoreColumns), ...Object.values(c.scoreColumns)].join(', ')})) AS h3`,
);
if (process.env.EXPLAIN) {
  const r = await duck.connection.runAndReadAll(
    `EXPLAIN ANALYZE ${withEv.sql}`,
    withEv.params as never,
  );
  console.log(
    r
      .getRows()
      .map((x) => x[1])
      .join('\n'),
  );
}
duck.close();
