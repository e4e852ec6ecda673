import { z } from 'zod';

/** Every error that crosses a process boundary is one of these codes. */
export const ErrorCode = z.enum([
  'invalid_config',
  'invalid_request',
  'unknown_preset',
  'unknown_run',
  'workspace_unwritable',
  'run_busy',
  'engine_crashed',
  'engine_unavailable',
  'unauthorized',
  'unknown_proposal',
  'already_decided',
  'audit_key_unavailable',
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

/** Turns zod issues into field issues whose messages say what is allowed. */
export function fieldIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)';
    return { path, message: describeIssue(issue) };
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_small':
      return `must be ${issue.inclusive === false ? 'greater than' : 'at least'} ${String(issue.minimum)}${issue.origin === 'array' ? ' items' : ''}`;
    case 'too_big':
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}${issue.origin === 'array' ? ' items' : ''}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      return issue.message.includes('discriminator') || issue.message.includes('Invalid input')
        ? `${issue.message}; check the "kind" field`
        : issue.message;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}; remove ${issue.keys.length > 1 ? 'them' : 'it'}`;
    case 'invalid_type':
      return `must be ${issue.expected}${'input' in issue && issue.input === undefined ? ' (missing)' : ''}`;
    default:
      return issue.message;
  }
}

/** Parses `value` with `schema` or throws a CodedError naming every invalid field. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  code: ErrorCode,
  what: string,
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = fieldIssues(result.error);
  const lines = issues.map((i) => `  ${i.path}: ${i.message}`).join('\n');
  throw new CodedError(code, `${what} is invalid:\n${lines}`, issues);
}
