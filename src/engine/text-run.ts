/**
 * The guard where text-only parts of the engine (the text LM's session, the context and memory checks) are reached:
 * they need a text task, the transformer and a text recipe. checkFamilies has refused mismatched pairings before a
 * run exists; this names the field if another family still gets here.
 */
import { isTextRun, type RunConfig, type TextRunConfig } from '../shared/config';
import { CodedError } from '../shared/errors';
import { POLICY_FAMILY, TASK_FAMILY } from '../shared/families';
export function requireTextRun(config: RunConfig): TextRunConfig {
  if (isTextRun(config)) return config;
  const field = TASK_FAMILY[config.task.kind] !== 'text-task' ? 'task.kind' : POLICY_FAMILY[config.policy.kind] !== 'text-lm' ? 'policy.kind' : 'recipe.kind';
  const value = field === 'task.kind' ? config.task.kind : field === 'policy.kind' ? config.policy.kind : config.recipe.kind;
  throw new CodedError(
    'invalid_config',
    `The text-task session needs a text task, the transformer and a text recipe, but ${field} is "${value}"; this part of the engine does not apply to it`,
    [{ path: field, message: 'not of the text-task family' }],
  );
}
