import { RunConfig } from '../../../shared/config';
import { defaultsOf, formatInput, getAt, parseInput, walkObject, type FieldNode } from '../../lib/schema-walker';

/** The form, generated once from the zod schema; labels come from keys, help text from `.describe()`. */
const fields = walkObject(RunConfig).filter((f) => f.key !== 'preset');
const scalarKeys = new Set(['name', 'seed', 'backend', 'iterations', 'evalEvery']);

const GROUP_TITLES: Record<string, string> = {
  run: 'Run',
  task: 'Task',
  policy: 'Policy',
  optim: 'Optimiser',
  warmup: 'Warm-up',
  recipe: 'Recipe',
  'recipe.balance': 'Balance (B-STaR)',
  rater: 'Rater (protected: no proposal may change it)',
};

function label(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

/** "Choose file…" beside `task.path`; given only where the host has a native file dialog (the desktop app). */
export interface TaskFilePicker {
  pick: () => void;
  picking: boolean;
  error: string | null;
}

interface FormProps {
  draft: Record<string, unknown>;
  issues: Map<string, string>;
  onChange: (path: string, value: unknown) => void;
  taskFile?: TaskFilePicker;
}

export function ConfigForm({ draft, issues, onChange, taskFile }: FormProps) {
  const top = fields.filter((f) => scalarKeys.has(f.key));
  const groups = fields.filter((f) => !scalarKeys.has(f.key));
  return (
    <div className="config-form">
      <fieldset className="group">
        <legend>{GROUP_TITLES.run}</legend>
        {top.map((f) => (
          <Field key={f.path} node={f} draft={draft} issues={issues} onChange={onChange} taskFile={taskFile} />
        ))}
      </fieldset>
      {groups.map((f) => (
        <Field key={f.path} node={f} draft={draft} issues={issues} onChange={onChange} taskFile={taskFile} />
      ))}
    </div>
  );
}

function Field({ node, draft, issues, onChange, taskFile }: { node: FieldNode } & FormProps) {
  const issue = issues.get(node.path);
  const value = getAt(draft, node.path);
  const id = `field-${node.path}`;
  if (node.kind === 'literal') return null;
  if (node.kind === 'group') {
    return (
      <fieldset className="group" data-testid={`group-${node.path}`}>
        <legend>{GROUP_TITLES[node.path] ?? label(node.key)}</legend>
        {node.description && <p className="help">{node.description}</p>}
        {issue && (
          <p className="field-error" data-testid={`field-error-${node.path}`}>
            {issue}
          </p>
        )}
        {node.fields.map((f) => (
          <Field key={f.path} node={f} draft={draft} issues={issues} onChange={onChange} taskFile={taskFile} />
        ))}
      </fieldset>
    );
  }
  if (node.kind === 'union') {
    const kind = String(getAt(draft, `${node.path}.${node.discriminator}`) ?? '');
    const variant = node.variants.find((v) => v.value === kind);
    return (
      <fieldset className="group" data-testid={`group-${node.path}`}>
        <legend>{GROUP_TITLES[node.path] ?? label(node.key)}</legend>
        <div className="field">
          <label htmlFor={id}>Kind</label>
          <select
            id={id}
            data-testid={id}
            value={kind}
            onChange={(e) => {
              const next = node.variants.find((v) => v.value === e.target.value);
              if (next) onChange(node.path, defaultsOf(next.schema, { [node.discriminator]: next.value }));
            }}
          >
            {!variant && <option value="">choose…</option>}
            {node.variants.map((v) => (
              <option key={v.value} value={v.value}>
                {v.value}
              </option>
            ))}
          </select>
          <p className="help">{variant?.description || node.description}</p>
          {issue && (
            <p className="field-error" data-testid={`field-error-${node.path}`}>
              {issue}
            </p>
          )}
        </div>
        {variant?.fields.map((f) => (
          <Field key={f.path} node={f} draft={draft} issues={issues} onChange={onChange} taskFile={taskFile} />
        ))}
      </fieldset>
    );
  }
  let input;
  if (node.kind === 'boolean') {
    input = <input id={id} data-testid={id} type="checkbox" checked={value === true} onChange={(e) => onChange(node.path, e.target.checked)} />;
  } else if (node.kind === 'enum') {
    input = (
      <select id={id} data-testid={id} value={value === undefined ? '' : String(value)} onChange={(e) => onChange(node.path, e.target.value)}>
        {value === undefined && <option value="">—</option>}
        {node.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  } else {
    const range =
      node.kind === 'number'
        ? [node.min !== undefined ? `min ${node.min}` : '', node.max !== undefined ? `max ${node.max}` : ''].filter(Boolean).join(', ')
        : '';
    input = (
      <input
        id={id}
        data-testid={id}
        type="text"
        inputMode={node.kind === 'number' ? 'decimal' : undefined}
        className={node.kind === 'number' ? 'num-input' : undefined}
        aria-invalid={issue ? true : undefined}
        placeholder={node.kind === 'number-array' ? 'comma-separated numbers' : range}
        defaultValue={formatInput(node, value)}
        key={formatInput(node, value)}
        onBlur={(e) => onChange(node.path, parseInput(node, e.target.value))}
        onKeyDown={(e) => {
          if (e.key === 'Enter') onChange(node.path, parseInput(node, e.currentTarget.value));
        }}
      />
    );
  }
  return (
    <div className={`field${issue ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label(node.key)}</label>
      {input}
      {node.path === 'task.path' && taskFile && <TaskFileButton picker={taskFile} />}
      <p className="help">{node.description}</p>
      {issue && (
        <p className="field-error" data-testid={`field-error-${node.path}`}>
          {issue}
        </p>
      )}
    </div>
  );
}

function TaskFileButton({ picker }: { picker: TaskFilePicker }) {
  return (
    <div className="field-actions">
      <button
        type="button"
        disabled={picker.picking}
        onClick={picker.pick}
        data-testid="task-path-choose"
        title="Pick a .jsonl file anywhere on this computer; runs started here may then read it"
      >
        {picker.picking ? 'Choosing…' : 'Choose file…'}
      </button>
      {picker.error && (
        <p className="field-error" data-testid="task-path-choose-error">
          {picker.error}
        </p>
      )}
    </div>
  );
}
