// Draw a process from the palette, set the job type in the properties panel,
// deploy it, start an instance from the dialog, let `shoal worker` do the job
// and check through the API that the instance completed; then open the
// deployed version again, change it and deploy version 2.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { withModeler, screenshot, api, eventually, SHOAL_URL, SHOAL_BIN } from './browser.mjs';

async function canvasBox(page) {
  return page.locator('#canvas').boundingBox();
}

// Creates an element from the palette at (x, y) relative to the canvas and
// returns its id (the new element is selected).
async function createFromPalette(page, action, x, y) {
  const box = await canvasBox(page);
  await page.click(`.djs-palette .entry[data-action="${action}"]`);
  await page.mouse.move(box.x + x - 40, box.y + y - 20, { steps: 4 });
  await page.mouse.move(box.x + x, box.y + y, { steps: 4 });
  await page.mouse.click(box.x + x, box.y + y);
  return page.locator('.djs-shape.selected').first().getAttribute('data-element-id');
}

async function center(page, id) {
  const box = await page.locator(`.djs-element[data-element-id="${id}"] .djs-hit`).first().boundingBox();
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

// Clicks a shape until it is selected (a click right after placing an
// element can end the create interaction instead of selecting).
async function select(page, id) {
  const selected = page.locator(`.djs-element.selected[data-element-id="${id}"]`);
  await eventually(async () => {
    if (await selected.count()) {
      return true;
    }
    const c = await center(page, id);
    await page.mouse.click(c.x, c.y);
    await page.waitForTimeout(150);
    return (await selected.count()) > 0;
  }, { interval: 400, timeout: 5000, what: `${id} to be selected` });
}

// Connects two shapes with the context pad's connect tool.
async function connect(page, from, to) {
  await select(page, from);
  await page.click('.djs-context-pad .entry[data-action="connect"]');
  const c = await center(page, to);
  await page.mouse.move(c.x - 10, c.y, { steps: 4 });
  await page.mouse.move(c.x, c.y, { steps: 2 });
  await page.mouse.click(c.x, c.y);
}

const connections = (page) => page.locator('.djs-connection').count();

test('draw, deploy, start an instance and complete it with a worker', async (t) => {
  await withModeler('draw-deploy-run', async (m) => {
  const { page } = m;
  const jobType = `shoal-e2e-charge-${Date.now()}`;

  // a new diagram; select everything on the canvas and delete it (keyboard)
  await page.click('[data-action="new"]');
  const box = await canvasBox(page);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height - 120);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await eventually(async () => (await page.locator('.djs-shape').count()) === 0, { what: 'an empty canvas' });

  // start event, task, end event from the palette
  const start = await createFromPalette(page, 'create.start-event', 220, 260);
  let task = await createFromPalette(page, 'create.task', 420, 260);
  const end = await createFromPalette(page, 'create.end-event', 620, 260);
  assert.ok(start && task && end, 'three elements were created');

  // the task becomes a service task through the replace menu
  await select(page, task);
  await page.click('.djs-context-pad .entry[data-action="replace"]');
  await page.click('.djs-popup [data-id="replace-with-service-task"]');
  await page.locator(`.djs-element[data-element-id="${task}"]`).waitFor();
  assert.equal(await page.evaluate(id => window.shoal.modeler.get('elementRegistry').get(id).type, task), 'bpmn:ServiceTask');

  await connect(page, start, task);
  await connect(page, task, end);
  assert.equal(await connections(page), 2, 'two sequence flows');

  // undo and redo (toolbar buttons)
  await page.click('[data-action="undo"]');
  assert.equal(await connections(page), 1, 'undo removes the last flow');
  await page.click('[data-action="redo"]');
  assert.equal(await connections(page), 2, 'redo brings it back');

  // a name and the job type in the properties panel
  await select(page, task);
  await page.click('[data-group-id="group-general"] .bio-properties-panel-group-header');
  await page.locator('#bio-properties-panel-name').fill('Charge card');
  await page.click('[data-group-id="group-general"] .bio-properties-panel-group-header');
  await page.click('[data-group-id="group-taskDefinition"] .bio-properties-panel-group-header');
  const typeInput = page.locator('#bio-properties-panel-taskDefinitionType');
  await typeInput.fill(jobType);
  await eventually(() => page.evaluate((id) => {
    const bo = window.shoal.modeler.get('elementRegistry').get(id).businessObject;
    const def = (bo.extensionElements && bo.extensionElements.values || []).find(v => v.$type === 'zeebe:TaskDefinition');
    return def && def.type;
  }, task).then(v => v === jobType), { what: 'the job type in the model' });

  // minimap on
  await page.click('[data-action="minimap"]');
  await page.locator('.djs-minimap.open').waitFor();
  await page.locator('#file-name-input').fill('charge-order.bpmn');
  await page.locator('#file-name-input').press('Enter');
  await screenshot(page, '01-modeler-drawn');

  // deploy
  await page.click('[data-action="deploy"]');
  const toast = page.locator('.toast-success');
  await toast.waitFor();
  const processId = await page.evaluate(() => window.shoal.modeler.getDefinitions().rootElements.find(r => r.$type === 'bpmn:Process').id);
  assert.equal(await toast.locator('.process-id').textContent(), processId);
  assert.equal(await toast.locator('.process-version').textContent(), '1');
  const definitionKey = await toast.locator('.process-key').textContent();
  assert.match(definitionKey, /^\d+$/);
  assert.match(await toast.locator('.toast-title').textContent(), /charge-order\.bpmn/);
  await screenshot(page, '02-deployed');

  // start an instance: the variables are checked as they are typed
  await page.click('[data-action="start-instance"]');
  const dialog = page.locator('dialog.start-instance[open]');
  await dialog.waitFor();
  const vars = dialog.locator('.start-variables');
  await vars.fill('{ "orderId": "A-1042", "amount": ');
  await dialog.locator('.variables-status.error').waitFor();
  assert.equal(await dialog.locator('.variables-status').textContent(), 'Expected a value but found the end at line 1 column 34');
  assert.ok(await dialog.locator('.start-submit').isDisabled(), 'Start is disabled while the JSON is invalid');
  await screenshot(page, '03-start-instance-invalid');
  await vars.fill('[1, 2]');
  assert.match(await dialog.locator('.variables-status').textContent(), /Expected a JSON object/);
  await vars.fill('{ "orderId": "A-1042", "amount": 99.5 }');
  assert.equal(await dialog.locator('.variables-status').textContent(), '2 variables');
  assert.ok(!(await dialog.locator('.start-submit').isDisabled()));
  await dialog.locator('.start-submit').click();
  const keyEl = dialog.locator('.instance-key');
  await keyEl.waitFor();
  const instanceKey = await keyEl.textContent();
  assert.match(instanceKey, /^\d+$/);
  assert.equal(await dialog.locator('.open-in-monitor').getAttribute('href'), `#/instances/${instanceKey}`);
  await screenshot(page, '04-instance-started');
  await dialog.locator('.dialog-cancel').click();

  // save (Ctrl+S) downloads the diagram under its name, with the job type
  const [ download ] = await Promise.all([
    page.waitForEvent('download'),
    page.keyboard.press('Control+S')
  ]);
  assert.equal(download.suggestedFilename(), 'charge-order.bpmn');
  const saved = await readFile(await download.path(), 'utf8');
  assert.match(saved, new RegExp(`<zeebe:taskDefinition type="${jobType}"`));
  assert.match(saved, /name="Charge card"/);
  assert.ok(await page.locator('#dirty-mark').isHidden(), 'saved: no unsaved-changes mark');

  // the keyboard shortcuts ("?")
  await page.keyboard.press('Shift+?');
  await page.locator('dialog.shortcuts[open]').waitFor();
  await screenshot(page, '05-shortcuts');
  await page.keyboard.press('Escape');
  await page.locator('dialog.shortcuts[open]').waitFor({ state: 'detached' });

  // a job worker does the job: `shoal worker TYPE -- command`
  const dir = await mkdtemp(path.join(os.tmpdir(), 'shoal-worker-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const seen = path.join(dir, 'seen');
  let workerOut = '';
  const worker = spawn(SHOAL_BIN, [ 'worker', jobType, '--address', SHOAL_URL, '--',
    `cat > /dev/null; echo "$SHOAL_PROCESS_INSTANCE_KEY" >> ${seen}; echo '{"charged": true}'` ],
  { stdio: [ 'ignore', 'pipe', 'pipe' ] });
  worker.stdout.on('data', d => { workerOut += d; });
  worker.stderr.on('data', d => { workerOut += d; });
  const exited = new Promise(resolve => worker.on('exit', code => resolve(code)));
  t.after(() => worker.exitCode === null && worker.kill('SIGKILL'));

  await eventually(async () => (await readFile(seen, 'utf8').catch(() => '')).trim() === instanceKey,
    { timeout: 20000, what: `the worker to take the job of instance ${instanceKey}` });
  // a graceful stop waits for the running job to be completed
  worker.kill('SIGINT');
  assert.equal(await exited, 0, workerOut);
  assert.match(workerOut, /worker stopped.*handled=1/, workerOut);

  // the instance is done: the read model says COMPLETED, and the engine no
  // longer has it to cancel
  const instance = await eventually(async () => {
    const r = await api('GET', `/v2/process-instances/${instanceKey}`);
    return r.status === 200 && r.body.state === 'COMPLETED' && r.body;
  }, { what: `instance ${instanceKey} to be COMPLETED in the read model` });
  assert.equal(instance.processDefinitionKey, definitionKey);
  const cancel = await api('POST', `/v2/process-instances/${instanceKey}/cancellation`);
  assert.equal(cancel.status, 404, JSON.stringify(cancel.body));
  assert.match(cancel.body.detail, /no such process was found/);

  // the dialog's link: the instance in the monitor, completed, three elements in its timeline
  await page.click('[data-action="start-instance"]');
  await page.locator('dialog.start-instance[open]').waitFor();
  await page.locator('dialog.start-instance .start-submit').click();
  const secondKey = await page.locator('dialog.start-instance .instance-key').textContent();
  await page.locator('dialog.start-instance .open-in-monitor').click();
  await page.locator(`.mon-instance[data-instance-key="${secondKey}"]`).waitFor();
  assert.ok(await page.locator('dialog.start-instance[open]').count() === 0, 'the dialog closed');
  assert.match(await page.title(), new RegExp(`Instance ${secondKey}`));
  await page.evaluate((k) => { location.hash = `#/instances/${k}`; }, instanceKey);
  await page.locator(`.mon-instance[data-instance-key="${instanceKey}"] .mon-state[data-state="COMPLETED"]`).waitFor();
  assert.deepEqual(await page.locator('.mon-tl-row:not(.mon-tl-axis) .mon-tl-name').allTextContents(),
    [ await page.evaluate((id) => window.shoal.modeler.get('elementRegistry').get(id).businessObject.name || id, start), 'Charge card',
      await page.evaluate((id) => window.shoal.modeler.get('elementRegistry').get(id).businessObject.name || id, end) ]);
  await screenshot(page, '07-monitor-drawn-instance');
  await page.click('.views a[data-view="modeler"]');
  await page.locator('#canvas').waitFor();

  // open the deployed version again, change it, deploy version 2
  await page.click('[data-action="new"]');
  await page.click('[data-action="open-deployed"]');
  const entry = page.locator(`dialog.open-deployed[open] .deployed-process[data-process-id="${processId}"]`);
  await entry.waitFor();
  assert.match(await entry.locator('.deployed-resource').textContent(), /charge-order\.bpmn/);
  await screenshot(page, '06-open-deployed');
  await entry.locator('.deployed-version[data-version="1"]').click();
  await page.waitForFunction(() => window.shoal.app.lastImport && window.shoal.app.lastImport.name === 'charge-order.bpmn');
  assert.equal(await page.evaluate((id) => {
    const bo = window.shoal.modeler.get('elementRegistry').get(id).businessObject;
    return bo.extensionElements.values.find(v => v.$type === 'zeebe:TaskDefinition').type;
  }, task), jobType);
  await select(page, task);
  await page.click('[data-group-id="group-general"] .bio-properties-panel-group-header');
  await page.locator('#bio-properties-panel-name').fill('Charge credit card');
  await eventually(() => page.evaluate((id) => window.shoal.modeler.get('elementRegistry').get(id).businessObject.name, task)
    .then(name => name === 'Charge credit card'), { what: 'the new name in the model' });
  await page.keyboard.press('Control+Enter'); // deploy, from the panel's field
  await eventually(async () => (await page.locator('.toast-success .process-version').textContent().catch(() => '')) === '2',
    { what: 'version 2 to be deployed' });
  assert.equal(await page.locator('.toast-success .process-id').textContent(), processId);

  assert.deepEqual(m.errors, [], 'no errors in the browser console');
  });
});
