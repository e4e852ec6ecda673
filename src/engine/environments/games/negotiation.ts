/**
 * Simple Negotiation as SPIRAL plays it (TextArena's SimpleNegotiation): each player holds 10 Wood and 10 Gold;
 * Player 0 values Wood at 5 and Gold at 15, Player 1 Wood at 15 and Gold at 5 (each knows only its own values).
 * Players move in turn for `turns` moves: an offer `[Offer: 3 Wood -> 2 Gold]` (I give 3 Wood for your 2 Gold),
 * which replaces any offer on the table; `[Accept]` the offer on the table (the trade happens); `[Deny]` it. The
 * player whose inventory value (by its own values) grew more wins; equal gains are a draw.
 *
 * Actions for the MLP: Accept, Deny, and offers giving 1..5 of one resource for 1..5 of the other (52 ids). An
 * offer of more than the offerer holds, and Accept of a trade the accepter cannot pay, are not legal; Accept and
 * Deny need an offer on the table. A text offer outside 1..5 units names no action and is invalid.
 *
 * Text observation (ALGORITHMS.md): the full history, the rules prompt with the seat's values, every move and
 * trade, then the inventories and the offer on the table. Numeric observation (13): own and the opponent's Wood
 * and Gold / 20, own values / 15, the seat, the turn / turns, whether an offer is on the table, and that offer from
 * the mover's side (Wood and Gold it would give, Wood and Gold it would get) / 5.
 */
import type { GameView, NegotiationView } from '../../../shared/run';
import type { Observation } from '../episodic';
import { lastBracketed, TwoSeatGame, type MoveResult, type Scoring } from './two-seat';

export const ACCEPT = 0;
export const DENY = 1;
const MAX_UNITS = 5;
const RESOURCES = ['Wood', 'Gold'] as const;
export const NEGOTIATION_OBSERVATION_SIZE = 13;
type Inventory = NegotiationView['inventories'][number][number];
export const NEGOTIATION_VALUES: readonly Inventory[] = [
  { wood: 5, gold: 15 },
  { wood: 15, gold: 5 },
];
const START: Inventory = { wood: 10, gold: 10 };

/** An offer: the offerer gives `give` units of `resource` for `get` units of the other. */
export interface Offer {
  resource: 0 | 1;
  give: number;
  get: number;
}

export function offerAction(o: Offer): number {
  return 2 + o.resource * MAX_UNITS * MAX_UNITS + (o.give - 1) * MAX_UNITS + (o.get - 1);
}

export function offerOf(action: number): Offer | null {
  const k = action - 2;
  if (!Number.isInteger(k) || k < 0 || k >= 2 * MAX_UNITS * MAX_UNITS) return null;
  return { resource: Math.floor(k / (MAX_UNITS * MAX_UNITS)) as 0 | 1, give: (Math.floor(k / MAX_UNITS) % MAX_UNITS) + 1, get: (k % MAX_UNITS) + 1 };
}

export function negotiationActionText(action: number): string {
  if (action === ACCEPT) return '[Accept]';
  if (action === DENY) return '[Deny]';
  const o = offerOf(action);
  return o ? `[Offer: ${o.give} ${RESOURCES[o.resource]} -> ${o.get} ${RESOURCES[1 - o.resource]}]` : `[${action}]`;
}

export const NEGOTIATION_ACTIONS = Array.from({ length: 2 + 2 * MAX_UNITS * MAX_UNITS }, (_, a) => negotiationActionText(a));

const key = (r: 0 | 1): 'wood' | 'gold' => (r === 0 ? 'wood' : 'gold');
const worth = (inv: Inventory, seat: number): number => inv.wood * NEGOTIATION_VALUES[seat]!.wood + inv.gold * NEGOTIATION_VALUES[seat]!.gold;

export function negotiationPrompt(seat: number, turns: number): string {
  const v = NEGOTIATION_VALUES[seat]!;
  return (
    `You are Player ${seat} in a trading game.\n` +
    `You hold ${START.wood} Wood and ${START.gold} Gold; to you one Wood is worth ${v.wood} and one Gold ${v.gold}.\n` +
    'Your goal: increase the total value of your resources more than your opponent increases theirs.\n' +
    `The game lasts ${turns} turns in all. On your turn write one action:\n` +
    '- [Offer: 3 Wood -> 2 Gold]: offer to give 3 of your Wood for 2 of their Gold (1 to 5 units each)\n' +
    '- [Accept]: accept the offer on the table\n' +
    '- [Deny]: deny the offer on the table\n'
  );
}

export class Negotiation extends TwoSeatGame {
  readonly game = 'negotiation' as const;
  private readonly inventory: Inventory[] = [{ ...START }, { ...START }];
  private readonly inventories: Inventory[][] = [[{ ...START }, { ...START }]];
  private offer: (Offer & { from: number }) | null = null;
  private readonly log: string[] = [];

  constructor(
    scoring: Scoring,
    maxTurns: number,
    private readonly turns: number,
  ) {
    super(scoring, maxTurns);
  }

  /** Each seat's value gained so far, by its own values. */
  get gains(): number[] {
    return [0, 1].map((s) => worth(this.inventory[s]!, s) - worth(START, s));
  }

  protected legal(): number[] {
    const seat = this.toMove;
    const mine = this.inventory[seat]!;
    const out: number[] = [];
    const pending = this.offer && this.offer.from !== seat ? this.offer : null;
    if (pending) {
      // Accepting pays the offer's asked-for units of the other resource.
      if (mine[key((1 - pending.resource) as 0 | 1)] >= pending.get) out.push(ACCEPT);
      out.push(DENY);
    }
    for (const resource of [0, 1] as const)
      for (let give = 1; give <= Math.min(MAX_UNITS, mine[key(resource)]); give++)
        for (let get = 1; get <= MAX_UNITS; get++) out.push(offerAction({ resource, give, get }));
    return out;
  }

  protected apply(seat: number, action: number): MoveResult {
    if (action === ACCEPT) {
      const o = this.offer!;
      const give = key(o.resource);
      const get = key((1 - o.resource) as 0 | 1);
      this.inventory[o.from]![give] -= o.give;
      this.inventory[o.from]![get] += o.get;
      this.inventory[seat]![give] += o.give;
      this.inventory[seat]![get] -= o.get;
      this.log.push(`[Player ${seat}] [Accept]`, `[GAME] Player ${o.from} gave ${o.give} ${RESOURCES[o.resource]} for ${o.get} ${RESOURCES[1 - o.resource]}.`);
      this.offer = null;
    } else if (action === DENY) {
      this.log.push(`[Player ${seat}] [Deny]`);
      this.offer = null;
    } else {
      this.offer = { ...offerOf(action)!, from: seat };
      this.log.push(`[Player ${seat}] ${negotiationActionText(action)}`);
    }
    this.inventories.push(this.inventory.map((i) => ({ ...i })));
    if (this.steps >= this.turns) {
      const [g0, g1] = this.gains;
      return { ended: true, winner: g0! > g1! ? 0 : g0! < g1! ? 1 : null };
    }
    return { ended: false };
  }

  actionText(action: number): string {
    return negotiationActionText(action);
  }

  parseAction(text: string): number | null {
    const token = lastBracketed(text);
    if (token === null) return null;
    if (/^accept$/i.test(token)) return ACCEPT;
    if (/^deny$/i.test(token)) return DENY;
    const m = /^offer:\s*(\d+)\s+(wood|gold)\s*->\s*(\d+)\s+(wood|gold)$/i.exec(token);
    if (!m || m[2]!.toLowerCase() === m[4]!.toLowerCase()) return null;
    const give = Number(m[1]);
    const get = Number(m[3]);
    if (give < 1 || give > MAX_UNITS || get < 1 || get > MAX_UNITS) return null;
    return offerAction({ resource: m[2]!.toLowerCase() === 'wood' ? 0 : 1, give, get });
  }

  observe(seat: number): Observation {
    const me = this.inventory[seat]!;
    const them = this.inventory[1 - seat]!;
    const v = new Float32Array(NEGOTIATION_OBSERVATION_SIZE);
    v.set([me.wood / 20, me.gold / 20, them.wood / 20, them.gold / 20, NEGOTIATION_VALUES[seat]!.wood / 15, NEGOTIATION_VALUES[seat]!.gold / 15]);
    v[6] = seat;
    v[7] = this.steps / this.turns;
    const o = this.offer;
    if (o) {
      v[8] = 1;
      // From the mover's side: what it would give and get if the trade happened.
      const iOffered = o.from === seat;
      const give = iOffered ? o.give : o.get;
      const get = iOffered ? o.get : o.give;
      const giveRes = iOffered ? o.resource : 1 - o.resource;
      v[9 + giveRes] = give / MAX_UNITS;
      v[11 + (1 - giveRes)] = get / MAX_UNITS;
    }
    const table = o ? `Offer on the table from Player ${o.from}: ${negotiationActionText(offerAction(o))}` : 'No offer on the table.';
    const status = `[GAME] Turn ${this.steps + 1} of ${this.turns}. You hold ${me.wood} Wood and ${me.gold} Gold; your opponent holds ${them.wood} Wood and ${them.gold} Gold. ${table}`;
    return { text: [negotiationPrompt(seat, this.turns), ...this.log, status].join('\n'), vector: v };
  }

  protected startText(): string {
    return `Simple Negotiation, ${this.turns} turns: both hold ${START.wood} Wood and ${START.gold} Gold; Player 0 values Wood 5, Gold 15; Player 1 Wood 15, Gold 5`;
  }

  protected override endDetail(): string {
    const [g0, g1] = this.gains;
    return `gains ${g0} : ${g1}`;
  }

  protected view(base: Omit<GameView, 'kind'>): GameView {
    return {
      kind: 'negotiation',
      ...base,
      values: NEGOTIATION_VALUES.map((v) => ({ ...v })),
      inventories: this.inventories.map((p) => p.map((i) => ({ ...i }))),
      gains: this.gains,
    };
  }
}
