import type { TaskConfig } from './config';

/**
 * How a task's problems read to a person, when the model writes them otherwise. Arithmetic runs write operands and
 * answers zero-padded and least-significant digit first ("2100+5430=" for 12+345): the Trajectories view shows
 * "12+345=" and its answer "357", with the model's notation one click away, and its search matches both.
 */
export interface Notation {
  /** A prompt in human notation. */
  prompt(text: string): string;
  /** An output or reference answer in human notation; text that is not the task's answer shape is left as it is. */
  answer(text: string): string;
}

const reverse = (s: string): string => [...s].reverse().join('');
/** Digits in reading order, without padding zeros ("0" stays "0"). */
function plainDigits(digits: string, reversed: boolean): string {
  const ordered = reversed ? reverse(digits) : digits;
  return ordered.replace(/^0+(?=\d)/, '');
}

/** The task's human notation, or null when the model already writes what a person reads. */
export function humanNotation(task: TaskConfig): Notation | null {
  if (task.kind !== 'arithmetic') return null;
  const { reverseOperands, reverseAnswer, padOperands } = task;
  if (!reverseOperands && !reverseAnswer && !padOperands) return null;
  const op = task.operation === 'add' ? '+' : '*';
  return {
    prompt(text) {
      const match = /^(\d+)([+*])(\d+)=$/.exec(text);
      if (!match || match[2] !== op) return text;
      return `${plainDigits(match[1]!, reverseOperands)}${op}${plainDigits(match[3]!, reverseOperands)}=`;
    },
    answer(text) {
      return /^\d+$/.test(text) ? plainDigits(text, reverseAnswer) : text;
    },
  };
}
