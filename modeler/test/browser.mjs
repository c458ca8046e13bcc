// Shared by the browser tests: Debian's Chromium driven by playwright-core,
// the node under test (SHOAL_URL), screenshots into test/artifacts/.
import { chromium } from 'playwright-core';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export const SHOAL_URL = process.env.SHOAL_URL;
export const SHOAL_BIN = process.env.SHOAL_BIN;
export const ARTIFACTS = path.join(here, 'artifacts');

if (!SHOAL_URL) {
  throw new Error('SHOAL_URL is not set: run the browser tests with `make modeler-test` (node test/run.mjs)');
}

/**
 * Opens the modeler in a fresh browser profile. Console errors and page
 * errors are collected in `errors`; tests assert there are none.
 */
export async function openModeler(hash = '') {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'shoal-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
    args: [ '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync' ]
  });
  const page = context.pages()[0] || await context.newPage();
  const errors = [];
  page.on('console', msg => {
    if (msg.type() === 'error') {
      errors.push(msg.text());
    }
  });
  page.on('pageerror', err => errors.push(String(err)));
  page.on('dialog', dialog => dialog.accept());

  await page.goto(SHOAL_URL + '/' + hash);
  await page.waitForSelector('.djs-container svg', { state: 'attached' });
  await page.waitForFunction(() => window.shoal && window.shoal.modeler.getDefinitions());

  return {
    page,
    errors,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    }
  };
}

/**
 * Runs body(m) against a fresh modeler; on failure a screenshot named
 * failure-<name>.png is saved next to the others.
 */
export async function withModeler(name, body, hash = '') {
  const m = await openModeler(hash);
  try {
    await body(m);
  } catch (err) {
    await screenshot(m.page, 'failure-' + name).catch(() => {});
    throw err;
  } finally {
    await m.close();
  }
}

export async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name + '.png');
  await page.screenshot({ path: file });
  return file;
}

/**
 * Calls the gateway's REST API from the test (not through the page).
 */
export async function api(method, p, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const r = await fetch(SHOAL_URL + p, init);
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

/**
 * Deploys one BPMN file through the API (multipart, as the modeler does).
 */
export async function deploy(name, xml) {
  const form = new FormData();
  form.append('resources', new Blob([ xml ], { type: 'application/xml' }), name);
  const r = await fetch(SHOAL_URL + '/v2/deployments', { method: 'POST', body: form });
  const body = await r.json();
  if (!r.ok) {
    throw new Error(`deploy ${name}: ${r.status} ${JSON.stringify(body)}`);
  }
  return body.deployments[0].processDefinition;
}

/**
 * Waits for fn to return a truthy value (polling, never a fixed sleep).
 */
export async function eventually(fn, { timeout = 15000, interval = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) {
        return v;
      }
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last ? ': ' + last.message : ''}`);
    }
    await new Promise(r => setTimeout(r, interval));
  }
}
