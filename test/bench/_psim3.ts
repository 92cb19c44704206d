import { simulateShare } from './simulate-lane';
const r = simulateShare(300_000, 7);
console.log(Math.round(r.simMs), 'ms sim', (r.simMs / 300).toFixed(2), 'us/lead');
