// Every MIWG reference diagram opens (through the file picker) and renders
// without an import error.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { withModeler, screenshot } from './browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

// SHOAL_CORPUS (set by CI) or ../shared/corpus beside the checkout.
function miwgDir() {
  const candidates = [
    process.env.SHOAL_CORPUS && path.join(process.env.SHOAL_CORPUS, 'miwg', 'reference'),
    path.resolve(here, '../../../shared/corpus/miwg/reference')
  ].filter(Boolean);
  return candidates.find(d => existsSync(d));
}

const dir = miwgDir();

test('the MIWG reference diagrams open and render', { skip: !dir && 'no MIWG corpus: set SHOAL_CORPUS' }, async (t) => {
  await withModeler('miwg', async (m) => {
  const { page } = m;
  const files = (await readdir(dir)).filter(f => f.endsWith('.bpmn')).sort();
  assert.ok(files.length >= 10, `expected the MIWG reference diagrams in ${dir}`);

  for (const file of files) {
    await page.locator('.shoal-file-input').setInputFiles(path.join(dir, file));
    await page.waitForFunction((name) => window.shoal.app.lastImport && window.shoal.app.lastImport.name === name, file);
    const result = await page.evaluate(() => window.shoal.app.lastImport);
    assert.equal(result.error, null, `${file}: ${result.error}`);
    const shapes = await page.locator('.djs-shape').count();
    assert.ok(shapes > 0, `${file}: nothing rendered`);
    if (file === 'C.1.0.bpmn' || file === 'B.2.0.bpmn') {
      await screenshot(page, `07-miwg-${file.replace(/\.bpmn$/, '')}`);
    }
    await page.evaluate(() => { window.shoal.app.lastImport = null; });
  }

  // the token simulation plays a diagram in the browser
  await page.locator('.shoal-file-input').setInputFiles(path.join(dir, 'A.2.0.bpmn'));
  await page.waitForFunction(() => window.shoal.app.lastImport && window.shoal.app.lastImport.name === 'A.2.0.bpmn');
  await page.click('.bts-toggle-mode');
  await page.locator('#canvas .simulation').waitFor();
  await page.locator('.bts-context-pad').first().click();
  await page.locator('.bts-log .bts-entry', { hasText: 'Start Event' }).first().waitFor({ state: 'attached' });
  await screenshot(page, '08-token-simulation');
  await page.click('.bts-toggle-mode');
  await page.locator('#canvas .simulation').waitFor({ state: 'detached' });

  assert.deepEqual(m.errors, [], 'no errors in the browser console');
  });
});
