import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodedError } from '../shared/errors';
import { createTaskPathPolicy } from './task-paths';

let dir: string;
let workspace: string;
const start = (taskPath: string) => ({ preset: 'x', config: { seed: 1, task: { kind: 'jsonl', path: taskPath, verifier: 'exact' } } });

function refusal(run: () => unknown): CodedError {
  try {
    run();
  } catch (error) {
    if (error instanceof CodedError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

beforeAll(() => {
  dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'evolab-task-paths-')));
  workspace = path.join(dir, 'ws');
  mkdirSync(path.join(workspace, 'tasks'), { recursive: true });
  mkdirSync(path.join(dir, 'data'));
  writeFileSync(path.join(workspace, 'tasks', 'mine.jsonl'), '{"prompt":"1+1=","answer":"2"}\n');
  writeFileSync(path.join(dir, 'secret.txt'), 'private');
  writeFileSync(path.join(dir, 'data', 'a.jsonl'), '{"prompt":"1+1=","answer":"2"}\n');
  symlinkSync(path.join(dir, 'secret.txt'), path.join(workspace, 'tasks', 'link.jsonl'));
  symlinkSync(dir, path.join(workspace, 'up'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('task paths through the host', () => {
  const policy = () => createTaskPathPolicy({ workspace, cwd: workspace, howToAllow: (f) => `start the server with --allow-path ${f}` });

  it('lets a file inside the workspace through, as its real absolute path, the rest of the input untouched', () => {
    expect(policy().confine(start('tasks/mine.jsonl'))).toEqual({
      preset: 'x',
      config: { seed: 1, task: { kind: 'jsonl', path: path.join(workspace, 'tasks', 'mine.jsonl'), verifier: 'exact' } },
    });
    // A missing file inside passes on, so the engine can say it cannot read it.
    expect(policy().confine(start(path.join(workspace, 'none.jsonl')))).toMatchObject({ config: { task: { path: path.join(workspace, 'none.jsonl') } } });
  });

  it.each([
    ['an absolute path elsewhere', () => path.join(dir, 'secret.txt')],
    ['a path that climbs out with ..', () => 'tasks/../../secret.txt'],
    ['a link inside the workspace to a file outside', () => 'tasks/link.jsonl'],
    ['a path through a linked folder', () => 'up/secret.txt'],
    ['a missing file outside', () => '/nonexistent/x.jsonl'],
    ['the system password file', () => '/etc/passwd'],
  ])('refuses %s, naming task.path and how to allow it', (_what, taskPath) => {
    const error = refusal(() => policy().confine(start(taskPath())));
    expect(error.code).toBe('path_not_allowed');
    expect(error.issues.map((i) => i.path)).toEqual(['task.path']);
    expect(error.message).toContain('--allow-path');
    expect(error.message).toContain('copy the file into the workspace');
  });

  it('lets allowed files and folders through, given up front or allowed later', () => {
    const file = path.join(dir, 'data', 'a.jsonl');
    expect(() => createTaskPathPolicy({ workspace, allowed: [file] }).confine(start(file))).not.toThrow();
    expect(() => createTaskPathPolicy({ workspace, allowed: [path.join(dir, 'data')] }).confine(start(file))).not.toThrow();
    expect(() => createTaskPathPolicy({ workspace, allowed: [file] }).confine(start(path.join(dir, 'secret.txt')))).toThrow(CodedError);
    const later = createTaskPathPolicy({ workspace });
    expect(() => later.confine(start(file))).toThrow(CodedError);
    later.allow(file);
    expect(() => later.confine(start(file))).not.toThrow();
  });

  it('leaves inputs without a task path alone', () => {
    for (const input of [{ preset: 'addition-star' }, { config: { task: { kind: 'arithmetic' } } }, { config: 'nonsense' }, null]) {
      expect(policy().confine(input)).toBe(input);
    }
  });
});
