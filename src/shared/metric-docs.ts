import { HEADLINE_SLOTS, METRIC_DEFINITIONS } from './metric-definitions';

const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** docs/metrics.md, from the one table of metric definitions the app's hover text reads too. */
export function renderMetricDocs(): string {
  const groups = new Map<string, typeof METRIC_DEFINITIONS>();
  for (const m of METRIC_DEFINITIONS) {
    const ns = m.name.split('/')[0] ?? 'other';
    groups.set(ns, [...(groups.get(ns) ?? []), m]);
  }
  const lines = [
    '# Metrics',
    '',
    'Generated from the table of metric definitions (`src/shared/metric-definitions.ts`) by `npm run docs:config`; a test',
    'keeps it in sync. The run screen shows the same sentence when you hover a chart, and the compare view when you',
    'hover a column. Metrics are recorded per iteration; iteration 0 is the warm-up (or, for an episodic run, the',
    'untrained agent), which the run screen shows as its own panel rather than as the first point of the charts.',
    '',
    'The run screen draws these first and larger, taking in each slot the first name the run reports:',
    '',
    ...HEADLINE_SLOTS.map((s) => `- **${s.slot}**: ${s.names.map((n) => `\`${n}\``).join(', ')}`),
    '',
  ];
  for (const [ns, list] of groups) {
    lines.push(`### ${ns}/`, '', '| metric | unit | meaning |', '|---|---|---|');
    for (const m of list) lines.push(`| \`${m.name}\` | ${cell(m.unit)} | ${cell(m.definition)} |`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
