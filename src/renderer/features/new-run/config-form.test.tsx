import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ConfigForm, type TaskFilePicker } from './config-form';
import { blankDraft } from './new-run-store';

// Rendered to markup in node: what the form shows needs no DOM.
function form(taskFile?: TaskFilePicker, task: Record<string, unknown> = { kind: 'jsonl', path: 'typed.jsonl' }): string {
  return renderToStaticMarkup(<ConfigForm draft={{ ...blankDraft(), task }} issues={new Map()} onChange={() => undefined} taskFile={taskFile} />);
}
const picker = (over: Partial<TaskFilePicker> = {}): TaskFilePicker => ({ pick: () => undefined, picking: false, error: null, ...over });

describe('the config form: task.path', () => {
  it('has "Choose file…" beside the task path where the host can pick files (the desktop app)', () => {
    const html = form(picker());
    expect(html).toContain('data-testid="field-task.path"');
    expect(html).toMatch(/data-testid="task-path-choose"[^>]*>Choose file…</);
  });

  it('has no such button without a picker (a browser page): the path is typed', () => {
    const html = form(undefined);
    expect(html).toContain('data-testid="field-task.path"');
    expect(html).not.toContain('task-path-choose');
  });

  it('shows the dialog as open, and why it could not open', () => {
    expect(form(picker({ picking: true }))).toMatch(/<button[^>]*disabled=""[^>]*data-testid="task-path-choose"[^>]*>Choosing…</);
    expect(form(picker({ error: 'use --allow-path' }))).toContain('data-testid="task-path-choose-error">use --allow-path<');
  });

  it('offers it for a jsonl task only: other tasks have no file', () => {
    expect(form(picker(), { kind: 'arithmetic' })).not.toContain('task-path-choose');
  });
});
