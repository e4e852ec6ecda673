/** The database's row shapes and their conversion to the contract's types. */
import { PairRole } from '../../shared/ratings';
import { EpisodeView, type RunStatus, type RunSummary, type Trajectory } from '../../shared/run';

export interface RunRow {
  id: string;
  name: string | null;
  preset: string | null;
  recipe: string;
  config: string;
  seed: number;
  backend: string;
  status: RunStatus;
  iterations_total: number;
  iterations_done: number;
  best_score: number | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

export interface TrajectoryRow {
  id: number;
  run_id: string;
  iteration: number;
  level: number | null;
  prompt: string;
  output: string;
  answer: string | null;
  reward: number;
  correct: number;
  kept: number;
  verdict: string;
  /** JSON of an EpisodeView; NULL for text samples and rows written before schema 6. */
  episode?: string | null;
  /** JSON of a PairRole: the sample's place in a DPO training pair; NULL otherwise and before schema 8. */
  pair?: string | null;
}

export function toSummary(row: RunRow): RunSummary {
  return {
    id: row.id,
    name: row.name,
    preset: row.preset,
    recipe: row.recipe,
    status: row.status,
    seed: row.seed,
    backend: row.backend,
    iterationsDone: row.iterations_done,
    iterationsTotal: row.iterations_total,
    bestScore: row.best_score,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    error: row.error,
    archive: archiveSummary(row.config),
  };
}

/** The archive part of a run's summary, read from its stored config. */
function archiveSummary(config: string): RunSummary['archive'] {
  try {
    const archive = (JSON.parse(config) as { archive?: { enabled?: boolean; strategy?: string; comparison?: string } }).archive;
    return archive?.enabled ? { strategy: archive.strategy ?? 'dgm', comparison: archive.comparison ?? null } : null;
  } catch {
    return null;
  }
}

export function toTrajectory(row: TrajectoryRow): Trajectory {
  return {
    id: row.id,
    runId: row.run_id,
    iteration: row.iteration,
    level: row.level,
    prompt: row.prompt,
    output: row.output,
    answer: row.answer,
    reward: row.reward,
    correct: row.correct === 1,
    kept: row.kept === 1,
    verdict: row.verdict,
    ...(row.episode ? { episode: parseEpisode(row.episode) } : {}),
    ...(row.pair ? { pair: parsePair(row.pair) } : {}),
  };
}

function parsePair(json: string): PairRole | undefined {
  const parsed = PairRole.safeParse(JSONparse(json));
  return parsed.success ? parsed.data : undefined;
}

function parseEpisode(json: string): EpisodeView | undefined {
  const parsed = EpisodeView.safeParse(JSONparse(json));
  return parsed.success ? parsed.data : undefined;
}

function JSONparse(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return null;
  }
}
