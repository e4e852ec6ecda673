import { z } from 'zod';
import { nearest } from './suggest';

/** Every error that crosses a process boundary is one of these codes. */
export const ErrorCode = z.enum([
  'invalid_config',
  'invalid_request',
  'unknown_preset',
  'unknown_run',
  'workspace_unwritable',
  'output_unwritable',
  'run_busy',
  'engine_crashed',
  'engine_unavailable',
  'unauthorized',
  'unknown_proposal',
  'already_decided',
  'path_not_allowed',
  'audit_key_unavailable',
  'unsupported',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const FieldIssue = z.object({
  path: z.string().describe('Dotted path of the invalid field, e.g. "recipe.samplesPerPrompt".'),
  message: z.string().describe('What is wrong and what is allowed.'),
});
export type FieldIssue = z.infer<typeof FieldIssue>;

export const CodedErrorShape = z.object({
  code: ErrorCode,
  message: z.string(),
  issues: z.array(FieldIssue).default([]),
});
export type CodedErrorShape = z.infer<typeof CodedErrorShape>;

/** An error with a stable code and, for validation failures, the path of each invalid field. */
export class CodedError extends Error {
  readonly code: ErrorCode;
  readonly issues: FieldIssue[];
  constructor(code: ErrorCode, message: string, issues: FieldIssue[] = []) {
    super(message);
    this.name = 'CodedError';
    this.code = code;
    this.issues = issues;
  }
  toJSON(): CodedErrorShape {
    return { code: this.code, message: this.message, issues: this.issues };
  }
  static from(shape: CodedErrorShape): CodedError {
    return new CodedError(shape.code, shape.message, shape.issues);
  }
}

/**
 * Turns zod issues into field issues whose messages say what is allowed. With the schema and the value that was
 * parsed, an unknown field or an invalid option names the nearest valid one ("did you mean ...?").
 */
export function fieldIssues(error: z.ZodError, prefix = '', schema?: z.ZodType, value?: unknown): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)';
    // One issue per unknown field, so each line names one field and its nearest valid name.
    const split = issue.code === 'unrecognized_keys' ? issue.keys.map((key) => ({ ...issue, keys: [key] })) : [issue];
    return split.map((one) => ({ path, message: describeIssue(one, schema, value) }));
  });
}

function quote(value: unknown): string {
  return JSON.stringify(value);
}

function describeIssue(issue: z.core.$ZodIssue, schema: z.ZodType | undefined, value: unknown): string {
  switch (issue.code) {
    case 'too_small':
      return `must be ${issue.inclusive === false ? 'greater than' : 'at least'} ${String(issue.minimum)}${issue.origin === 'array' ? ' items' : ''}`;
    case 'too_big':
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}${issue.origin === 'array' ? ' items' : ''}`;
    case 'invalid_value': {
      const got = valueAt(value, issue.path);
      const options = issue.values.filter((v): v is string => typeof v === 'string');
      const hint = typeof got === 'string' ? nearest(got, options) : null;
      return `must be one of ${issue.values.map(quote).join(', ')}${hint === null ? '' : `; did you mean ${quote(hint)}?`}`;
    }
    case 'invalid_union':
      return issue.message.includes('discriminator') || issue.message.includes('Invalid input') ? `${issue.message}; check the "kind" field` : issue.message;
    case 'unrecognized_keys': {
      const known = schema ? knownKeys(schema, value, issue.path) : [];
      return issue.keys
        .map((key) => {
          const hint = nearest(key, known);
          return `unknown field ${quote(key)}; ${hint === null ? 'remove it' : `did you mean ${quote(hint)}?`}`;
        })
        .join('\n');
    }
    case 'invalid_type':
      return `must be ${issue.expected}${'input' in issue && issue.input === undefined ? ' (missing)' : ''}`;
    default:
      return issue.message;
  }
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

/** The schema's own definition, for walking it (zod 4 keeps it under _zod.def). */
interface SchemaDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  options?: z.ZodType[];
  discriminator?: string;
}

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

/** Strips defaults, optionals and pipes down to the schema that names the fields. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let i = 0; i < 16; i++) {
    const def = defOf(s);
    const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (!inner) return s;
    s = inner;
  }
  return s;
}

/** The object schemas `value` may be checked against: one per union option, or the option its `kind` picks. */
function objectsOf(schema: z.ZodType, value: unknown): z.ZodType[] {
  const s = unwrap(schema);
  const def = defOf(s);
  if (def.type === 'object') return [s];
  if (def.type !== 'union' || !def.options) return [];
  const options = def.options.flatMap((o) => objectsOf(o, value));
  const disc = def.discriminator;
  if (disc && typeof value === 'object' && value !== null) {
    const kind = (value as Record<string, unknown>)[disc];
    const chosen = options.filter((o) => {
      const field = defOf(o).shape?.[disc];
      return field !== undefined && unwrap(field).safeParse(kind).success;
    });
    if (chosen.length > 0) return chosen;
  }
  return options;
}

/** Field names the schema allows at `path` of `value` (for a typo's nearest valid name). */
function knownKeys(schema: z.ZodType, value: unknown, path: readonly PropertyKey[]): string[] {
  let schemas: z.ZodType[] = [schema];
  let at = value;
  for (const key of path) {
    const next: z.ZodType[] = [];
    for (const s of schemas) {
      const inner = unwrap(s);
      const def = defOf(inner);
      if (def.type === 'array' && def.element) next.push(def.element);
      else for (const o of objectsOf(inner, at)) if (typeof key === 'string' && defOf(o).shape?.[key]) next.push(defOf(o).shape![key]!);
    }
    schemas = next;
    at = typeof at === 'object' && at !== null ? (at as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return [...new Set(schemas.flatMap((s) => objectsOf(s, at).flatMap((o) => Object.keys(defOf(o).shape ?? {}))))];
}

/** Parses `value` with `schema` or throws a CodedError naming every invalid field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, code: ErrorCode, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = fieldIssues(result.error, '', schema, value);
  const lines = issues.map((i) => `  ${i.path}: ${i.message}`).join('\n');
  throw new CodedError(code, `${what} is invalid:\n${lines}`, issues);
}
