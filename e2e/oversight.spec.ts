import { expect, test } from './fixtures';
import { ApprovalsPage } from './pages/approvals-page';
import { AuditPage } from './pages/audit-page';

/**
 * Oversight end to end: a run under the default approval policy stops at its proposals; a person rejects one
 * with a reason and approves another in the inbox; the run goes on with the approved child to the end; the
 * audit log shows both decisions with their evidence, its hash chain verifies, and the Markdown export has both.
 */
const PRESET = 'addition-oversight-smoke';
const REASON = 'rejected in review: the change games the training reward';

test('a person rejects one proposal with a reason, approves another, and the audit log shows both', async ({ app, page }) => {
  // The warm-up alone takes minutes on a busy two-core machine with the WASM backend; each round then waits for us.
  test.setTimeout(900_000);
  await app.go('#/new');
  await page.getByTestId('new-run-policy').selectOption('default');
  const runId = await app.newRun().startPreset(PRESET);
  const run = app.run();
  const inbox = new ApprovalsPage(page);

  await run.waitForStatus('waiting', 480_000);
  await expect(page.getByTestId('waiting-banner')).toBeVisible();
  await expect.poll(() => inbox.pendingInNav(), { timeout: 30_000 }).toBeGreaterThan(0);
  await expect(page.getByTestId('oversight-panel')).toBeVisible();
  await app.screenshot('run-waiting');

  let rejectedId = '';
  let approvedId = '';
  const deadline = Date.now() + 360_000;
  // Each pass decides what the run waits for, then lets it go on until it waits again or completes.
  for (let round = 0; ; round++) {
    expect(Date.now(), 'the run completes within six minutes of decisions').toBeLessThan(deadline);
    await app.go(`#/approvals?run=${encodeURIComponent(runId)}`);
    await inbox.waitForList();
    if (round === 0) {
      await expect(inbox.cards('pending').first().getByTestId('proposal-evidence')).toBeVisible();
      await app.screenshot('approvals-inbox');
    }
    while ((await inbox.cards('pending').count()) > 0) {
      if (!rejectedId) {
        rejectedId = await inbox.pickToReject();
        await inbox.reject(rejectedId, REASON);
      } else {
        const id = (await inbox.cards('pending').first().getAttribute('data-proposal-id')) ?? '';
        await inbox.approve(id);
        approvedId ||= id;
      }
    }
    await app.go(`#/runs/${encodeURIComponent(runId)}`);
    // A decided round lets the run go on: it trains again (running) or has finished.
    if (round === 0 && approvedId) await run.waitForStatus(/running|completed/, 60_000);
    await run.waitForStatus(/waiting|completed|failed/, Math.max(1_000, deadline - Date.now()));
    const status = await run.status().getAttribute('data-status');
    expect(status, 'the run does not fail').not.toBe('failed');
    if (status === 'completed') break;
  }
  expect(rejectedId, 'a proposal was rejected').not.toBe('');
  expect(approvedId, 'another proposal was approved').not.toBe('');
  // Nothing of this run is left pending (other specs' runs may hold children of their own in the shared workspace).
  await app.go(`#/approvals?run=${encodeURIComponent(runId)}`);
  await inbox.waitForList();
  await expect(inbox.cards('pending')).toHaveCount(0);

  await app.go('#/approvals/decided');
  await expect(inbox.card(rejectedId)).toContainText(REASON);
  await expect(inbox.card(approvedId)).toHaveAttribute('data-status', /approved|applied/);

  await app.go(`#/audit/${encodeURIComponent(runId)}`);
  const audit = new AuditPage(page);
  await expect(audit.verification()).toHaveAttribute('data-ok', 'true');
  const rejected = audit.row('rejected', rejectedId);
  await expect(rejected).toContainText(REASON);
  await expect(rejected.getByTestId('audit-evidence')).not.toBeEmpty();
  await expect(audit.row('approved', approvedId).getByTestId('audit-evidence')).not.toBeEmpty();
  await app.screenshot('audit-log');

  await audit.filterAction('rejected');
  await expect(page.locator('[data-testid=audit-row]:not([data-action="rejected"])')).toHaveCount(0);
  await expect(audit.row('rejected', rejectedId)).toBeVisible();
  await audit.filterAction('all');

  const md = await audit.export('md');
  expect(md.fileName).toMatch(/\.md$/);
  expect(md.content).toContain(rejectedId);
  expect(md.content).toContain(approvedId);
  expect(md.content).toContain(REASON);
});
