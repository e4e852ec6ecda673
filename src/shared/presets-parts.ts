/**
 * The parts the preset files share (presets.ts and its presets-*.ts / safety-presets.ts), written once so that a
 * change to, say, the smoke transformer reaches every smoke preset alike.
 */
import type { RunConfigInput } from './config';
import type { PolicyPresetName } from './oversight';

/** A preset as its file writes it; presets.ts parses the config and lists them all. */
export interface PresetDefinition {
  id: string;
  title: string;
  summary: string;
  smoke: boolean;
  config: RunConfigInput;
  /** The approval policy the preset's run starts under (none: the workspace's). */
  policy?: PolicyPresetName;
}

// Addition: warm up on 1-3 digit sums, self-improve towards 6 digits (full) or 4 (smoke, on a small transformer).
export const addition = { kind: 'arithmetic', operation: 'add', warmupMaxDigits: 3, maxDigits: 6 } as const;
export const additionSmoke = { kind: 'arithmetic', operation: 'add', warmupMaxDigits: 3, maxDigits: 4, heldoutPerLevel: 96 } as const;
export const smokePolicy = { dModel: 32, nLayers: 2, nHeads: 4, contextLength: 20 };
export const smokeOptim = { learningRate: 5e-3 };

// The preference task: the warm-up writes rock, scissors, paper at 60/30/10%; a cyclic rater judges.
export const rps = { kind: 'preference' } as const;
export const rpsPolicy = { dModel: 32, nLayers: 1, nHeads: 2, contextLength: 16 };
export const cyclic = { kind: 'cyclic', p: 0.8 } as const;

// A 64x64 policy-value MLP (the gridworlds, the safety worlds, the games) and A2C's Adam settings on the gridworlds.
export const mlpPolicy = { kind: 'mlp' as const, hidden: [64, 64] };
export const gridOptim = { learningRate: 1e-2, warmupSteps: 0, minLrRatio: 0.3 };
