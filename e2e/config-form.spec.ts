import { expect, test } from './fixtures';

test('an invalid value in the form shows the field error and blocks Start', async ({ app }) => {
  await app.go('#/new');
  const form = app.newRun();
  await form.customize('addition-grpo-smoke');
  await expect(form.field('recipe')).toHaveValue('grpo');
  await expect(form.field('recipe.groupSize')).toHaveValue(/^\d+$/);

  await form.setField('recipe.groupSize', '1');
  await expect(form.fieldError('recipe.groupSize')).toHaveText('must be at least 2');
  await expect(form.startButton()).toBeDisabled();

  await form.setField('policy.nHeads', '3');
  await expect(form.fieldError('policy.nHeads')).toHaveText('nHeads must divide dModel');
  // Plain words, and an emptied field is an error rather than a silent return to the default.
  await form.setField('iterations', 'ten');
  await expect(form.fieldError('iterations')).toHaveText('enter a whole number; "ten" is not one');
  await form.setField('iterations', '');
  await expect(form.fieldError('iterations')).toHaveText('required: enter a whole number');
  await expect(form.field('seed')).not.toHaveAttribute('placeholder', /9007199254740991/);
  await app.screenshot('new-run-invalid');

  await form.setField('recipe.groupSize', '4');
  await form.setField('policy.nHeads', '4');
  await form.setField('iterations', '3');
  await expect(app.page.locator('.field-error')).toHaveCount(0);
  await expect(form.startButton()).toBeEnabled();
});

test('the gallery lists the presets and the form follows the recipe kind', async ({ app }) => {
  await app.go('#/new');
  const form = app.newRun();
  await expect(form.card('addition-bstar-smoke')).toBeVisible();
  await app.screenshot('new-run');
  await form.field('recipe').selectOption('grpo');
  await expect(form.field('recipe.groupSize')).toHaveValue('8');
  await expect(form.field('recipe.samplesPerPrompt')).toHaveCount(0);
});
