import os from 'node:os';
import { AUTO_WORKERS, POOL_BACKENDS, resolveWorkers, runWorkers } from './pool/workers';
import type { z } from 'zod';
import { RunConfig } from '../shared/config';
import {
  isHostRequest,
  isRequestName,
  requests,
  type EngineRequestName,
  type ParsedRequestInput,
  type RequestInput,
  type RequestOutput,
} from '../shared/contract';
import { CodedError, parseOrThrow } from '../shared/errors';
import { findPreset, presets } from '../shared/presets';
import { canContinueFromCheckpoint, type BackendReport, type RunStatus } from '../shared/run';
import type { ApprovalPolicy, PolicyPresetName } from '../shared/oversight';
import { archiveGet } from './evolution/requests';
import { branchSource } from './evolution/branch';
import { personActor } from './oversight/actor';
import { auditList, decide, exportAudit, oversightState, resolvePolicy } from './oversight/requests';
import { publicProposal } from './oversight/protocol';
import { chooseRating } from './oversight/person-rating';
import { PlayTable } from './play/play-table';
import { preflight } from './preflight';
import { exportRunFile } from './run-export';
import { resolveRunConfig } from './run-setup';
import { defaultBackendInit, Runner, type BackendInit, type Emit, type SessionFactory } from './runner';
import { Store } from './store/store';
import { TensorBoardLog } from './store/tensorboard-log';
import { ManifestLog } from './manifest';

export interface EngineServiceOptions {
  workspace: string;
  emit: Emit;
  /** Seams for tests; the real session and backend by default. */
  createSession?: SessionFactory;
  initBackend?: BackendInit;
  backendReport?: () => Promise<BackendReport>;
}

async function defaultBackendReport(): Promise<BackendReport> {
  const tf = await import('./tf');
  const { initProvenBackend } = await import('./backend-proof');
  return tf.backendReport() ?? (await initProvenBackend('auto'));
}

/**
 * The contract's schemas of the engine's requests, as a mapped type: indexed with a generic name, it keeps that
 * name's own input and output types (the contract's literal object would give the union of all of them).
 */
type EngineRequests = {
  [N in EngineRequestName]: { input: z.ZodType<ParsedRequestInput<N>, RequestInput<N>>; output: z.ZodType<RequestOutput<N>> };
};
const engineRequests: EngineRequests = requests;

function parseInput<T, I>(schema: z.ZodType<T, I>, value: unknown, what: string): T {
  return parseOrThrow(schema, value, 'invalid_request', what);
}

/** What the engine answers each of its requests with, given the input the contract parsed. */
type EngineHandlers = {
  [N in EngineRequestName]: (input: ParsedRequestInput<N>) => RequestOutput<N> | Promise<RequestOutput<N>>;
};

/**
 * Every engine request of the contract, behind one `handle`. Inputs are parsed at this boundary; errors are
 * CodedErrors. One run is active at a time; the workspace opens on first use, so an unwritable folder is
 * reported per request instead of killing the engine.
 */
export class EngineService {
  private readonly options: EngineServiceOptions;
  private storeInstance: Store | null = null;
  private active: Runner | null = null;
  /** What the last run's backend initialisation reported (the manifest records the device). */
  private backendInUse: { active: string; details?: string } | null = null;
  /**
   * Every event of the run this service drives also reaches that run's TensorBoard file (one writer per file: a
   * decision made from another process is in the file the next time it is rebuilt); a write that fails is a
   * warning, never the run's failure.
   */
  private readonly tensorboard = new TensorBoardLog({
    store: () => this.store,
    warn: (runId, message) => this.options.emit('run.log', { runId, level: 'warn', message }),
  });
  /** And its manifest (config, seed, backend, versions, hashes; the results when it ends), the same way. */
  private readonly manifests = new ManifestLog({
    store: () => this.store,
    backend: () => this.backendInUse,
    warn: (runId, message) => this.options.emit('run.log', { runId, level: 'warn', message }),
  });
  private readonly emit: Emit = (name, payload) => {
    if (this.active && (payload as { runId?: unknown }).runId === this.active.runId) {
      this.tensorboard.observe(name, payload);
      this.manifests.observe(name, payload);
    }
    this.options.emit(name, payload);
  };

  /** Games people play against checkpoints (the Play page); open games live in memory, finished ones in the store. */
  private readonly table = new PlayTable(() => this.store);

  constructor(options: EngineServiceOptions) {
    this.options = options;
  }

  get store(): Store {
    this.storeInstance ??= Store.open(this.options.workspace);
    return this.storeInstance;
  }

  /** The runner of the active run, if any. */
  get activeRunner(): Runner | null {
    return this.active;
  }

  async handle(name: string, input: unknown): Promise<unknown> {
    if (!isRequestName(name)) {
      throw new CodedError('invalid_request', `Unknown request "${name}". Known requests: ${Object.keys(requests).join(', ')}.`, [
        { path: 'name', message: 'must be a request name of the contract' },
      ]);
    }
    if (isHostRequest(name)) {
      throw new CodedError('invalid_request', `${name} is handled by the host that runs the engine, not by the engine itself.`);
    }
    return this.dispatch(name, input);
  }

  /** Parses the input once, hands it to the request's handler, and checks the answer against the contract. */
  private async dispatch<N extends EngineRequestName>(name: N, input: unknown): Promise<RequestOutput<N>> {
    const schemas: EngineRequests[N] = engineRequests[name];
    const parsed = parseInput(schemas.input, input ?? {}, `The input of ${name}`);
    const handler: EngineHandlers[N] = this.handlers[name];
    const output = await handler(parsed);
    // Outputs are checked against the contract too, so a bug here surfaces as a clear error, not a broken screen.
    const checked = schemas.output.safeParse(output);
    if (!checked.success) {
      const where = checked.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      throw new CodedError('internal', `The engine's answer to ${name} does not match the contract (${where}).`);
    }
    return output;
  }

  /** One handler per engine request of the contract, each typed by it: a request without one does not compile. */
  private readonly handlers: EngineHandlers = {
    'presets.list': () => presets,
    'config.validate': ({ config }) => ({ config: parseOrThrow(RunConfig, config, 'invalid_config', 'The run config') }),
    'runs.start': (input) => this.begin(input),
    'runs.list': () => this.store.listRuns(),
    'runs.get': ({ runId }) => {
      const detail = this.store.runDetail(runId);
      return { ...detail, workers: runWorkers(detail.config, detail.backend) };
    },
    'runs.metrics': ({ runId, sinceIteration }) => this.store.metricSeries(runId, sinceIteration),
    'runs.trajectories': (query) => this.store.trajectories(query),
    'runs.pause': ({ runId }) => ({ status: this.control(runId, (r) => r.pause()) }),
    'runs.stop': ({ runId }) => ({ status: this.control(runId, (r) => r.stop()) }),
    'runs.resume': ({ runId }) => ({ status: this.resume(runId) }),
    'runs.delete': ({ runId }) => {
      this.store.requireRun(runId);
      if (this.active?.runId === runId) throw new CodedError('run_busy', `Run ${runId} is active; stop it before deleting it.`);
      return { deleted: this.store.deleteRun(runId) };
    },
    'runs.export': ({ runId, format }) => exportRunFile(this.store, runId, format),
    'proposals.list': ({ runId, status, limit }) =>
      this.store.oversight.listProposals({ ...(runId ? { runId } : {}), ...(status ? { status } : {}), limit }).map(publicProposal),
    'proposals.get': ({ id }) => publicProposal(this.store.oversight.requireProposal(id)),
    'proposals.decide': (input) => decide(this.store, this.active, this.emit, input),
    'policy.get': ({ runId }) => {
      if (runId) this.store.requireRun(runId);
      return runId ? this.store.oversight.runPolicy(runId) : this.store.oversight.workspacePolicy();
    },
    'policy.set': ({ runId, policy }) => {
      if (runId) this.store.requireRun(runId);
      const resolved = resolvePolicy(policy);
      this.store.oversight.setPolicy(runId ?? null, resolved, personActor(undefined));
      if (runId && this.active?.runId === runId) this.active.poke();
      return resolved;
    },
    'audit.list': ({ runId }) => auditList(this.store, runId),
    'audit.export': ({ runId, format }) => exportAudit(this.store, runId, format),
    'oversight.state': ({ runId }) => oversightState(this.store, runId),
    'ratings.list': ({ runId }) => {
      if (runId) this.store.requireRun(runId);
      return { waiting: this.store.ratings.waiting(runId), counts: this.store.ratings.counts() };
    },
    'ratings.choose': (input) => chooseRating(this.store, this.active, this.emit, input),
    'ratings.summary': ({ runId }) => {
      this.store.requireRun(runId);
      return { iterations: this.store.ratings.summary(runId) };
    },
    'trajectories.pair': ({ runId, iteration, pair }) => {
      this.store.requireRun(runId);
      const found = this.store.samples.pair(runId, iteration, pair);
      if (!found)
        throw new CodedError('invalid_request', `Iteration ${iteration} of run ${runId} has no training pair ${pair}.`, [
          { path: 'pair', message: 'a pair index a trajectory of that iteration names' },
        ]);
      return found;
    },
    'archive.get': ({ runId }) => archiveGet(this.store, runId),
    'play.runs': () => this.table.runs(),
    'play.start': (input) => this.table.start(input),
    'play.move': ({ gameId, action }) => this.table.move(gameId, action),
    'play.results': ({ runId }) => {
      this.store.requireRun(runId);
      return { records: this.store.play.records(runId), recent: this.store.play.recent(runId) };
    },
    'system.info': async () => {
      const backend = await (this.options.backendReport ?? defaultBackendReport)();
      const versions: Record<string, string> = { node: process.versions.node, v8: process.versions.v8 };
      if (process.versions.electron) versions.electron = process.versions.electron;
      const cores = os.availableParallelism();
      const auto = resolveWorkers(AUTO_WORKERS, backend.active, cores);
      return { backend, workspace: this.store.workspace, versions, workers: { cores, auto, poolBackends: [...POOL_BACKENDS] } };
    },
  };

  private assertIdle(): void {
    if (this.active) {
      throw new CodedError('run_busy', `Run ${this.active.runId} is ${this.active.status}; one run at a time. Stop it or wait for it to finish.`);
    }
  }

  private launch(runId: string, config: RunConfig, resume: boolean): Runner {
    const runner = new Runner({
      store: this.store,
      runId,
      config,
      emit: this.emit,
      resume,
      createSession: this.options.createSession,
      initBackend: async (requested) => {
        this.backendInUse = await (this.options.initBackend ?? defaultBackendInit)(requested);
        return this.backendInUse;
      },
    });
    this.active = runner;
    void runner.start().finally(() => {
      this.tensorboard.forget(runId);
      if (this.active === runner) this.active = null;
    });
    return runner;
  }

  /** Starts a run in the background and returns its id; warnings about its data go out as run.log events. */
  start(request: StartRequest): string {
    return this.begin(request).runId;
  }

  /**
   * Starts a run: every check that can fail without training (config, data, context, memory, branch source)
   * runs before the run row exists, so a refused start leaves no failed run in the list.
   */
  private begin(request: StartRequest): { runId: string; warnings: string[] } {
    const config = resolveRunConfig(request);
    this.assertIdle();
    const replay = config.rater.kind === 'person' ? config.rater.replayChoicesFrom : undefined;
    if (replay && !this.store.listRuns().some((r) => r.id === replay))
      throw new CodedError('invalid_config', `rater.replayChoicesFrom names run ${replay}, which this workspace does not have.`, [
        { path: 'rater.replayChoicesFrom', message: 'the id of an earlier person-rated run of this workspace' },
      ]);
    // A branch names its source node: checked now, so a wrong id is an error here rather than a failed run.
    if (config.startFrom) branchSource(this.store, config.startFrom, config);
    const { warnings } = preflight(config);
    const run = this.store.createRun(config);
    for (const message of warnings) this.options.emit('run.log', { runId: run.id, level: 'warn', message });
    // The run's approval policy is set by the person who starts it (or the preset's, when they give none), before
    // the engine sees the run.
    const policy = request.policy ?? (request.preset !== undefined ? findPreset(request.preset)?.policy : null) ?? undefined;
    if (policy !== undefined) this.store.oversight.setPolicy(run.id, resolvePolicy(policy), personActor(undefined));
    this.launch(run.id, config, false);
    return { runId: run.id, warnings };
  }

  private control(runId: string, action: (runner: Runner) => RunStatus): RunStatus {
    const run = this.store.requireRun(runId);
    return this.active?.runId === runId ? action(this.active) : run.status;
  }

  /** Un-pauses the active run, or continues a stopped/interrupted/failed run from its last checkpoint. */
  resume(runId: string): RunStatus {
    const run = this.store.requireRun(runId);
    if (this.active?.runId === runId) return this.active.resume();
    if (!canContinueFromCheckpoint(run.status)) return run.status;
    this.assertIdle();
    return this.launch(runId, this.store.runConfig(runId), true).status;
  }

  /** Resolves with the final status of a run (at once when it is not active). */
  async waitForRun(runId: string): Promise<RunStatus> {
    const status = this.active?.runId === runId ? await this.active.done : this.store.requireRun(runId).status;
    await this.manifests.flush();
    return status;
  }

  /** Stops the active run, waits for it, closes the workspace. */
  async close(): Promise<void> {
    const runner = this.active;
    if (runner) {
      runner.stop();
      await runner.done;
    }
    await this.manifests.flush();
    this.storeInstance?.close();
    this.storeInstance = null;
  }
}

type StartRequest = Parameters<typeof resolveRunConfig>[0] & { policy?: PolicyPresetName | ApprovalPolicy };
