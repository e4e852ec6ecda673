import type { NegotiationView, TicTacToeView } from '../../../shared/run';
import { CARD_NAMES, kuhnFrame, negotiationFrame, ticTacToeFrame, type AnyGameView, type KuhnView } from './game-frames';
import './games.css';

interface BoardProps<V> {
  view: V;
  /** Moves shown: the game as it stood after its first `step` moves. */
  step: number;
  names: [string, string];
  /** TicTacToe on the Play page: the person's legal cells, clickable. */
  onCell?: (cell: number) => void;
  playable?: readonly number[];
  /** Kuhn Poker: the rounds of the whole match, when the view holds only those dealt so far (a game in play). */
  rounds?: number | null;
}

export function TicTacToeBoard({ view, step, names, onCell, playable = [] }: BoardProps<TicTacToeView>) {
  const frame = ticTacToeFrame(view, step);
  return (
    <div className="game-board">
      <div className="ttt-board" data-testid="ttt-board" role="grid" aria-label={`TicTacToe after ${step} moves; ${names[0]} is X, ${names[1]} is O`}>
        {frame.cells.map((mark, cell) => {
          const open = onCell && mark === null && playable.includes(cell);
          return (
            <button
              type="button"
              key={cell}
              role="gridcell"
              className={['ttt-cell', mark === 'X' ? 'x' : mark === 'O' ? 'o' : '', frame.last === cell ? 'last' : '', open ? 'open' : '']
                .filter(Boolean)
                .join(' ')}
              data-testid="ttt-cell"
              data-cell={cell}
              data-mark={mark ?? ''}
              disabled={!open}
              onClick={open ? () => onCell(cell) : undefined}
              aria-label={`cell ${cell}: ${mark ?? 'empty'}`}
            >
              {mark ?? <span className="ttt-index">{cell}</span>}
            </button>
          );
        })}
      </div>
      <p className="small">
        <span className="seat-x">X</span> {names[0]} · <span className="seat-o">O</span> {names[1]}
      </p>
      {frame.invalid && (
        <p className="bad small" data-testid="game-invalid">
          {names[frame.invalid.seat]} wrote <span className="mono">{frame.invalid.action}</span>, not a legal move: the game ended.
        </p>
      )}
    </div>
  );
}

function Card({ card, seat }: { card: number | null; seat: number }) {
  return (
    <span className={`kuhn-card${card === null ? ' down' : ''}`} data-testid="kuhn-card" data-seat={seat} data-card={card === null ? '' : CARD_NAMES[card]}>
      {card === null ? '?' : CARD_NAMES[card]}
    </span>
  );
}

export function KuhnTable({ view, step, names, rounds }: BoardProps<KuhnView>) {
  const f = kuhnFrame(view, step);
  return (
    <div className="game-board kuhn-table" data-testid="kuhn-table" data-round={f.round + 1}>
      <p className="small muted">
        Round {f.round + 1} of {rounds ?? f.rounds} · {names[f.firstPlayer]} to open
      </p>
      <div className="kuhn-seats">
        {[0, 1].map((seat) => (
          <div key={seat} className={`kuhn-seat${f.winner === seat ? ' won' : ''}`} data-testid="kuhn-seat" data-seat={seat}>
            <strong>{names[seat]}</strong>
            <Card card={f.cards[seat]!} seat={seat} />
            <span className="mono small" data-testid="kuhn-chips">
              chips {f.chips[seat]! > 0 ? `+${f.chips[seat]}` : f.chips[seat]}
            </span>
          </div>
        ))}
      </div>
      <p className="kuhn-pot" data-testid="kuhn-pot">
        pot {f.pot}
      </p>
      <ol className="game-moves" data-testid="game-moves">
        {f.moves.map((m, i) => (
          <li key={i} className={m.invalid ? 'bad' : undefined}>
            {names[m.seat]}: <span className="mono">{m.action}</span>
            {m.invalid ? ' (not a legal move: the game ended)' : ''}
          </li>
        ))}
      </ol>
      {f.over && f.winner !== null && (
        <p className="small" data-testid="kuhn-round-result">
          {names[f.winner]} takes the pot of {f.pot}.
        </p>
      )}
    </div>
  );
}

export function NegotiationTable({ view, step, names }: BoardProps<NegotiationView>) {
  const f = negotiationFrame(view, step);
  return (
    <div className="game-board negotiation-table" data-testid="negotiation-table">
      <table className="small">
        <thead>
          <tr>
            <th />
            <th>Wood</th>
            <th>Gold</th>
            <th>value</th>
          </tr>
        </thead>
        <tbody>
          {[0, 1].map((seat) => {
            const inv = f.inventories[seat];
            const v = view.values[seat];
            return (
              <tr key={seat} data-testid="negotiation-seat">
                <th>{names[seat]}</th>
                <td className="mono">{inv?.wood ?? '—'}</td>
                <td className="mono">{inv?.gold ?? '—'}</td>
                <td className="mono" title={v ? `Wood ${v.wood} each, Gold ${v.gold} each` : undefined}>
                  {inv && v ? inv.wood * v.wood + inv.gold * v.gold : '—'}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="small" data-testid="negotiation-offer">
        {f.offer ? (
          <>
            On the table: {names[f.offer.seat]} offers <span className="mono">{f.offer.action}</span>
          </>
        ) : (
          'No offer on the table.'
        )}
      </p>
    </div>
  );
}

/** A game's view drawn as it stood after `step` moves: a board or cards. */
export function GameBoard(props: BoardProps<AnyGameView>) {
  const { view } = props;
  if (view.kind === 'tictactoe') return <TicTacToeBoard {...props} view={view} />;
  if (view.kind === 'kuhn-poker') return <KuhnTable {...props} view={view} />;
  return <NegotiationTable {...props} view={view} />;
}
