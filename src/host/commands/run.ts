import { CodedError } from '../../shared/errors';
import type { ApprovalPolicy, Proposal } from '../../shared/oversight';
import { isCompleted, type Metrics, type RunStatus } from '../../shared/run';
import { TASK_FAMILY } from '../../shared/families';
import type { Emit } from '../../engine/runner';
import { EngineService } from '../../engine/service';
import { canonicalJson } from '../../engine/store/oversight-store';
import { type Command, type CommandContext, intOption, readConfigFile, stringOption, workspaceHelp, workspaceOption, runIdArgument } from './common';
import { MonitorTable, progressBar } from './monitor-view';
import { onStopSignals, type StopSignalName } from './stop-signals';
import { type PolicyPreset, personActor, policyArgument, proposalLines, resolvePolicy, workspaceSuffix } from './oversight';

/**
 * Exit codes: 0 completed, 1 failed; a run stopped by a signal exits 128 + the signal's number, the shell's
 * convention (130 for Ctrl-C, 143 for SIGTERM).
 */
function exitCode(status: RunStatus, signal: StopSignalName | null): number {
  if (isCompleted(status)) return 0;
  if (status === 'stopped') return signal === 'SIGTERM' ? 143 : 130;
  return 1;
}

/**
 * Runs the engine in this process and follows one run to its end: table rows or JSON lines per iteration,
 * a progress bar on stderr, and Ctrl-C as the off switch (once: stop, keeping the last checkpoint; twice: exit now).
 */
async function follow(ctx: CommandContext, json: boolean, begin: (service: EngineService) => string): Promise<number> {
  const view = new MonitorTable();
  let barVisible = false;
  const clearBar = () => {
    if (barVisible) ctx.err('\r\u001b[K');
    barVisible = false;
  };
  let followed: string | null = null;
  // Errors the engine has logged already; a failed run's final line does not repeat them.
  const logged = new Set<string>();
  const emit: Emit = (name, payload) => {
    if (name === 'run.iteration') {
      const p = payload as { runId: string; iteration: number; metrics: Metrics };
      if (p.runId !== followed) return;
      clearBar();
      if (json) ctx.out(JSON.stringify({ event: 'iteration', iteration: p.iteration, metrics: p.metrics }));
      else for (const line of view.row(p.iteration, p.metrics)) ctx.out(line);
    } else if (name === 'proposal.created' || name === 'proposal.decided') {
      const p = payload as Proposal;
      if (p.runId !== followed) return;
      clearBar();
      if (json) ctx.out(JSON.stringify({ event: name === 'proposal.created' ? 'proposal' : 'decision', proposal: p }));
      else for (const line of proposalLines(name, p, workspaceSuffix(ctx))) ctx.out(line);
    } else if (name === 'rating.requested') {
      // A person-rated run waits for choices: made on the Rate page of `evolab serve` (or the app) on this workspace.
      const p = payload as { runId: string; iteration: number; waiting: number };
      if (p.runId !== followed) return;
      clearBar();
      if (json) ctx.out(JSON.stringify({ event: 'rating', iteration: p.iteration, waiting: p.waiting }));
      else ctx.err(`iteration ${p.iteration} waits for a person: ${p.waiting} pair(s) to rate on the Rate page (evolab serve${workspaceSuffix(ctx)})\n`);
    } else if (name === 'run.progress' && !json && ctx.tty) {
      const p = payload as { iteration: number; phase: string; done: number; total: number };
      ctx.err(progressBar(`iteration ${p.iteration} ${p.phase.padEnd(10)}`, p.done, p.total));
      barVisible = true;
    } else if (name === 'run.log') {
      const p = payload as { runId?: string; level: string; message: string };
      if (p.level !== 'info' || !json) {
        clearBar();
        ctx.err(`${p.level}: ${p.message}\n`);
        if (p.level === 'error' && (p.runId === undefined || p.runId === followed)) logged.add(p.message);
      }
    }
  };
  const service = new EngineService({ workspace: ctx.workspace, emit });
  let stoppedBy: StopSignalName | null = null;
  let detach = () => {};
  try {
    followed = begin(service);
    detach = onStopSignals(
      (signal) => {
        stoppedBy = signal;
        clearBar();
        ctx.err(`\nStopping at the next step boundary on ${signal} (the last checkpoint is kept). Send it again to exit at once.\n`);
        if (followed) void service.handle('runs.stop', { runId: followed }).catch(() => undefined);
      },
      () => ctx.err('\nExiting now; the run resumes from its last checkpoint with `evolab resume`.\n'),
    );
    if (!json) ctx.err(`Run ${followed} in ${service.store.workspace}\n`);
    const status = await service.waitForRun(followed);
    clearBar();
    const run = service.store.requireRun(followed);
    const metrics = service.store.lastMetrics(followed) ?? {};
    if (json) ctx.out(JSON.stringify({ event: 'done', runId: followed, status, metrics }));
    else {
      const best = run.bestScore === null ? '-' : run.bestScore.toFixed(3);
      const family = TASK_FAMILY[service.store.runDetail(followed).config.task.kind];
      const scoreName =
        family === 'episodic'
          ? 'best evaluation success rate'
          : family === 'class-stream'
            ? 'best validation accuracy'
            : 'best held-out accuracy on the hardest level';
      ctx.err(`Run ${followed} ${status} after iteration ${run.iterationsDone} of ${run.iterationsTotal}; ${scoreName}: ${best}.\n`);
      if (status === 'stopped') ctx.err(`Continue it with: evolab resume ${followed}\n`);
      if (status === 'failed' && !logged.has(run.error ?? '')) ctx.err(`error: ${run.error ?? 'unknown failure'}\n`);
    }
    return exitCode(status, stoppedBy);
  } finally {
    detach();
    await service.close();
  }
}

const POLICY_HELP = "  --policy P        approval policy of the run: default | auto | ask | FILE (JSON); default: the workspace's (`evolab policy`)";

function policyOption(ctx: CommandContext): PolicyPreset | ApprovalPolicy | undefined {
  const raw = stringOption(ctx.values, 'policy');
  return raw === undefined ? undefined : policyArgument(raw, '--policy');
}

/**
 * Makes sure the run's stored policy is the one asked for. An engine that takes `policy` in runs.start has
 * already stored it and this writes nothing; otherwise it is set here (and audited) before the first round.
 */
function ensureRunPolicy(service: EngineService, runId: string, policy: PolicyPreset | ApprovalPolicy): void {
  const wanted = resolvePolicy(policy);
  const oversight = service.store.oversight;
  if (canonicalJson(oversight.runPolicy(runId)) !== canonicalJson(wanted)) oversight.setPolicy(runId, wanted, personActor(undefined));
}

export const runCommand: Command = {
  name: 'run',
  positionals: 1,
  summary: 'run a preset or a config file to the end, in this terminal',
  usage: 'evolab run --preset NAME | --config FILE [--seed N] [--backend B] [--iterations N] [--policy P] [--json]',
  help: [
    '  --preset NAME     start from a preset (see `evolab presets`)',
    '  --config FILE     a JSON run config; with --preset, its fields override the preset',
    '  --seed N          random seed (same config + seed + backend = same metrics)',
    '  --backend B       auto | tensorflow-gpu | tensorflow | webgpu | wasm | cpu',
    '  --iterations N    self-improvement iterations after the warm-up',
    POLICY_HELP,
    '  --json            one JSON object per line on stdout instead of the table',
    workspaceHelp,
    '  Held proposals wait for `evolab decide <id> approve|reject` (from any terminal) or the app.',
    '  Ctrl-C once stops the run at the next step (resume it later); twice exits at once.',
  ],
  options: {
    ...workspaceOption,
    preset: { type: 'string' },
    config: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
    iterations: { type: 'string' },
    policy: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(ctx) {
    const file = stringOption(ctx.values, 'config') ?? ctx.positionals[0];
    const preset = stringOption(ctx.values, 'preset');
    if (!file && !preset) {
      throw new CodedError('invalid_request', 'Give --preset NAME or --config FILE. List presets with `evolab presets`.', [
        { path: 'preset', message: 'a preset or a config file is required' },
      ]);
    }
    const request = {
      preset,
      config: file ? readConfigFile(file) : undefined,
      seed: intOption(ctx.values, 'seed'),
      backend: stringOption(ctx.values, 'backend'),
      iterations: intOption(ctx.values, 'iterations', 1),
      policy: policyOption(ctx),
    };
    // service.start stores the run's policy (audited) before the engine sees the run.
    return follow(ctx, ctx.values.json === true, (service) => service.start(request));
  },
};

export const resumeCommand: Command = {
  name: 'resume',
  positionals: 1,
  summary: 'continue a stopped or interrupted run from its last checkpoint',
  usage: 'evolab resume <run-id> [--policy P] [--json]',
  help: [POLICY_HELP.replace('of the run', 'from now on'), '  --json            one JSON object per line on stdout instead of the table', workspaceHelp],
  options: { ...workspaceOption, policy: { type: 'string' }, json: { type: 'boolean' } },
  async run(ctx) {
    const runId = runIdArgument(ctx, 'resume');
    const policy = policyOption(ctx);
    return follow(ctx, ctx.values.json === true, (service) => {
      const status = service.resume(runId);
      if (status !== 'running') {
        throw new CodedError('invalid_request', `Run ${runId} is ${status}; only stopped, interrupted or failed runs can be resumed.`);
      }
      if (policy !== undefined) ensureRunPolicy(service, runId, policy);
      return runId;
    });
  },
};
