import { describe, expect, it } from 'vitest';
import { proveBackend } from '../../engine/backend-proof';
import { faultyGpuProbe } from '../../engine/faulty-backend';
import { chooseBackend } from '../../engine/tf';
import { BackendReport } from '../../shared/run';
import { backendLines } from './info';

describe('evolab doctor', () => {
  it('prints the proof of the backend in use and why a backend that failed its proof was skipped', async () => {
    const report = BackendReport.parse(await chooseBackend('auto', faultyGpuProbe, proveBackend));
    const lines = backendLines(report);
    expect(lines[0]).toBe('backend    wasm (WebAssembly)');
    expect(lines.find((l) => l.startsWith('proof '))).toMatch(/^proof      loss and gradients of the text LM, policy-value MLP and classifier match cpu/);
    expect(lines).toContainEqual(
      expect.stringMatching(/^skipped    tensorflow-gpu: loaded but failed its proof against cpu: text LM: the loss is [\d.]+ against the cpu's/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^skipped    tensorflow: not tried: @tensorflow\/tfjs-node-gpu is already loaded/));
  });
});
