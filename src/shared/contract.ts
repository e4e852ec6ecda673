import { z } from 'zod';
import { ArchiveNode, ArchiveView } from './archive';
import { RunConfig } from './config';
import { CodedErrorShape, fieldIssues } from './errors';
import { Genome } from './genome';
import { ApprovalPolicy, AuditEntry, AuditVerification, DecisionInput, PolicyPresetName, Proposal, ProposalStatus, ProposerEstimate } from './oversight';
import { PairChoice, RatingChoiceInput, RatingCount, RatingIteration, RatingPair } from './ratings';
import { playRequests } from './play';
import { BackendReport, MetricSeries, Metrics, PresetInfo, ProgressPhase, RunDetail, RunStatus, RunSummary, Trajectory, TrajectoryFilter } from './run';

/**
 * The one map of request names (resource.verb) to input and output schemas, and of event names
 * (noun.past-ish) to payloads. Engine, host, main, preload and renderer all derive from it.
 */
const RunRef = z.object({ runId: z.string().min(1) });

export const requests = {
  'presets.list': { input: z.object({}), output: z.array(PresetInfo) },
  'config.validate': {
    input: z.object({ config: z.unknown() }),
    output: z.object({ config: RunConfig }),
  },
  'runs.start': {
    input: z.object({
      preset: z.string().optional().describe('Start from this preset; fields of `config` override it.'),
      config: z.unknown().optional(),
      seed: z.number().int().min(0).optional(),
      backend: z.string().optional(),
      policy: z
        .union([PolicyPresetName, ApprovalPolicy])
        .optional()
        .describe('The approval policy of the run: a preset name or a whole policy (default: the workspace policy).'),
    }),
    output: z.object({
      runId: z.string(),
      warnings: z.array(z.string()).optional().describe('What is weak about the data (e.g. a tiny held-out set) but did not stop the run.'),
    }),
  },
  'runs.list': { input: z.object({}), output: z.array(RunSummary) },
  'runs.get': { input: RunRef, output: RunDetail },
  'runs.metrics': {
    input: RunRef.extend({ sinceIteration: z.number().int().optional() }),
    output: MetricSeries,
  },
  'runs.trajectories': {
    input: RunRef.extend({
      iteration: z.number().int().optional(),
      filter: TrajectoryFilter.default('all'),
      kept: z.boolean().optional().describe('Only samples the recipe kept (true) or rejected (false); combines with `correct`.'),
      correct: z.boolean().optional().describe('Only samples the verifier called correct (true) or incorrect (false).'),
      search: z.string().optional().describe("Substring of the prompt or output, in the model's notation or in human notation (arithmetic: plain digits)."),
      limit: z.number().int().min(1).max(1000).default(100),
      offset: z.number().int().min(0).default(0),
    }),
    output: z.object({ total: z.number().int(), items: z.array(Trajectory), iterations: z.array(z.number().int()) }),
  },
  'runs.pause': { input: RunRef, output: z.object({ status: RunStatus }) },
  'runs.resume': {
    input: RunRef,
    output: z.object({ status: RunStatus }).describe('Un-pauses a paused run, or continues an interrupted/stopped run from its last checkpoint.'),
  },
  'runs.stop': { input: RunRef, output: z.object({ status: RunStatus }) },
  'runs.delete': { input: RunRef, output: z.object({ deleted: z.boolean() }) },
  'runs.export': {
    input: RunRef.extend({
      format: z.enum(['json', 'csv']).describe('json: config, status and metrics per iteration (as `evolab export`); csv: one row per iteration.'),
    }),
    output: z.object({ fileName: z.string(), mediaType: z.string(), content: z.string() }),
  },
  'proposals.list': {
    input: z.object({
      runId: z.string().optional(),
      status: z.union([ProposalStatus, z.literal('decided')]).optional(),
      limit: z.number().int().min(1).max(1000).default(200),
    }),
    output: z.array(Proposal),
  },
  'proposals.get': { input: z.object({ id: z.string().min(1) }), output: Proposal },
  'proposals.decide': {
    input: DecisionInput,
    output: Proposal.describe('The proposal after the decision (edit: with the new values and their re-run evidence).'),
  },
  'policy.get': {
    input: z.object({ runId: z.string().optional().describe("A run's policy; without it, the workspace default for new runs.") }),
    output: ApprovalPolicy,
  },
  'policy.set': {
    input: z.object({ runId: z.string().optional(), policy: z.union([PolicyPresetName, ApprovalPolicy]) }),
    output: ApprovalPolicy,
  },
  'audit.list': {
    input: RunRef,
    output: z.object({ entries: z.array(AuditEntry), verification: AuditVerification }),
  },
  'audit.export': {
    input: RunRef.extend({ format: z.enum(['json', 'md']) }),
    output: z.object({ fileName: z.string(), mediaType: z.string(), content: z.string() }),
  },
  'oversight.state': {
    input: RunRef,
    output: z.object({
      enabled: z.boolean(),
      genome: Genome.nullable(),
      estimates: z.array(ProposerEstimate),
      pending: z.number().int(),
      policy: ApprovalPolicy,
    }),
  },
  'ratings.list': {
    input: z.object({ runId: z.string().optional().describe("Only this run's pairs.") }),
    output: z.object({
      waiting: z.array(RatingPair).describe('Pairs waiting for a person, oldest first (at most 200).'),
      counts: z.array(RatingCount).describe('Pairs waiting per run.'),
    }),
  },
  'ratings.choose': {
    input: RatingChoiceInput,
    output: RatingPair.describe('The pair with its choice; refused when it is not waiting (already rated, or expired), naming why.'),
  },
  'ratings.summary': {
    input: RunRef,
    output: z.object({ iterations: z.array(RatingIteration).describe('Per iteration that asked a person, in order.') }),
  },
  'trajectories.pair': {
    input: RunRef.extend({ iteration: z.number().int().min(0), pair: z.number().int().min(0) }),
    output: z.object({ chosen: Trajectory, rejected: Trajectory }).describe("Both sides of one training pair of a DPO-family run's iteration."),
  },
  'archive.get': {
    input: RunRef,
    output: ArchiveView.describe('The archive of an open-ended run (config.archive.enabled); an error for other runs.'),
  },
  'engine.kill': {
    input: z.object({}),
    output: z.object({ killed: z.boolean() }).describe('Handled by the host, never the engine: terminates the engine process.'),
  },
  'files.pickTask': {
    // Strict: the page asks for the dialog, it cannot suggest a path (what a page names must never become allowed).
    input: z.strictObject({}),
    output: z
      .object({ path: z.string().nullable().describe('The real path of the chosen file, now allowed as a task file; null when the person cancelled.') })
      .describe(
        'Handled by the desktop app, never the engine: opens the native open-file dialog so the person can choose a .jsonl task file ' +
          'outside the workspace. Only a file picked there becomes readable by runs; `evolab serve` refuses it with `unsupported`.',
      ),
  },
  ...playRequests,
  'system.info': {
    input: z.object({}),
    output: z.object({
      backend: BackendReport,
      workspace: z.string(),
      versions: z.record(z.string(), z.string()),
      workers: z
        .object({
          cores: z.number().int().min(1).describe('Cores this machine offers (os.availableParallelism()).'),
          auto: z.number().int().min(1).describe('Workers a run with workers 0 ("auto") gets here on the backend in use.'),
          poolBackends: z.array(z.string()).describe('Backends a pool worker can run; on any other a run uses 1 worker.'),
        })
        .describe("What a run's workers field gives on this machine."),
    }),
  },
} as const;

export type RequestName = keyof typeof requests;
/** What a caller sends (defaults may be left out). */
export type RequestInput<N extends RequestName> = z.input<(typeof requests)[N]['input']>;
/** What a handler gets: the input after the contract's schema parsed it (defaults filled in). */
export type ParsedRequestInput<N extends RequestName> = z.output<(typeof requests)[N]['input']>;
export type RequestOutput<N extends RequestName> = z.infer<(typeof requests)[N]['output']>;

/**
 * Requests the process that runs the engine answers itself, never the engine: `engine.kill` (the host terminates
 * the engine) and `files.pickTask` (the desktop app's native dialog).
 */
export const HOST_REQUESTS = ['engine.kill', 'files.pickTask'] as const satisfies readonly RequestName[];
export type HostRequestName = (typeof HOST_REQUESTS)[number];
/** Every request the engine itself answers. */
export type EngineRequestName = Exclude<RequestName, HostRequestName>;

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.hasOwn(requests, name);
}

export function isHostRequest(name: RequestName): name is HostRequestName {
  return (HOST_REQUESTS as readonly RequestName[]).includes(name);
}

export const events = {
  'run.status': z.object({ runId: z.string(), status: RunStatus, reason: z.string().optional() }),
  'run.iteration': z.object({ runId: z.string(), iteration: z.number().int(), metrics: Metrics }),
  'run.progress': z.object({
    runId: z.string(),
    iteration: z.number().int(),
    phase: ProgressPhase,
    done: z.number(),
    total: z.number(),
    loss: z.number().optional().describe("The warm-up's running training loss (mean of its last steps), sent with warm-up progress."),
  }),
  'run.log': z.object({ runId: z.string().optional(), level: z.enum(['info', 'warn', 'error']), message: z.string() }),
  'proposal.created': Proposal,
  'proposal.decided': Proposal.describe('Any change of status: decided by a person or the gate, applied, superseded.'),
  'rating.requested': RatingCount.extend({ iteration: z.number().int() }).describe('A run stored pairs for a person to rate and waits.'),
  'rating.chosen': RatingCount.extend({ id: z.string(), choice: PairChoice }).describe('A person rated a pair (waiting: what is left of that run).'),
  'archive.node': ArchiveNode.describe('A node was added to an archive or changed (scored, evaluated, decided).'),
  'engine.status': z.object({
    state: z.enum(['starting', 'ready', 'crashed', 'killed', 'exited']),
    reason: z.string().optional(),
  }),
} as const;

export type EventName = keyof typeof events;
export type EventPayload<N extends EventName> = z.infer<(typeof events)[N]>;

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/**
 * An event as it arrives from another process, checked against its schema: the parsed payload, or why it is
 * dropped (an unknown name, or each invalid path of the payload). Every bridge to the page uses it.
 */
export function parseEvent(name: unknown, payload: unknown): { ok: true; name: EventName; payload: unknown } | { ok: false; reason: string } {
  if (!isEventName(name)) return { ok: false, reason: `${JSON.stringify(name)} is not an event of the contract` };
  const parsed = events[name].safeParse(payload);
  if (parsed.success) return { ok: true, name, payload: parsed.data };
  const where = fieldIssues(parsed.error)
    .slice(0, 5)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
  return { ok: false, reason: `the payload of "${name}" does not match the contract (${where})` };
}

/** Wire frames, the same on every transport (Electron ports, child_process IPC, WebSocket). */
export const Frame = z.union([
  z.object({ type: z.literal('request'), id: z.number().int(), name: z.string(), input: z.unknown() }),
  z.object({ type: z.literal('response'), id: z.number().int(), ok: z.literal(true), output: z.unknown() }),
  z.object({ type: z.literal('response'), id: z.number().int(), ok: z.literal(false), error: CodedErrorShape }),
  z.object({ type: z.literal('event'), name: z.string(), payload: z.unknown() }),
  // The engine's handshake: sent once its service exists and it listens for requests. Until then the host
  // reports the engine as 'starting' and holds requests back.
  z.object({ type: z.literal('ready') }),
]);
export type Frame = z.infer<typeof Frame>;

/**
 * What Electron main posts to the engine utility process together with one end of a MessageChannelMain (the
 * renderer gets the other end): from then on the engine streams its events on that port, past main.
 */
export const ENGINE_PORT_MESSAGE = { type: 'evolab:port' } as const;

export interface BridgeCapabilities {
  /** The host can show a native open-file dialog (`files.pickTask`): the desktop app, not a browser page. */
  pickFiles: boolean;
}

/** What the renderer (and any client) talks to: the preload bridge in Electron, a WebSocket under `evolab serve`. */
export interface Bridge {
  /** What this host can do beyond the requests every host answers; absent means none of it. */
  readonly capabilities?: BridgeCapabilities;
  request<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestOutput<N>>;
  subscribe<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
}
