import { defaultCatalog, defaultWorkflow, usedCatalogIds } from '@accord/engine';
import { openDuckDb, loadLeadFiles } from '@accord/api/warehouse/duckdb-simulation';
import { join } from 'node:path';
const dir = process.env.DIR!;
const used = usedCatalogIds(defaultWorkflow());
console.log(used.fields.size, defaultCatalog.fields.length, [...used.events].join(','));
const small = {
  ...defaultCatalog,
  fields: defaultCatalog.fields.filter((f) => used.fields.has(f.id)),
  events: defaultCatalog.events.filter((e) => used.events.has(e.id)),
};
for (const [name, cat] of [
  ['all', defaultCatalog],
  ['used', small],
  ['all', defaultCatalog],
  ['used', small],
] as const) {
  const duck = await openDuckDb();
  const t0 = performance.now();
  await loadLeadFiles(duck.connection, {
    leads: join(dir, 'leads.csv'),
    events: join(dir, 'events.csv'),
    catalogs: [cat],
  });
  console.log(name, Math.round(performance.now() - t0), 'ms');
  duck.close();
}
