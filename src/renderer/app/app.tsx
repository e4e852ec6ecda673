import { useEffect } from 'react';
import { useStore } from 'zustand';
import { ApprovalsScreen } from '../features/approvals/approvals-screen';
import { approvalsActions, approvalsStore, selectPendingCount } from '../features/approvals/approvals-store';
import { AuditScreen } from '../features/audit/audit-screen';
import { ChartBench } from '../features/bench/chart-bench';
import { CompareScreen } from '../features/compare/compare-screen';
import { LineageScreen } from '../features/lineage/lineage-screen';
import { NewRunScreen } from '../features/new-run/new-run-screen';
import { OffswitchScreen } from '../features/offswitch/offswitch-screen';
import { RateScreen } from '../features/rate/rate-screen';
import { rateActions, rateStore, selectTotal } from '../features/rate/rate-store';
import { PlayScreen } from '../features/play/play-screen';
import { RunScreen } from '../features/run/run-screen';
import { RunsScreen } from '../features/runs/runs-screen';
import { SettingsScreen } from '../features/settings/settings-screen';
import { TrajectoriesScreen } from '../features/trajectories/trajectories-screen';
import { ErrorBoundary } from '../components/error-boundary';
import { connectionStore, selectBanner } from '../lib/connection-store';
import { parseRoute, useHash, type Route } from './router';

function Screen({ route }: { route: Route }) {
  switch (route.screen) {
    case 'runs':
      return <RunsScreen />;
    case 'new':
      return <NewRunScreen />;
    case 'run':
      return <RunScreen key={route.runId} runId={route.runId} />;
    case 'trajectories':
      return <TrajectoriesScreen runId={route.runId} />;
    case 'lineage':
      return <LineageScreen key={route.runId} runId={route.runId} />;
    case 'compare':
      return <CompareScreen group={route.group} runs={route.runs} />;
    case 'settings':
      return <SettingsScreen />;
    case 'approvals':
      return <ApprovalsScreen tab={route.tab} runId={route.runId} />;
    case 'audit':
      return <AuditScreen runId={route.runId} />;
    case 'offswitch':
      return <OffswitchScreen />;
    case 'rate':
      return <RateScreen runId={route.runId} />;
    case 'play':
      return <PlayScreen runId={route.runId} />;
    case 'bench':
      return <ChartBench points={route.points} charts={route.charts} seconds={route.seconds} />;
  }
}

export function App() {
  const route = parseRoute(useHash());
  const banner = useStore(connectionStore, selectBanner);
  const engine = useStore(connectionStore, (s) => s.engine);
  const pendingCount = useStore(approvalsStore, selectPendingCount);
  const ratingCount = useStore(rateStore, selectTotal);
  useEffect(() => {
    void approvalsActions.refresh();
    void rateActions.load();
  }, []);
  const active = (screens: Route['screen'][]) => (screens.includes(route.screen) ? 'active' : undefined);
  return (
    <div className="app">
      <nav className="topbar">
        <span className="brand">Evolab</span>
        <a href="#/runs" className={active(['runs', 'run', 'trajectories', 'lineage'])}>
          Runs
        </a>
        <a href="#/new" className={active(['new'])}>
          New run
        </a>
        <a href="#/approvals" className={active(['approvals'])} data-testid="nav-approvals">
          Approvals
          {pendingCount !== null && (
            <span className={`count${pendingCount ? '' : ' zero'}`} data-testid="nav-approvals-count">
              {pendingCount}
            </span>
          )}
        </a>
        <a href="#/rate" className={active(['rate'])} data-testid="nav-rate" title="Pairs waiting for you to rate (runs whose rater is a person)">
          Rate
          {ratingCount !== null && (
            <span className={`count${ratingCount ? '' : ' zero'}`} data-testid="nav-rate-count">
              {ratingCount}
            </span>
          )}
        </a>
        <a href="#/compare" className={active(['compare'])} data-testid="nav-compare">
          Compare
        </a>
        <a href="#/play" className={active(['play'])} data-testid="nav-play">
          Play
        </a>
        <a href="#/offswitch" className={active(['offswitch'])} data-testid="nav-offswitch">
          Off-switch
        </a>
        <a href="#/audit" className={active(['audit'])}>
          Audit
        </a>
        <a href="#/settings" className={active(['settings'])}>
          Settings
        </a>
        <span className="spacer" />
        <span className="muted small" data-testid="engine-state">
          engine: {engine}
        </span>
        <span className="muted small" title="Keyboard: Ctrl+Shift+K kill engine, Ctrl+Shift+P pause/resume, Ctrl+Shift+S stop">
          ⌨ Ctrl+Shift+K/P/S
        </span>
      </nav>
      {banner && (
        <div className="banner" role="status" data-testid="banner">
          {banner}
        </div>
      )}
      <main className="content">
        <ErrorBoundary label="This screen">
          <Screen route={route} />
        </ErrorBoundary>
      </main>
    </div>
  );
}
