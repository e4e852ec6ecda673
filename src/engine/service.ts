import { RunConfig } from '../shared/config';
import { requests, type RequestName, type RequestOutput } from '../shared/contract';
import { CodedError, parseOrThrow } from '../shared/errors';
import { findPreset, presets } from '../shared/presets';
import type { BackendReport, RunStatus } from '../shared/run';
import type { ApprovalPolicy, DecisionInput, PolicyPresetName, ProposalStatus } from '../shared/oversight';
import { archiveGet } from './evolution/requests';
import { branchSource } from './evolution/branch';
import { auditList, decide, exportAudit, oversightState, personActor, resolvePolicy } from './oversight/requests';
import { publicProposal } from './oversight/round';
import { preflight } from './preflight';
import { resolveRunConfig } from './run-setup';
import { Runner, type BackendInit, type Emit, type SessionFactory } from './runner';
import { Store } from './store/store';

export interface EngineServiceOptions {
  workspace: string;
  emit: Emit;
  /** Seams for tests; the real session and backend by default. */
  createSession?: SessionFactory;
  initBackend?: BackendInit;
  backendReport?: () => Promise<BackendReport>;
}

const RESUMABLE: RunStatus[] = ['stopped', 'interrupted', 'failed', 'running', 'paused', 'waiting', 'stopping'];

async function defaultBackendReport(): Promise<BackendReport> {
  const tf = await import('./tf');
  return tf.backendReport() ?? (await tf.initBackend('auto'));
}

function isRequestName(name: string): name is RequestName {
  return Object.prototype.hasOwnProperty.call(requests, name);
}

/**
 * Every engine request of the contract, behind one `handle`. Inputs are parsed at this boundary; errors are
 * CodedErrors. One run is active at a time; the workspace opens on first use, so an unwritable folder is
 * reported per request instead of killing the engine.
 */
export class EngineService {
  private readonly options: EngineServiceOptions;
  private storeInstance: Store | null = null;
  private active: Runner | null = null;

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
    if (name === 'engine.kill' || name === 'files.pickTask') {
      throw new CodedError('invalid_request', `${name} is handled by the host that runs the engine, not by the engine itself.`);
    }
    const parsed = parseOrThrow(requests[name].input, input ?? {}, 'invalid_request', `The input of ${name}`);
    const output = await this.dispatch(name, parsed);
    // Outputs are checked against the contract too, so a bug here surfaces as a clear error, not a broken screen.
    const checked = requests[name].output.safeParse(output);
    if (!checked.success) {
      const where = checked.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new CodedError('internal', `The engine's answer to ${name} does not match the contract (${where}).`);
    }
    return output;
  }

  private async dispatch(name: RequestName, input: unknown): Promise<unknown> {
    switch (name) {
      case 'presets.list':
        return presets satisfies RequestOutput<'presets.list'>;
      case 'config.validate': {
        const { config } = input as { config: unknown };
        return { config: parseOrThrow(RunConfig, config, 'invalid_config', 'The run config') } satisfies RequestOutput<'config.validate'>;
      }
      case 'runs.start':
        return this.begin(input as Parameters<typeof resolveRunConfig>[0]) satisfies RequestOutput<'runs.start'>;
      case 'runs.list':
        return this.store.listRuns() satisfies RequestOutput<'runs.list'>;
      case 'runs.get':
        return this.store.runDetail(runIdOf(input)) satisfies RequestOutput<'runs.get'>;
      case 'runs.metrics': {
        const { runId, sinceIteration } = input as { runId: string; sinceIteration?: number };
        return this.store.metricSeries(runId, sinceIteration) satisfies RequestOutput<'runs.metrics'>;
      }
      case 'runs.trajectories':
        return this.store.trajectories(input as Parameters<Store['trajectories']>[0]) satisfies RequestOutput<'runs.trajectories'>;
      case 'runs.pause':
        return { status: this.control(runIdOf(input), (r) => r.pause()) } satisfies RequestOutput<'runs.pause'>;
      case 'runs.stop':
        return { status: this.control(runIdOf(input), (r) => r.stop()) } satisfies RequestOutput<'runs.stop'>;
      case 'runs.resume':
        return { status: this.resume(runIdOf(input)) } satisfies RequestOutput<'runs.resume'>;
      case 'runs.delete': {
        const runId = runIdOf(input);
        this.store.requireRun(runId);
        if (this.active?.runId === runId) throw new CodedError('run_busy', `Run ${runId} is active; stop it before deleting it.`);
        return { deleted: this.store.deleteRun(runId) } satisfies RequestOutput<'runs.delete'>;
      }
      case 'proposals.list': {
        const { runId, status, limit } = input as { runId?: string; status?: ProposalStatus | 'decided'; limit: number };
        return this.store.oversight.listProposals({ ...(runId ? { runId } : {}), ...(status ? { status } : {}), limit }).map(publicProposal) satisfies RequestOutput<'proposals.list'>;
      }
      case 'proposals.get':
        return publicProposal(this.store.oversight.requireProposal((input as { id: string }).id)) satisfies RequestOutput<'proposals.get'>;
      case 'proposals.decide':
        return (await decide(this.store, this.active, this.options.emit, input as DecisionInput)) satisfies RequestOutput<'proposals.decide'>;
      case 'policy.get': {
        const { runId } = input as { runId?: string };
        if (runId) this.store.requireRun(runId);
        return (runId ? this.store.oversight.runPolicy(runId) : this.store.oversight.workspacePolicy()) satisfies RequestOutput<'policy.get'>;
      }
      case 'policy.set': {
        const { runId, policy } = input as { runId?: string; policy: PolicyPresetName | ApprovalPolicy };
        if (runId) this.store.requireRun(runId);
        const resolved = resolvePolicy(policy);
        this.store.oversight.setPolicy(runId ?? null, resolved, personActor(undefined));
        if (runId && this.active?.runId === runId) this.active.poke();
        return resolved satisfies RequestOutput<'policy.set'>;
      }
      case 'audit.list':
        return auditList(this.store, runIdOf(input)) satisfies RequestOutput<'audit.list'>;
      case 'audit.export': {
        const { runId, format } = input as { runId: string; format: 'json' | 'md' };
        return exportAudit(this.store, runId, format) satisfies RequestOutput<'audit.export'>;
      }
      case 'oversight.state':
        return oversightState(this.store, runIdOf(input)) satisfies RequestOutput<'oversight.state'>;
      case 'archive.get':
        return archiveGet(this.store, runIdOf(input)) satisfies RequestOutput<'archive.get'>;
      case 'system.info': {
        const backend = await (this.options.backendReport ?? defaultBackendReport)();
        const versions: Record<string, string> = { node: process.versions.node, v8: process.versions.v8 };
        if (process.versions.electron) versions.electron = process.versions.electron;
        return { backend, workspace: this.store.workspace, versions } satisfies RequestOutput<'system.info'>;
      }
      case 'engine.kill':
      case 'files.pickTask':
        throw new CodedError('invalid_request', `${name} is handled by the host.`);
    }
  }

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
      emit: this.options.emit,
      resume,
      createSession: this.options.createSession,
      initBackend: this.options.initBackend,
    });
    this.active = runner;
    void runner.start().finally(() => {
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
    if (!RESUMABLE.includes(run.status)) return run.status;
    this.assertIdle();
    return this.launch(runId, this.store.runConfig(runId), true).status;
  }

  /** Resolves with the final status of a run (at once when it is not active). */
  async waitForRun(runId: string): Promise<RunStatus> {
    if (this.active?.runId === runId) return this.active.done;
    return this.store.requireRun(runId).status;
  }

  /** Stops the active run, waits for it, closes the workspace. */
  async close(): Promise<void> {
    const runner = this.active;
    if (runner) {
      runner.stop();
      await runner.done;
    }
    this.storeInstance?.close();
    this.storeInstance = null;
  }
}

type StartRequest = Parameters<typeof resolveRunConfig>[0] & { policy?: PolicyPresetName | ApprovalPolicy };

function runIdOf(input: unknown): string {
  return (input as { runId: string }).runId;
}
