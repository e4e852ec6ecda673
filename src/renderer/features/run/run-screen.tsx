import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { BusyNotice } from '../../components/busy-notice';
import { ErrorBox } from '../../components/error-box';
import { StatusBadge } from '../../components/status-badge';
import { formatNumber } from '../../lib/format';
import { ChartsPanel } from './charts-panel';
import { LearningRateTrace } from './lr-trace';
import { OffSwitch } from './off-switch';
import { OversightPanel } from './oversight-panel';
import { oversightActions, oversightStore } from './oversight-store';
import { ConfigPanel, IterationTimeline, MemoryPanel, PhaseProgress, PhaseTimings } from './run-panels';
import { WarmupPanel } from './warmup-panel';
import './run.css';
import { bestScoreLabel, metricDefinition } from '../../../shared/metric-definitions';
import { EVAL_SUCCESS_RATE, SCORE_METRIC } from '../../../shared/metrics';
import { isPlayable } from '../../../shared/play';
import {
  runActions,
  runStore,
  selectCanKill,
  selectCanPause,
  selectCanResume,
  selectCanStop,
  selectHasWarmup,
  selectMemory,
  selectShown,
  selectTimeMetrics,
  selectWarmupEtaS,
  type LatencySample,
} from './run-store';

declare global {
  interface Window {
    /** Click-to-screen latency of each off-switch action, read by the end-to-end suite. */
    __evolabOffSwitchLatency?: LatencySample[];
  }
}

export function RunScreen({ runId }: { runId: string }) {
  const s = useStore(runStore);
  const oversight = useStore(oversightStore, (o) => (o.runId === runId ? o.state : null));
  const [smoothing, setSmoothing] = useState(0);
  const [logScale, setLogScale] = useState(false);
  const shown = selectShown(s);
  const shownRef = useRef(shown);
  shownRef.current = shown;

  useEffect(() => {
    void runActions.open(runId);
    void oversightActions.open(runId);
  }, [runId]);

  // Runs on commit, i.e. after the new status is on screen.
  useEffect(() => {
    const sample = runActions.statusShown(shown, performance.now());
    if (sample) window.__evolabOffSwitchLatency = [...(window.__evolabOffSwitchLatency ?? []), sample];
  }, [shown]);

  if (s.error)
    return (
      <ErrorBox
        title="This run could not be loaded."
        message={s.error}
        hint="Check that the run still exists on the Runs screen; if the engine was killed, it restarts on the next request."
      />
    );
  const d = s.detail;
  const pendingLabel = s.pending ? { pause: 'Pausing', resume: 'Resuming', stop: 'Stopping', kill: 'Killing engine' }[s.pending.action] : null;
  const metricsAt = (iteration: number): string =>
    s.names
      .flatMap((n) => {
        const b = s.buffers.get(n);
        if (!b) return [];
        for (let i = b.length - 1; i >= 0; i--) if (b.x[i] === iteration) return [`${n}: ${formatNumber(b.y[i])}`];
        return [];
      })
      .slice(0, 12)
      .join('\n');
  const hasWarmup = selectHasWarmup(s);
  const atIteration = (iteration: number): Record<string, number> | null => {
    const out: Record<string, number> = {};
    for (const [name, b] of s.buffers) for (let i = 0; i < b.length && b.x[i] <= iteration; i++) if (b.x[i] === iteration) out[name] = b.y[i];
    return Object.keys(out).length > 0 ? out : null;
  };
  const best = bestScoreLabel(s.names.length > 0 ? s.names : [d?.config.policy.kind === 'mlp' ? EVAL_SUCCESS_RATE : SCORE_METRIC]);
  const act = (action: 'pause' | 'resume' | 'stop' | 'kill') => () => void runActions.act(action, shownRef.current);

  return (
    <div className="run-screen">
      <header className="run-head sticky">
        <div>
          <h1>{d?.name ?? runId}</h1>
          <div className="muted small">
            {d ? `${d.recipe} · preset ${d.preset ?? '—'} · seed ${d.seed} · backend ${d.backend}` : s.loading ? 'Loading…' : ''}
            {d?.workers !== undefined && (
              <>
                {' · '}
                <span
                  data-testid="run-workers"
                  title="Worker threads that share this run's training and sampling (the workers field resolved on its backend); 1 runs in the engine process. A run replays from its seed with the same count."
                >
                  {d.workers === 1 ? '1 worker' : `${d.workers} workers`}
                </span>
              </>
            )}
            {' · '}
            <a href={`#/runs/${encodeURIComponent(runId)}/trajectories`} data-testid="open-trajectories">
              Trajectories
            </a>
            {' · '}
            <span className="run-exports" title="Save the run's config, status and metrics per iteration (as `evolab export` writes them)">
              Export
              <button
                type="button"
                className="link"
                disabled={s.exporting !== null}
                onClick={() => void runActions.exportRun('json')}
                data-testid="export-json"
              >
                {s.exporting === 'json' ? 'JSON…' : 'JSON'}
              </button>
              <button type="button" className="link" disabled={s.exporting !== null} onClick={() => void runActions.exportRun('csv')} data-testid="export-csv">
                {s.exporting === 'csv' ? 'CSV…' : 'CSV'}
              </button>
            </span>
            {d?.config.archive.enabled && (
              <>
                {' · '}
                <a href={`#/runs/${encodeURIComponent(runId)}/lineage`} data-testid="open-lineage">
                  Lineage
                </a>
              </>
            )}
            {d?.config.task.kind === 'game' && d.config.policy.kind === 'mlp' && d.config.task.games.some(isPlayable) && (
              <>
                {' · '}
                <a href={`#/play/${encodeURIComponent(runId)}`} data-testid="open-play" title="Play TicTacToe or Kuhn Poker against a checkpoint of this run">
                  Play against it
                </a>
              </>
            )}
          </div>
        </div>
        <div className="run-status">
          <StatusBadge status={shown} testId="run-status" />
          {s.statusReason && <span className="muted small">{s.statusReason}</span>}
          <span
            className="muted small"
            data-testid="run-best"
            title={`The highest ${best.name} of any iteration so far: ${metricDefinition(best.name)?.definition ?? ''}`}
          >
            best {best.label}: <strong>{formatNumber(d?.bestScore ?? null)}</strong>
          </span>
        </div>
        <OffSwitch
          canPause={selectCanPause(s)}
          canResume={selectCanResume(s)}
          canStop={selectCanStop(s)}
          canKill={selectCanKill(s)}
          busy={pendingLabel}
          onPause={act('pause')}
          onResume={act('resume')}
          onStop={act('stop')}
          onKill={act('kill')}
        />
        <div className="run-progress">{s.status === 'running' || s.status === 'stopping' ? <PhaseProgress progress={s.progress} /> : null}</div>
      </header>
      {s.busy && (
        <BusyNotice
          what="Not resumed"
          blocking={s.busy.blocking}
          message={s.busy.message}
          stopping={s.busy.stopping}
          onStop={() => void runActions.stopBlocking()}
          onDismiss={runActions.dismissBusy}
        />
      )}
      <ErrorBox title="The run was not exported." message={s.exportError} hint="The run may have been deleted; reload the Runs screen." />
      <ErrorBox
        title="The off switch did not go through."
        message={s.actionError}
        hint="The Kill engine button always works: it ends the engine process from outside."
      />
      {s.status === 'waiting' &&
        (d?.config.rater.kind === 'person' ? (
          // A person-rated run waits for choices on its pairs, not for a decision on a proposal.
          <div className="banner waiting" role="status" data-testid="waiting-banner">
            This run is waiting for you to rate its pairs. <a href={`#/rate?run=${encodeURIComponent(runId)}`}>Open the Rate page</a>
          </div>
        ) : (
          <div className="banner waiting" role="status" data-testid="waiting-banner">
            This run is waiting for your decision: {oversight ? `${oversight.pending} proposal${oversight.pending === 1 ? '' : 's'} pending. ` : ''}
            <a href={`#/approvals?run=${encodeURIComponent(runId)}`}>Open the approvals inbox</a>
          </div>
        ))}
      {d?.error && <ErrorBox title="The run failed." message={d.error} hint="Fix the cause named above, then Resume continues from the last checkpoint." />}
      <LearningRateTrace buffers={s.buffers} version={s.version} />
      <div className="run-body">
        <ChartsPanel
          names={s.names}
          buffers={s.buffers}
          version={s.version}
          smoothing={smoothing}
          logScale={logScale}
          onSmoothing={setSmoothing}
          onLogScale={setLogScale}
          fromIteration={hasWarmup ? 1 : 0}
          baselineLabel={d?.config.startFrom ? 'at the branch point' : 'after warm-up'}
        >
          {hasWarmup && !d?.config.startFrom && (
            <WarmupPanel
              track={s.warmup}
              etaS={selectWarmupEtaS(s)}
              result={s.iterations.includes(0) ? atIteration(0) : null}
              version={s.version}
              logScale={logScale}
            />
          )}
        </ChartsPanel>
        <aside className="run-side">
          {oversight?.enabled && <OversightPanel runId={runId} state={oversight} />}
          <IterationTimeline total={d?.iterationsTotal ?? 0} done={s.iterations} current={s.progress?.iteration ?? null} metricsAt={metricsAt} />
          <PhaseTimings timings={s.phaseTimings} reported={selectTimeMetrics(s)} />
          <MemoryPanel memory={selectMemory(s)} />
          <ConfigPanel config={d?.config ?? null} />
        </aside>
      </div>
    </div>
  );
}
