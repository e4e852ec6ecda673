import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROPOSAL_KINDS } from '../engine/oversight/proposer';
import { ArchiveNodeKind } from './archive';
import { events } from './contract';
import { Proposal, ProposerEstimate } from './oversight';
import { PROGRESS_PHASES } from './run';

const engineDir = fileURLToPath(new URL('../engine', import.meta.url));

/** The engine's own source (tests aside), to find every literal it emits. */
function engineSources(): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.includes('.test.'))
        out.push({ file: path.relative(engineDir, full), text: fs.readFileSync(full, 'utf8') });
    }
  };
  walk(engineDir);
  return out;
}

function literals(pattern: RegExp): Array<{ file: string; value: string }> {
  return engineSources().flatMap(({ file, text }) => [...text.matchAll(pattern)].map((m) => ({ file, value: m[1]! })));
}

const progress = (phase: unknown) => events['run.progress'].safeParse({ runId: 'r', iteration: 1, phase, done: 0, total: 1 });

describe('the enums of the contract match what the engine emits', () => {
  it('every proposal kind of the proposer parses as a proposal, an estimate and an archive node kind; others do not', () => {
    const proposalKind = Proposal.shape.kind;
    for (const kind of PROPOSAL_KINDS) {
      expect(proposalKind.safeParse(kind).success, kind).toBe(true);
      expect(ProposerEstimate.shape.kind.safeParse(kind).success, kind).toBe(true);
      expect(ArchiveNodeKind.safeParse(kind).success, kind).toBe(true);
    }
    expect(ArchiveNodeKind.safeParse('root').success && ArchiveNodeKind.safeParse('branch').success).toBe(true);
    expect(proposalKind.safeParse('workflow:made-up').success).toBe(false);
    expect(proposalKind.safeParse('root').success).toBe(false);
  });

  it('every proposal kind the engine names in its source is one of them', () => {
    const found = literals(/kind(?::\s*ProposalKind)?\s*[:=]\s*'((?:model|workflow|memory|tool):[a-z-]+)'/g);
    expect(found.length).toBeGreaterThanOrEqual(PROPOSAL_KINDS.length);
    for (const { file, value } of found) expect(PROPOSAL_KINDS as readonly string[], `${file}: ${value}`).toContain(value);
    // And every kind of the list is made somewhere.
    for (const kind of PROPOSAL_KINDS)
      expect(
        found.map((f) => f.value),
        kind,
      ).toContain(kind);
  });

  it('every progress phase the engine reports parses as run.progress, and an unknown phase does not', () => {
    for (const phase of PROGRESS_PHASES) expect(progress(phase).success, phase).toBe(true);
    const found = literals(/progress\(\s*'([a-z-]+)'/g);
    // The runner, the session and the recipes each report phases.
    expect(new Set(found.map((f) => f.file)).size).toBeGreaterThanOrEqual(3);
    for (const { file, value } of found) expect(progress(value).success, `${file}: ${value}`).toBe(true);
    expect(progress('evaluate').success).toBe(false);
  });
});
