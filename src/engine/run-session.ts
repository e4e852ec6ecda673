/**
 * The session a run config needs, by its model family: the text LM's Session, or the policy-value model's
 * EpisodicSession, or the classifier's ClassStreamSession. A family that trains another
 * kind of model brings its own session (warm-up, iterate, state) and one case here; the runner and the contract
 * test reach every family through this one function.
 */
import type { RunConfig } from '../shared/config';
import { POLICY_FAMILY } from '../shared/families';
import type { RunnerSession } from './core/ports';
import type { SessionHooks } from './session';

export async function createRunSession(config: RunConfig, hooks: SessionHooks = {}): Promise<RunnerSession> {
  switch (POLICY_FAMILY[config.policy.kind]) {
    case 'text-lm': {
      // A game played by the text LM: the episodic family with a text model (text-game-session.ts).
      if (config.task.kind === 'game') {
        const { TextGameSession } = await import('./text-game-session');
        return TextGameSession.create(config, hooks);
      }
      const { Session } = await import('./session');
      return Session.create(config, hooks);
    }
    case 'policy-value': {
      const { EpisodicSession } = await import('./episodic-session');
      return EpisodicSession.create(config, hooks);
    }
    case 'classifier': {
      const { ClassStreamSession } = await import('./class-stream-session');
      return ClassStreamSession.create(config, hooks);
    }
    default:
      throw new Error(`No session for a ${POLICY_FAMILY[config.policy.kind]} model yet (policy.kind "${config.policy.kind}").`);
  }
}
