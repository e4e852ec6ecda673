import { z } from 'zod';

/**
 * Turns a zod object schema into a tree of form fields, so the New-run form follows the run-config schema
 * without a second hand-written description of it. Only the shapes the run config uses are supported;
 * anything else becomes a JSON text field rather than disappearing from the form.
 */

export type FieldNode =
  | { kind: 'number'; key: string; path: string; description: string; integer: boolean; min?: number; max?: number; defaultValue?: unknown; optional: boolean }
  | { kind: 'string'; key: string; path: string; description: string; defaultValue?: unknown; optional: boolean }
  | { kind: 'boolean'; key: string; path: string; description: string; defaultValue?: unknown; optional: boolean }
  | { kind: 'enum'; key: string; path: string; description: string; options: string[]; defaultValue?: unknown; optional: boolean }
  | { kind: 'literal'; key: string; path: string; description: string; value: unknown }
  | { kind: 'number-array'; key: string; path: string; description: string; defaultValue?: unknown; optional: boolean }
  | { kind: 'group'; key: string; path: string; description: string; fields: FieldNode[] }
  | { kind: 'union'; key: string; path: string; description: string; discriminator: string; variants: UnionVariant[] }
  | { kind: 'json'; key: string; path: string; description: string; defaultValue?: unknown; optional: boolean };

export interface UnionVariant {
  value: string;
  description: string;
  fields: FieldNode[];
  schema: z.ZodType;
}

interface Unwrapped {
  schema: z.ZodType;
  description: string;
  defaultValue?: unknown;
  optional: boolean;
}

/** Peels default/optional wrappers, keeping the first description found and the default value. */
function unwrap(schema: z.ZodType): Unwrapped {
  let current: z.ZodType = schema;
  let description = schema.description ?? '';
  let defaultValue: unknown;
  let optional = false;
  for (;;) {
    if (current instanceof z.ZodDefault) {
      defaultValue = current.def.defaultValue;
      current = current.def.innerType as z.ZodType;
    } else if (current instanceof z.ZodOptional) {
      optional = true;
      current = current.def.innerType as z.ZodType;
    } else break;
    if (!description && current.description) description = current.description;
  }
  return { schema: current, description, defaultValue, optional };
}

function join(prefix: string, key: string): string {
  return prefix ? `${prefix}.${key}` : key;
}

/** A field kept only so that old configs still parse (meta `deprecated`): the form leaves it out. */
function isDeprecated(schema: z.ZodType): boolean {
  return z.globalRegistry.get(schema)?.deprecated === true;
}

export function walkObject(schema: z.ZodObject, prefix = ''): FieldNode[] {
  return Object.entries(schema.shape)
    .filter(([, child]) => !isDeprecated(child as z.ZodType))
    .map(([key, child]) => walkField(key, child as z.ZodType, join(prefix, key)));
}

function bound(value: number | null | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) < Number.MAX_SAFE_INTEGER ? value : undefined;
}

export function walkField(key: string, field: z.ZodType, path: string): FieldNode {
  const { schema, description, defaultValue, optional } = unwrap(field);
  if (schema instanceof z.ZodNumber) {
    return {
      kind: 'number',
      key,
      path,
      description,
      defaultValue,
      optional,
      integer: schema.isInt,
      // `.int()` bounds a number by the safe-integer range; that is no limit a person needs to read.
      min: bound(schema.minValue),
      max: bound(schema.maxValue),
    };
  }
  if (schema instanceof z.ZodString) return { kind: 'string', key, path, description, defaultValue, optional };
  if (schema instanceof z.ZodBoolean) return { kind: 'boolean', key, path, description, defaultValue, optional };
  if (schema instanceof z.ZodEnum) {
    return { kind: 'enum', key, path, description, defaultValue, optional, options: schema.options.map(String) };
  }
  if (schema instanceof z.ZodLiteral) return { kind: 'literal', key, path, description, value: schema.value };
  if (schema instanceof z.ZodArray && unwrap(schema.element as z.ZodType).schema instanceof z.ZodNumber) {
    return { kind: 'number-array', key, path, description, defaultValue, optional };
  }
  if (schema instanceof z.ZodObject) return { kind: 'group', key, path, description, fields: walkObject(schema, path) };
  if (schema instanceof z.ZodDiscriminatedUnion) {
    const discriminator = schema.def.discriminator;
    const variants = (schema.options as z.ZodType[]).flatMap((option): UnionVariant[] => {
      if (!(option instanceof z.ZodObject)) return [];
      const tag = unwrap(option.shape[discriminator] as z.ZodType).schema;
      if (!(tag instanceof z.ZodLiteral)) return [];
      const tagDescription = (option.shape[discriminator] as z.ZodType).description ?? '';
      return [{ value: String(tag.value), description: tagDescription, fields: walkObject(option, path), schema: option }];
    });
    return { kind: 'union', key, path, description, discriminator, variants };
  }
  return { kind: 'json', key, path, description, defaultValue, optional };
}

/**
 * The fully defaulted value of an object variant, e.g. a recipe after its kind changes in the form.
 * Fields without a default stay out; validation then names them.
 */
export function defaultsOf(schema: z.ZodType, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const result = schema.safeParse(overrides);
  if (result.success && result.data && typeof result.data === 'object') return result.data as Record<string, unknown>;
  return overrides;
}

export function getAt(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Returns a copy of `value` with `path` set (or removed, for undefined); never mutates. */
export function setAt(value: Record<string, unknown>, path: string, next: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  const copy: Record<string, unknown> = { ...value };
  if (rest.length === 0) {
    if (next === undefined) delete copy[head];
    else copy[head] = next;
    return copy;
  }
  const child = copy[head];
  const childObject = child !== null && typeof child === 'object' && !Array.isArray(child) ? (child as Record<string, unknown>) : {};
  copy[head] = setAt(childObject, rest.join('.'), next);
  return copy;
}

/** Reads an <input> into the value the schema expects, keeping unparsable text so validation can name it. */
export function parseInput(node: FieldNode, raw: string): unknown {
  if (node.kind === 'number') {
    // An emptied field that has a default is an error to fix, not a silent return to the default.
    if (raw.trim() === '') return node.optional && node.defaultValue === undefined ? undefined : '';
    const n = Number(raw);
    return Number.isFinite(n) ? n : raw;
  }
  if (node.kind === 'number-array') {
    const parts = raw
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    const numbers = parts.map(Number);
    return numbers.every(Number.isFinite) ? numbers : raw;
  }
  if (node.kind === 'string') return raw === '' && node.optional ? undefined : raw;
  if (node.kind === 'json') {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }
  return raw;
}

export function formatInput(node: FieldNode, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (node.kind === 'number-array' && Array.isArray(value)) return value.join(', ');
  if (node.kind === 'json') return typeof value === 'string' ? value : JSON.stringify(value);
  return String(value);
}

/** Every leaf field of a form tree by dotted path (union variants share a path; the first variant's node wins). */
export function fieldIndex(nodes: readonly FieldNode[], out = new Map<string, FieldNode>()): Map<string, FieldNode> {
  for (const node of nodes) {
    if (node.kind === 'group') fieldIndex(node.fields, out);
    else if (node.kind === 'union') for (const v of node.variants) fieldIndex(v.fields, out);
    else if (!out.has(node.path)) out.set(node.path, node);
  }
  return out;
}

/**
 * What a person should do, in plain words, when a form field holds what its schema refuses: text where a number
 * goes, an emptied required field. Other refusals (a range, a rule between fields) keep the schema's message.
 */
export function plainMessage(node: FieldNode | undefined, value: unknown, message: string): string {
  if (!node) return message;
  const empty = value === undefined || value === '';
  if (node.kind === 'number') {
    const what = node.integer ? 'a whole number' : 'a number';
    if (empty) return `required: enter ${what}`;
    if (typeof value === 'string') return `enter ${what}; "${value}" is not one`;
    if (node.integer && typeof value === 'number' && !Number.isInteger(value)) return `enter a whole number; ${value} has a fraction`;
  }
  if (node.kind === 'number-array' && typeof value === 'string') return 'enter numbers separated by commas, e.g. 0.5, 1, 2';
  if (node.kind === 'json' && typeof value === 'string') return 'enter valid JSON';
  if (empty && (node.kind === 'string' || node.kind === 'enum')) return 'required: enter a value';
  return message;
}
