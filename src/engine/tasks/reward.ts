/**
 * Partial credit: the fraction of answer characters the output gets right, position by position, divided by the
 * longer of the two so that padding an answer with extra characters is not free. 1 exactly when equal.
 * Used by recipes that want a denser signal than 0/1 (GRPO's partialCredit option).
 */
export function partialCredit(output: string, answer: string): number {
  const a = answer.trim();
  const o = output.trim();
  const length = Math.max(a.length, o.length);
  if (length === 0) return 1;
  let right = 0;
  for (let i = 0; i < Math.min(a.length, o.length); i++) if (a[i] === o[i]) right++;
  return right / length;
}
