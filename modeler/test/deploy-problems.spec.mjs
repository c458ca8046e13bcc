// A diagram the engine refuses: its problems are marked on the elements they
// name, with the engine's messages, and listed under the canvas.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { withModeler, screenshot } from './browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

test('a refused deployment marks the elements the engine names', async (t) => {
  await withModeler('deploy-problems', async (m) => {
  const { page } = m;

  // open the file by dropping it on the page
  const xml = await readFile(path.join(here, 'broken-order.bpmn'), 'utf8');
  const dataTransfer = await page.evaluateHandle((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([ text ], 'broken-order.bpmn', { type: 'application/xml' }));
    return dt;
  }, xml);
  await page.dispatchEvent('body', 'dragenter', { dataTransfer });
  await page.locator('.drop-zone:not([hidden])').waitFor();
  await page.dispatchEvent('body', 'drop', { dataTransfer });
  await page.waitForFunction(() => window.shoal.app.lastImport && window.shoal.app.lastImport.name === 'broken-order.bpmn');
  assert.equal(await page.evaluate(() => window.shoal.app.lastImport.error), null);
  assert.equal(await page.locator('#file-name-input').inputValue(), 'broken-order.bpmn');
  assert.ok(await page.locator('.drop-zone').isHidden());

  await page.click('[data-action="deploy"]');
  await page.locator('.djs-element.shoal-problem[data-element-id="charge"]').waitFor();

  // the marker and the engine's message on the service task
  const chargeOverlay = page.locator('.djs-overlays[data-container-id="charge"] .shoal-problem-overlay');
  assert.match(await chargeOverlay.textContent(), /no job type \(zeebe:taskDefinition type\)/);
  // and on the gateway
  assert.ok(await page.locator('.djs-element.shoal-problem[data-element-id="paid"]').count() === 1);
  const paidOverlay = page.locator('.djs-overlays[data-container-id="paid"] .shoal-problem-overlay');
  assert.match(await paidOverlay.textContent(), /outgoing sequence flow "no" has no condition/);
  // nothing else is marked
  assert.equal(await page.locator('.djs-element.shoal-problem').count(), 2);

  // the list under the canvas names both, with their lines
  const items = page.locator('.problems:not([hidden]) .problem');
  assert.equal(await items.count(), 2);
  assert.match(await items.nth(0).textContent(), /serviceTask charge · line 7:5/);
  assert.match(await page.locator('.problems-title').textContent(), /broken-order\.bpmn was not deployed: 2 problems/);
  await screenshot(page, '06-deploy-problems');

  // clicking an entry selects the element
  await items.nth(1).locator('.problem-link').click();
  await page.locator('.djs-element.selected[data-element-id="paid"]').waitFor();

  // fixing the task removes its marker; the other stays
  await page.locator('.djs-element[data-element-id="charge"] .djs-hit').first().click();
  await page.click('[data-group-id="group-taskDefinition"] .bio-properties-panel-group-header');
  await page.locator('#bio-properties-panel-taskDefinitionType').fill('charge');
  await page.locator('.djs-element.shoal-problem[data-element-id="charge"]').waitFor({ state: 'detached' });
  assert.equal(await page.locator('.djs-element.shoal-problem[data-element-id="paid"]').count(), 1);

  assert.deepEqual(m.errors.filter(e => !/Failed to load resource.*400/.test(e)), [], 'no other errors in the browser console');
  });
});
