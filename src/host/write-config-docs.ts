import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigDocs } from '../shared/config-docs';
import { renderMetricDocs } from '../shared/metric-docs';

// `npm run docs:config`: regenerate the generated docs, docs/configuration.md from the schema and docs/metrics.md
// from the table of metric definitions.
for (const [file, render] of [
  ['configuration.md', renderConfigDocs],
  ['metrics.md', renderMetricDocs],
] as const) {
  const target = fileURLToPath(new URL(`../../docs/${file}`, import.meta.url));
  writeFileSync(target, render());
  console.log(`wrote ${target}`);
}
