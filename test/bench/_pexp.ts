import { parseWorkflow, defaultCatalog } from '@accord/engine';
import { generate } from '../../packages/engine/src/compile/compile';
import { runtime } from '../../packages/engine/src/runtime/runtime';
import { benchWorkflow, benchLeads } from './bench-rules';
import { readFileSync, writeFileSync } from 'node:fs';
const p = parseWorkflow(benchWorkflow()); if (!p.ok) throw 1;
const explain = process.argv[2] !== 'stage';
const g = generate(p.workflow, defaultCatalog, explain);
let src = g.source;
writeFileSync('/tmp/cur.js', src);
if (process.argv[3]) src = readFileSync(process.argv[3], 'utf8');
const ev = new Function('k', 'rt', src)(g.constants, runtime);
const leads = benchLeads(100000);
const asOf = Date.UTC(2026, 10, 23);
const run = (l: any) => { const r = ev(l, { asOf }); return { stage: r.stage, fit: r.scores.fit ?? 0, engagement: r.scores.engagement ?? 0 }; };
for (const l of leads) run(l);
let best = Infinity;
for (let r = 0; r < 20; r++) { const t0 = performance.now(); for (let i = 0; i < leads.length; i++) run(leads[i]); best = Math.min(best, performance.now() - t0); }
console.log(Math.round(leads.length / best * 1000));
