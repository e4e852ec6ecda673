/**
 * The fault-injection suite's report: each section (kills, frames, tamper) records its counts here, and
 * `npm run test:faults` prints them all and writes test-results/faults/report.json. A section's counts name what
 * was tried (`trials`) and what went wrong; every "went wrong" count must be zero.
 */
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../cli-process';

export const faultsDir = path.join(repoRoot, 'test-results', 'faults');

export interface FaultSection {
  /** What the section did, in one sentence. */
  summary: string;
  /** How many faults were injected (kills, frames, tamper cases). */
  trials: number;
  /** Counts that must all be zero: corruptions, lost proposals, lost decisions, crashes, undetected tampering. */
  failures: Record<string, number>;
  /** Anything else worth reading (seeds, timings, per-kind counts). */
  details?: Record<string, unknown>;
}

export function recordFaults(name: string, section: FaultSection): void {
  fs.mkdirSync(faultsDir, { recursive: true });
  fs.writeFileSync(path.join(faultsDir, `${name}.json`), `${JSON.stringify(section, null, 2)}\n`);
}

export function readFaultReport(): Record<string, FaultSection> {
  const out: Record<string, FaultSection> = {};
  if (!fs.existsSync(faultsDir)) return out;
  for (const name of fs.readdirSync(faultsDir).sort()) {
    if (!name.endsWith('.json') || name === 'report.json') continue;
    out[name.slice(0, -'.json'.length)] = JSON.parse(fs.readFileSync(path.join(faultsDir, name), 'utf8')) as FaultSection;
  }
  return out;
}
