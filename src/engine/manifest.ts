/**
 * The run manifest (src/shared/manifest.ts), written beside the run's checkpoints: when the run's first iteration
 * in a process is committed (if there is none yet), and again with the results when the run ends. Like the
 * TensorBoard file it is written through a temp file and a rename, and a failure is a warning, never the run's.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventName } from '../shared/contract';
import type { RunConfig } from '../shared/config';
import { TASK_FAMILY } from '../shared/families';
import { MANIFEST_FORMAT, type RunManifest } from '../shared/manifest';
import type { RunStatus } from '../shared/run';
import { canonicalJson } from './store/audit-chain';
import { TEMP_SUFFIX } from './store/checkpoint';
import type { Store } from './store/store';
import { runWorkers } from './pool/workers';

export const MANIFEST_FILE = 'manifest.json';

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function configHash(config: unknown): string {
  return sha256(canonicalJson(config));
}

type Checkout = RunManifest['evolab'];
let checkout: Checkout | null = null;

/** Evolab's version, commit and lockfile, found from this file (null where it does not run from a checkout). */
export function evolabCheckout(): Checkout {
  if (checkout) return checkout;
  let root: string | null = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  let version: string | null = null;
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'evolab') version = pkg.version ?? null;
    else root = null;
  } catch {
    root = null;
  }
  let commit: string | null = null;
  let dirty: boolean | null = null;
  let lockfileHash: string | null = null;
  if (root) {
    const git = (args: string[]) => spawnSync('git', args, { cwd: root!, encoding: 'utf8', timeout: 5000 });
    const head = git(['rev-parse', 'HEAD']);
    if (head.status === 0 && /^[0-9a-f]{40}$/.test(head.stdout.trim())) {
      commit = head.stdout.trim();
      const status = git(['status', '--porcelain', '--untracked-files=no']);
      dirty = status.status === 0 ? status.stdout.trim() !== '' : null;
    }
    try {
      lockfileHash = sha256(fs.readFileSync(path.join(root, 'package-lock.json')));
    } catch {
      lockfileHash = null;
    }
  }
  checkout = { version, commit, dirty, lockfileHash };
  return checkout;
}

/** The fixed evaluation sets of the run's environment, hashed: a rerun on other sets is not the same run. */
export async function evaluatorHash(config: RunConfig): Promise<RunManifest['evaluator']> {
  // Episodic environments (the gridworld, the games) hash their fixed evaluation starts.
  if (TASK_FAMILY[config.task.kind] === 'episodic') {
    const { createEpisodicEnvironment } = await import('./episodic-session');
    const starts = createEpisodicEnvironment(config.task).evaluationStarts();
    return { hash: sha256(canonicalJson(starts)), items: starts.length };
  }
  const { createTask } = await import('./tasks');
  const task = createTask(config.task);
  const problems = task.levels.flatMap((level) => task.heldout(level).map((p) => [p.id, p.level, p.prompt, p.answer]));
  return { hash: sha256(canonicalJson(problems)), items: problems.length };
}

export function dataOf(config: RunConfig): RunManifest['data'] {
  if (config.task.kind !== 'jsonl') return { kind: config.task.kind, file: null, hash: null };
  return { kind: 'jsonl', file: config.task.path, hash: sha256(fs.readFileSync(config.task.path)) };
}

export async function buildManifest(store: Store, runId: string, backend: { active: string; details?: string } | null): Promise<RunManifest> {
  const detail = store.runDetail(runId);
  const config = detail.config;
  return {
    format: MANIFEST_FORMAT,
    runId,
    createdAt: detail.createdAt,
    config,
    configHash: configHash(config),
    seed: config.seed,
    backend: { requested: config.backend, active: backend?.active ?? detail.backend, device: backend?.details ?? null },
    workers: runWorkers(config, backend?.active ?? detail.backend),
    host: { platform: process.platform, arch: process.arch, cpus: os.cpus().length, node: process.versions.node },
    evolab: evolabCheckout(),
    data: dataOf(config),
    evaluator: await evaluatorHash(config),
    results: null,
  };
}

export function writeJsonAtomic(file: string, value: unknown): void {
  const temp = `${file}${TEMP_SUFFIX}`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`);
  fs.renameSync(temp, file);
}

export interface ManifestLogOptions {
  store(): Store;
  backend(): { active: string; details?: string } | null;
  warn(runId: string, message: string): void;
}

const ENDED: readonly RunStatus[] = ['completed', 'stopped', 'failed'];

/** Give it every engine event of the runs this process drives; it keeps their manifests. */
export class ManifestLog {
  private readonly options: ManifestLogOptions;
  /** Per run: the writes in order (the end's write waits for the start's), and whether the start's was done. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly started = new Set<string>();

  constructor(options: ManifestLogOptions) {
    this.options = options;
  }

  observe(name: EventName, payload: unknown): void {
    const runId = (payload as { runId?: unknown }).runId;
    if (typeof runId !== 'string') return;
    if (name === 'run.iteration' && !this.started.has(runId)) {
      this.started.add(runId);
      this.enqueue(runId, async (store, file) => {
        if (!fs.existsSync(file)) writeJsonAtomic(file, await buildManifest(store, runId, this.options.backend()));
      });
    } else if (name === 'run.status' && ENDED.includes((payload as { status: RunStatus }).status) && this.started.has(runId)) {
      this.started.delete(runId);
      const status = (payload as { status: RunStatus }).status;
      this.enqueue(runId, async (store, file) => {
        const base = fs.existsSync(file)
          ? (JSON.parse(fs.readFileSync(file, 'utf8')) as RunManifest)
          : await buildManifest(store, runId, this.options.backend());
        writeJsonAtomic(file, { ...base, results: { status, endedAt: new Date().toISOString(), metrics: store.metricSeries(runId) } });
      });
    }
  }

  /** Resolves once every write asked for so far has been made (or has failed and been reported). */
  async flush(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  private enqueue(runId: string, write: (store: Store, file: string) => Promise<void>): void {
    const previous = this.chains.get(runId) ?? Promise.resolve();
    const next = previous.then(async () => {
      try {
        const store = this.options.store();
        await write(store, path.join(store.runDir(runId), MANIFEST_FILE));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        this.options.warn(runId, `The manifest of run ${runId} cannot be written (${reason}); the run goes on without it.`);
      }
    });
    this.chains.set(runId, next);
  }
}
