import { z } from 'zod';
import { RunConfig } from './config';

/**
 * Renders docs/configuration.md from the run-config schema itself, so the reference cannot drift from
 * what the engine accepts (a test compares the two).
 */
type JsonSchema = {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  required?: string[];
};

function allowed(s: JsonSchema): string {
  const parts: string[] = [];
  if (s.enum) parts.push(s.enum.map((v) => `\`${JSON.stringify(v)}\``).join(', '));
  if (s.const !== undefined) parts.push(`\`${JSON.stringify(s.const)}\``);
  if (s.type === 'array' && s.items) parts.push(`list of ${s.items.type ?? 'values'}${rangeOf(s.items)}`);
  else if (s.type && !s.enum && s.const === undefined) parts.push(`${s.type}${rangeOf(s)}`);
  if (s.minItems !== undefined || s.maxItems !== undefined) parts.push(`${s.minItems ?? 0}..${s.maxItems ?? '∞'} items`);
  return parts.join('; ');
}

function rangeOf(s: JsonSchema): string {
  const lo = s.minimum !== undefined ? `≥ ${s.minimum}` : s.exclusiveMinimum !== undefined ? `> ${s.exclusiveMinimum}` : '';
  const hi =
    s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER ? `≤ ${s.maximum}` : s.exclusiveMaximum !== undefined ? `< ${s.exclusiveMaximum}` : '';
  return lo || hi ? ` (${[lo, hi].filter(Boolean).join(', ')})` : '';
}

function table(title: string, schema: JsonSchema, prefix: string): string {
  const rows = Object.entries(schema.properties ?? {})
    .filter(([, s]) => !(s.type === 'object' && s.properties))
    .map(([key, s]) => {
      const required = schema.required?.includes(key) && s.default === undefined ? ' (required)' : '';
      const def = s.default === undefined ? '' : `\`${JSON.stringify(s.default)}\``;
      const description = (s.description ?? '').replace(/\|/g, '\\|');
      return `| \`${prefix}${key}\`${required} | ${allowed(s).replace(/\|/g, '\\|')} | ${def} | ${description} |`;
    });
  const nested = Object.entries(schema.properties ?? {})
    .filter(([, s]) => s.type === 'object' && s.properties)
    .map(([key, s]) => table(`${title} · ${key}`, s, `${prefix}${key}.`));
  const head = `### ${title}\n\n${schema.description ? `${schema.description}\n\n` : ''}| field | allowed | default | meaning |\n|---|---|---|---|\n`;
  return [head + rows.join('\n'), ...nested].join('\n\n');
}

export function renderConfigDocs(): string {
  const root = z.toJSONSchema(RunConfig, { io: 'input' }) as JsonSchema;
  const props = root.properties ?? {};
  const sections: string[] = [];
  const top: JsonSchema = {
    properties: Object.fromEntries(Object.entries(props).filter(([, s]) => !s.properties && !s.oneOf)),
    required: root.required,
  };
  sections.push(table('Run', top, ''));
  for (const [key, s] of Object.entries(props)) {
    if (s.oneOf || s.anyOf) {
      for (const variant of s.oneOf ?? s.anyOf ?? []) {
        const kind = String(variant.properties?.kind?.const ?? '?');
        sections.push(table(`${key} (kind "${kind}")`, { ...variant, description: variant.properties?.kind?.description }, `${key}.`));
      }
    } else if (s.properties) {
      sections.push(table(key, s, `${key}.`));
    }
  }
  return [
    '# Run configuration',
    '',
    'Generated from the run-config schema (`src/shared/config.ts`) by `npm run docs:config`; a test keeps it in sync.',
    'A config file is JSON; every field with a default may be left out. Start from a preset',
    '(`npx evolab presets --json`) and change what you need. Invalid fields are reported with their path and what',
    'is allowed.',
    '',
    sections.join('\n\n'),
    '',
  ].join('\n');
}
