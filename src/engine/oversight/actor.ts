/** Who a person's act (a decision, a rating, a policy change) is recorded as in the audit log. A leaf. */
import os from 'node:os';
import { CodedError } from '../../shared/errors';
import { ACTOR_RULE, isValidActorName } from '../../shared/oversight';

/**
 * Who a decision is recorded as: the named person, else the user running the engine. A given name must follow
 * ACTOR_RULE (it is refused, naming the field `actor`); the user name is made to, since nobody chose it here.
 */
export function personActor(actor: string | undefined): string {
  let name = actor?.trim();
  if (name) {
    if (!isValidActorName(name)) {
      throw new CodedError('invalid_request', `The actor ${JSON.stringify(name.slice(0, 80))} is not allowed: actor must be ${ACTOR_RULE}.`, [
        { path: 'actor', message: ACTOR_RULE },
      ]);
    }
  } else {
    try {
      name = os.userInfo().username;
    } catch {
      // No passwd entry (some containers): fall back to the environment.
      name = process.env.USER ?? process.env.USERNAME ?? 'unknown';
    }
    name = name.replace(/[^\p{L}\p{N} ._@-]/gu, '_').slice(0, 64) || 'unknown';
  }
  return name.startsWith('person:') ? name : `person:${name}`;
}
