import { CodedError } from '../../shared/errors';
import type { Tokenizer } from '../types';

/**
 * Character-level tokenizer: 0 = padding, 1 = BOS, 2 = EOS, then one id per character in the order given.
 * The order is fixed by the task (not by the data seen), so the same task always maps characters the same way.
 */
export function createCharTokenizer(characters: readonly string[]): Tokenizer {
  const ids = new Map<string, number>();
  const chars: string[] = [];
  for (const c of characters) {
    if ([...c].length !== 1) throw new Error(`tokenizer characters must be single characters, got ${JSON.stringify(c)}`);
    if (ids.has(c)) continue;
    ids.set(c, chars.length + 3);
    chars.push(c);
  }
  return {
    vocabSize: chars.length + 3,
    pad: 0,
    bos: 1,
    eos: 2,
    encode(text: string): number[] {
      const out: number[] = [];
      for (const c of text) {
        const id = ids.get(c);
        if (id === undefined) {
          throw new CodedError('invalid_config', `the character ${JSON.stringify(c)} in ${JSON.stringify(text)} is not in the task's vocabulary`);
        }
        out.push(id);
      }
      return out;
    },
    decode(tokens: number[]): string {
      // Special tokens carry no text; anything after them is still decoded so a malformed sample stays visible.
      let s = '';
      for (const t of tokens) if (t >= 3 && t < chars.length + 3) s += chars[t - 3];
      return s;
    },
  };
}
