export { passAtK, meanPassAtK, distinctAnswers, distinctN, rewardPrecision } from './exploration';
export { balanceScore, queryBalance, chooseBalance, type ScoredSample, type BalanceOptions, type BalanceChoice } from './balance';
export { evaluateHeldout } from './heldout';
