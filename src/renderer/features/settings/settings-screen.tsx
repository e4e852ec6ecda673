import { useEffect } from 'react';
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { RequestOutput } from '../../../shared/contract';
import { ErrorBox } from '../../components/error-box';
import { describeError, getBridge } from '../../lib/bridge';

interface SettingsState {
  info: RequestOutput<'system.info'> | null;
  error: string | null;
}

export const settingsStore = createStore<SettingsState>(() => ({ info: null, error: null }));

export const settingsActions = {
  async load(): Promise<void> {
    try {
      settingsStore.setState({ info: await getBridge().request('system.info', {}), error: null });
    } catch (error) {
      settingsStore.setState({ error: describeError(error).message });
    }
  },
};

export function SettingsScreen() {
  const { info, error } = useStore(settingsStore);
  useEffect(() => {
    void settingsActions.load();
  }, []);
  return (
    <div className="settings-screen">
      <header className="screen-head">
        <h1>Settings</h1>
      </header>
      <ErrorBox
        title="System information is not available."
        message={error}
        hint="The engine may be starting or was killed; it restarts on the next request — reload this screen."
      />
      {!info && !error && <p className="muted">Loading…</p>}
      {info && (
        <>
          <section className="panel">
            <h2>Compute backend</h2>
            <table className="kv" data-testid="backend">
              <tbody>
                <tr>
                  <th>In use</th>
                  <td>
                    <strong data-testid="backend-active">{info.backend.active}</strong> <span className="muted">(requested: {info.backend.requested})</span>
                  </td>
                </tr>
                <tr>
                  <th>Details</th>
                  <td>{info.backend.details}</td>
                </tr>
                {info.backend.proof && (
                  <tr>
                    <th>Proof</th>
                    <td data-testid="backend-proof">{info.backend.proof}</td>
                  </tr>
                )}
              </tbody>
            </table>
            <h3>Skipped backends</h3>
            {info.backend.skipped.length === 0 ? (
              <p className="muted small">None: the first choice loaded.</p>
            ) : (
              <ul className="skipped" data-testid="backend-skipped">
                {info.backend.skipped.map((b) => (
                  <li key={b.name}>
                    <code>{b.name}</code>: {b.reason}
                  </li>
                ))}
              </ul>
            )}
            <p className="help">
              A run chooses its backend with the <code>backend</code> field of its config; <code>auto</code> takes the first that loads and computes a tiny
              forward and backward of each model family as the pure-JS <code>cpu</code> backend does.
            </p>
          </section>
          <section className="panel">
            <h2>Workers</h2>
            <table className="kv" data-testid="workers">
              <tbody>
                <tr>
                  <th>Cores</th>
                  <td data-testid="workers-cores">{info.workers.cores}</td>
                </tr>
                <tr>
                  <th>
                    <code>workers: 0</code> (auto) gives
                  </th>
                  <td>
                    <strong data-testid="workers-auto">{info.workers.auto}</strong> <span className="muted">on {info.backend.active}</span>
                  </td>
                </tr>
              </tbody>
            </table>
            <p className="help">
              A run of the text LM shares its training (data-parallel gradients) and decoding (held-out evaluation, archive evaluations, rollouts, the moves of
              a text game&apos;s episodes) with the number of worker threads in its <code>workers</code> field: 1 (the default) runs in the engine alone, 0
              takes the cores less one. Worker threads run on {info.workers.poolBackends.join(' or ')}; on another backend a run uses 1. A run replays from its
              seed with the same worker count; its samples differ with another count.
            </p>
          </section>
          <section className="panel">
            <h2>Workspace</h2>
            <p className="mono" data-testid="workspace">
              {info.workspace}
            </p>
            <p className="help">Runs, metrics, trajectories and checkpoints are stored here (one SQLite database and a folder per run).</p>
          </section>
          <section className="panel">
            <h2>Versions</h2>
            <table className="kv">
              <tbody>
                {Object.entries(info.versions).map(([k, v]) => (
                  <tr key={k}>
                    <th>{k}</th>
                    <td className="mono">{v}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
    </div>
  );
}
