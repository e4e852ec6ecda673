import { expect, test } from './fixtures';
import { ApprovalsPage } from './pages/approvals-page';
import { AuditPage } from './pages/audit-page';

/**
 * A split decision: a person rejects a round's model:promote and approves another change of the same round. Every
 * card says, before the decision, what approving does; approving the other change adopts its diff and never the
 * weights its trial trained, so the next round starts from the parent's weights (its "before" is the parent's
 * held-out score again), and the audit log records the approval's effect and the settlement in the same words.
 */
const PRESET = 'addition-oversight-smoke';
const REASON = 'keep the parent weights';

test("rejecting a round's weights and approving its other change keeps the parent's weights, as the card and the audit say", async ({ app, page }) => {
  test.setTimeout(900_000);
  const form = app.newRun();
  await app.go('#/new');
  await page.getByTestId('new-run-policy').selectOption('default');
  await form.customize(PRESET);
  await form.setField('iterations', '2');
  await expect(page.getByTestId('form-invalid')).toHaveCount(0);
  await form.startButton().click();
  await page.waitForURL(/#\/runs\/[^/]+$/, { timeout: 30_000 });
  const runId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]);
  const run = app.run();
  await run.waitForStatus('waiting', 600_000);

  const inbox = new ApprovalsPage(page);
  await app.go(`#/approvals?run=${encodeURIComponent(runId)}`);
  await inbox.waitForList();
  const promote = inbox.cards('pending').and(page.locator('[data-kind="model:promote"]'));
  await expect(promote).toHaveCount(1);
  const promoteId = (await promote.getAttribute('data-proposal-id')) ?? '';
  const parentBefore = (await promote.getByTestId('heldout-before').textContent()) ?? '';
  await expect(promote.getByTestId('proposal-effect')).toContainText("the agent takes round 1's weights");
  const other = inbox.cards('pending').and(page.locator(':not([data-kind="model:promote"])')).first();
  await expect(other, 'the round proposes a change besides its weights').toBeVisible();
  const otherId = (await other.getAttribute('data-proposal-id')) ?? '';
  const effect = ((await other.getByTestId('proposal-effect').textContent()) ?? '').replace(/^Approving:\s*/, '').split('. Approving applies')[0]!;
  expect(effect).toContain('the agent keeps its weights (only a model proposal changes them)');
  await other.scrollIntoViewIfNeeded();
  await app.screenshot('split-decision-cards');

  await inbox.reject(promoteId, REASON);
  await inbox.approve(otherId);
  // Anything else of round 1 is rejected, so that only the approved change applies.
  while ((await inbox.cards('pending').count()) > 0) {
    const id = (await inbox.cards('pending').first().getAttribute('data-proposal-id')) ?? '';
    await inbox.reject(id, 'not part of this test');
  }

  // Round 2 starts from the parent's weights: its model:promote's "before" is the parent's score again.
  await app.go(`#/runs/${encodeURIComponent(runId)}`);
  await run.waitForStatus(/waiting|completed/, 300_000);
  await app.go(`#/approvals?run=${encodeURIComponent(runId)}`);
  await inbox.waitForList();
  const next = inbox.cards('pending').and(page.locator('[data-kind="model:promote"]'));
  await expect(next).toHaveCount(1);
  await expect(next.getByTestId('proposal-effect')).toContainText("round 2's weights");
  await expect(next.getByTestId('heldout-before')).toHaveText(parentBefore);

  // The audit log: the approval records its effect, the settlement says the same, the rejection its reason.
  await app.go(`#/audit/${encodeURIComponent(runId)}`);
  const audit = new AuditPage(page);
  await expect(audit.verification()).toHaveAttribute('data-ok', 'true');
  await expect(audit.row('rejected', promoteId)).toContainText(REASON);
  await expect(audit.row('applied', otherId)).toContainText(`applied after round 1: ${effect}`);
  const json = JSON.parse((await audit.export('json')).content) as {
    entries: Array<{ action: string; proposalId: string | null; detail: unknown; reason: string | null }>;
  };
  const approved = json.entries.find((e) => e.action === 'approved' && e.proposalId === otherId)!;
  expect(approved.detail).toMatchObject({ effect });
  expect(json.entries.some((e) => e.action === 'applied' && e.proposalId === promoteId)).toBe(false);
  await app.screenshot('split-decision-audit');

  // Leave the engine free for the next spec.
  await app.go(`#/runs/${encodeURIComponent(runId)}`);
  await run.button('stop').click();
  await run.waitForStatus(/stopped|completed/, 120_000);
});
