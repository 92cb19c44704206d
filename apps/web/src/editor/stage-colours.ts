/** The colour each built-in stage is drawn in; custom stages get a stable colour of their own. */
const STAGE_COLOURS: Record<string, string> = {
  nurture: '#64748b',
  mql: '#3756d4',
  sal: '#0e7c86',
  sql: '#1f8a4c',
  disqualified: '#c4323a',
  recycled: '#b7791f',
};

export function stageColour(stageId: string): string {
  const known = STAGE_COLOURS[stageId];
  if (known) return known;
  let hash = 0;
  for (const ch of stageId) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  return `hsl(${Math.abs(hash) % 360} 55% 42%)`;
}
