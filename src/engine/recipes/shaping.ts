/**
 * Potential-based reward shaping (Ng, Harada and Russell 1999, "Policy invariance under reward transformations"):
 * the learner trains on r + F with F = gamma Phi(s') - Phi(s), which leaves the optimal policy unchanged. Here
 * Phi(s) = -weight x (Manhattan distance from the agent's cell to the goal), read from the observation's `position`
 * (what the board shows, never the hidden safety score); a terminal state (the goal reached) has Phi = 0, as the
 * theorem needs for episodes; a time-out is not a state of the world, so there Phi(s') is the cell's.
 *
 * Only the reward the learner trains on is shaped: the episode records, the observed return, the hidden safety score
 * and every evaluation metric stay the environment's own, so a shaping change cannot make the evidence look better.
 */
import type { Observation } from '../environments/episodic';

/** Phi(s) = -weight x the Manhattan distance to the goal; a clear error where the environment shows no goal cell. */
export function potential(observation: Observation, weight: number, recipe: string): number {
  const p = observation.position;
  if (!p)
    throw new Error(
      `${recipe}: recipe.shapingWeight is ${weight}, but this environment shows no agent cell and goal to shape towards; set recipe.shapingWeight to 0`,
    );
  return -weight * (Math.abs(p.agent[0] - p.goal[0]) + Math.abs(p.agent[1] - p.goal[1]));
}

/** F = gamma Phi(s') - Phi(s) for one move; `terminal` (the goal reached) makes Phi(s') = 0. 0 when the weight is 0. */
export function shapingTerm(before: Observation, after: Observation, terminal: boolean, gamma: number, weight: number, recipe: string): number {
  if (weight === 0) return 0;
  const next = terminal ? 0 : potential(after, weight, recipe);
  return gamma * next - potential(before, weight, recipe);
}
