import type { GenomeChange } from '../../shared/genome';
import { describeChange, type ChangeSide } from '../lib/proposal-format';

function Side({ side }: { side: ChangeSide }) {
  switch (side.kind) {
    case 'none':
      return <span className="muted">(none)</span>;
    case 'memory':
      return (
        <div className="memory-entry">
          <div>
            <span className="muted small">prompt</span> <code>{side.prompt}</code>
          </div>
          <div>
            <span className="muted small">answer</span> <code>{side.answer || '(empty)'}</code>
          </div>
          <div className="muted small">{side.note}</div>
        </div>
      );
    case 'tool':
      return (
        <span>
          <span className="chip">{side.tool}</span>
          <span className="small">{side.params}</span>
        </span>
      );
    case 'value':
      return <code className="value">{side.text}</code>;
  }
}

/** The proposal's diff against its parent: one row per changed path. */
export function DiffTable({ changes }: { changes: GenomeChange[] }) {
  if (changes.length === 0) return <p className="muted small">No genome change (new weights only).</p>;
  return (
    <table className="table diff" data-testid="proposal-diff">
      <thead>
        <tr>
          <th>Path</th>
          <th>Before</th>
          <th />
          <th>After</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((c) => {
          const row = describeChange(c);
          return (
            <tr key={c.path} data-path={c.path}>
              <td>
                <code>{row.path}</code>
              </td>
              <td>
                <Side side={row.before} />
              </td>
              <td className="arrow">→</td>
              <td>
                <Side side={row.after} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
