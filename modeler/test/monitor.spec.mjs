// The monitor against a real node: a process deployed and started through the
// API shows up in the monitor; a variable is edited in the page; `shoal worker`
// completes the job and the page shows the instance complete by itself (the
// read model's feed), with a timeline of three elements; a failing job shows
// an incident, and "Retry" after fixing the worker completes the instance.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

import { withModeler, screenshot, api, deploy, eventually, SHOAL_URL, SHOAL_BIN } from './browser.mjs';

function processXML(id, name, jobType, retries) {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  id="defs-${id}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${id}" name="${name}" isExecutable="true">
    <bpmn:startEvent id="received" name="Order received"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="charge" name="Charge card">
      <bpmn:extensionElements><zeebe:taskDefinition type="${jobType}" retries="${retries}" /></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:endEvent id="done" name="Order charged"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="received" targetRef="charge" />
    <bpmn:sequenceFlow id="f2" sourceRef="charge" targetRef="done" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="d1"><bpmndi:BPMNPlane id="p1" bpmnElement="${id}">
    <bpmndi:BPMNShape id="received_di" bpmnElement="received"><dc:Bounds x="160" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="charge_di" bpmnElement="charge"><dc:Bounds x="260" y="78" width="100" height="80" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="done_di" bpmnElement="done"><dc:Bounds x="430" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="f1_di" bpmnElement="f1"><di:waypoint x="196" y="118" /><di:waypoint x="260" y="118" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="f2_di" bpmnElement="f2"><di:waypoint x="360" y="118" /><di:waypoint x="430" y="118" /></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;
}

function startWorker(t, jobType, script, name) {
  let out = '';
  const worker = spawn(SHOAL_BIN, [ 'worker', jobType, '--address', SHOAL_URL, '--name', name, '--', script ],
    { stdio: [ 'ignore', 'pipe', 'pipe' ] });
  worker.stdout.on('data', d => { out += d; });
  worker.stderr.on('data', d => { out += d; });
  const exited = new Promise(resolve => worker.on('exit', code => resolve(code)));
  t.after(() => worker.exitCode === null && worker.kill('SIGKILL'));
  return {
    output: () => out,
    async stop() {
      worker.kill('SIGINT');
      return exited;
    }
  };
}

async function startInstance(definition, variables) {
  const r = await api('POST', '/v2/process-instances', { processDefinitionKey: definition.processDefinitionKey, variables });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return String(r.body.processInstanceKey);
}

const stateOf = (page) => page.locator('.mon-instance-state .mon-state').getAttribute('data-state').catch(() => null);

test('an instance in the monitor: live tokens, variables, completed by a worker, timeline', async (t) => {
  const suffix = Date.now();
  const id = `monitor-order-${suffix}`;
  const jobType = `monitor-charge-${suffix}`;
  const definition = await deploy(`${id}.bpmn`, processXML(id, 'Monitor order', jobType, 3));
  const key = await startInstance(definition, { orderId: 'A-7', amount: 12.5 });

  await withModeler('monitor-instance', async (m) => {
    const { page } = m;
    await page.locator(`.mon-instance[data-instance-key="${key}"]`).waitFor();
    assert.match(await page.title(), new RegExp(`Instance ${key} · Monitor order`));
    assert.equal(await page.locator('.views a.active').textContent(), 'Instances');

    // the token waits on the service task; the start event is done
    await page.locator('.mon-diagram .djs-element.mon-active[data-element-id="charge"]').waitFor({ state: 'attached' });
    await page.locator('.mon-diagram .djs-element.mon-completed[data-element-id="received"]').waitFor({ state: 'attached' });
    assert.equal(await page.locator('.mon-badges[data-element-id="charge"] [data-kind="active"]').textContent(), '1');
    assert.equal(await stateOf(page), 'ACTIVE');
    await page.locator('.mon-live.on').waitFor();

    // variables of the instance's scope; edit one (set variables)
    const row = page.locator(`.mon-scope[data-scope-key="${key}"] tr[data-name="orderId"]`);
    assert.equal(await row.locator('.mon-var-value code').textContent(), '"A-7"');
    await row.locator('.mon-edit').click();
    const textarea = row.locator('textarea');
    await textarea.fill('"A-8');
    await row.locator('.mon-var-error').filter({ hasText: 'Not JSON' }).waitFor();
    await textarea.fill('"A-8"');
    await row.locator('button[type="submit"]').click();
    await eventually(async () => (await row.locator('.mon-var-value code').textContent().catch(() => '')) === '"A-8"',
      { what: 'the new value to come back through the feed' });
    const vars = await api('POST', '/v2/variables/search', { filter: { processInstanceKey: key, name: 'orderId' } });
    assert.equal(vars.body.items[0].value, '"A-8"');
    await screenshot(page, '10-monitor-instance-active');

    // a worker completes the job; the page follows without a reload
    const marker = await page.evaluate(() => { window.__notReloaded = true; return true; });
    assert.ok(marker);
    const worker = startWorker(t, jobType, 'cat > /dev/null; sleep 0.3; echo \'{"charged": true}\'', 'card-charger');
    await eventually(async () => (await stateOf(page)) === 'COMPLETED', { timeout: 20000, what: 'the page to show COMPLETED' });
    assert.equal(await worker.stop(), 0, worker.output());
    assert.ok(await page.evaluate(() => window.__notReloaded), 'the page was not reloaded');
    await page.locator('.mon-diagram .djs-element.mon-completed[data-element-id="done"]').waitFor({ state: 'attached' });
    await page.locator('.mon-diagram .djs-connection.mon-taken[data-element-id="f2"]').waitFor({ state: 'attached' });
    assert.equal(await page.locator('.mon-diagram .mon-active').count(), 0, 'no tokens left');
    assert.ok(await page.locator('.mon-cancel').isHidden(), 'a completed instance cannot be canceled');

    // the timeline: three element instances, the worker on hover
    await eventually(async () => (await page.locator('.mon-tl-row:not(.mon-tl-axis)').count()) === 3, { what: 'three rows in the timeline' });
    const labels = await page.locator('.mon-tl-row:not(.mon-tl-axis) .mon-tl-name').allTextContents();
    assert.deepEqual(labels, [ 'Order received', 'Charge card', 'Order charged' ]);
    await eventually(async () => {
      await page.mouse.move(0, 0);
      await page.locator('.mon-tl-row[data-element-id="charge"] .mon-tl-bar').hover();
      return (await page.locator('.mon-tip:not([hidden]) .mon-tip-worker').textContent().catch(() => '')) === 'card-charger';
    }, { what: 'the worker in the tooltip' });
    assert.match(await page.locator('.mon-tip').textContent(), /Charge card.*charge.*COMPLETED/s);
    assert.ok(await page.locator(`.mon-scope tr[data-name="charged"]`).count() === 1, 'the worker\'s output is a variable');
    await screenshot(page, '11-monitor-instance-completed');

    // the process list: counts by state
    await page.click('.views a[data-view="processes"]');
    const prow = page.locator(`.mon-processes tr[data-process-id="${id}"]`);
    await prow.waitFor();
    assert.equal(await page.title(), 'Processes · Shoal');
    assert.equal(await prow.locator('[data-count="completed"]').textContent(), '1');
    assert.equal(await prow.locator('[data-count="active"]').textContent(), '0');
    await screenshot(page, '12-monitor-processes');

    // one definition: statistics per element on the diagram
    await prow.locator('.mon-process-link').click();
    await page.waitForFunction((k) => location.hash === `#/processes/${k}`, definition.processDefinitionKey);
    const badge = page.locator('.mon-badges[data-element-id="charge"] [data-kind="completed"]');
    await badge.waitFor();
    assert.match(await badge.textContent(), /1$/);
    assert.match(await page.title(), /Monitor order v1 · Processes/);
    // a second instance appears live on the definition's diagram
    const second = await startInstance(definition, { orderId: 'A-9' });
    await eventually(async () => (await page.locator('.mon-badges[data-element-id="charge"] [data-kind="active"]').textContent().catch(() => '')).endsWith('1'),
      { what: 'the new instance\'s token on the definition diagram' });
    await page.locator(`.mon-instances tr[data-instance-key="${second}"]`).waitFor();
    await screenshot(page, '13-monitor-definition');

    // the instance list, filtered and paged
    await page.goto(`${SHOAL_URL}/#/instances?process=${id}`);
    await page.locator(`.mon-instances tr[data-instance-key="${key}"]`).waitFor();
    await page.locator(`.mon-instances tr[data-instance-key="${second}"]`).waitFor();
    await page.selectOption('.mon-filters select[name="state"]', 'ACTIVE');
    await page.waitForFunction(() => location.hash.includes('state=ACTIVE'));
    await page.locator(`.mon-instances tr[data-instance-key="${second}"]`).waitFor();
    await page.locator(`.mon-instances tr[data-instance-key="${key}"]`).waitFor({ state: 'detached' });
    assert.match(await page.locator('.mon-total').textContent(), /^1 instance matches/);
    await screenshot(page, '14-monitor-instances');
    await page.locator('.mon-filters input[name="key"]').fill(key);
    await page.locator('.mon-filters input[name="key"]').press('Enter');
    await page.locator('.mon-instances .mon-empty').waitFor();
    await page.click('.mon-reset');
    await page.locator(`.mon-instances tr[data-instance-key="${key}"]`).waitFor();
    // by a variable's value (typed without quotes: a string)
    await page.locator('.mon-filters input[name="var"]').fill('orderId');
    await page.locator('.mon-filters input[name="value"]').fill('A-9');
    await page.locator('.mon-filters input[name="value"]').press('Enter');
    await page.waitForFunction(() => location.hash.includes('var=orderId'));
    await page.locator(`.mon-instances tr[data-instance-key="${second}"]`).waitFor();
    assert.equal(await page.locator('.mon-instances tbody tr').count(), 1, 'only the instance with orderId "A-9"');
    await page.click('.mon-reset');
    await page.locator(`.mon-instances tr[data-instance-key="${key}"]`).waitFor();

    // cancel the second one from its page
    await page.locator(`.mon-instances tr[data-instance-key="${second}"] .mon-instance-link`).click();
    await page.locator(`.mon-instance[data-instance-key="${second}"] .mon-cancel`).click();
    await eventually(async () => (await stateOf(page)) === 'TERMINATED', { what: 'the canceled instance' });

    assert.deepEqual(m.errors, [], 'no errors in the browser console');
  }, `#/instances/${key}`);
});

test('a failing job shows an incident; retry after fixing the worker completes the instance', async (t) => {
  const suffix = Date.now();
  const id = `monitor-refund-${suffix}`;
  const jobType = `monitor-refund-${suffix}`;
  const definition = await deploy(`${id}.bpmn`, processXML(id, 'Refund', jobType, 1));
  const key = await startInstance(definition, { orderId: 'R-1' });

  await withModeler('monitor-incident', async (m) => {
    const { page } = m;
    const broken = startWorker(t, jobType, 'cat > /dev/null; echo "payment service said: card declined" >&2; exit 1', 'refunder');
    const incident = page.locator('.mon-incident-item');
    await incident.waitFor({ timeout: 20000 });
    assert.match(await incident.locator('.mon-incident-message').textContent(), /card declined/);
    assert.equal(await stateOf(page), 'INCIDENT');
    await page.locator('.mon-diagram .djs-element.mon-incident[data-element-id="charge"]').waitFor({ state: 'attached' });
    await page.locator('.mon-tl-row[data-element-id="charge"] .mon-tl-incident').waitFor();
    await broken.stop();
    await screenshot(page, '15-monitor-incident');

    // fix the worker, then retry
    const fixed = startWorker(t, jobType, 'cat > /dev/null; echo \'{"refunded": true}\'', 'refunder');
    await incident.locator('.mon-retry').click();
    await eventually(async () => (await stateOf(page)) === 'COMPLETED', { timeout: 20000, what: 'the instance to complete after the retry' });
    await page.locator('.mon-incidents .mon-ok').waitFor();
    assert.equal(await fixed.stop(), 0, fixed.output());
    const incidents = await api('POST', '/v2/incidents/search', { filter: { processInstanceKey: key } });
    assert.equal(incidents.body.items.length, 1);
    assert.equal(incidents.body.items[0].state, 'RESOLVED');
    assert.deepEqual(m.errors, [], 'no errors in the browser console');
  }, `#/instances/${key}`);
});

test('a subprocess nests its element instances in the timeline; a click on an element picks out its rows', async () => {
  const id = `monitor-nested-${Date.now()}`;
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="defs-${id}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${id}" name="Nested" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:subProcess id="pack" name="Pack parcel">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:startEvent id="packStart" name="Pack"><bpmn:outgoing>g1</bpmn:outgoing></bpmn:startEvent>
      <bpmn:endEvent id="packEnd" name="Packed"><bpmn:incoming>g1</bpmn:incoming></bpmn:endEvent>
      <bpmn:sequenceFlow id="g1" sourceRef="packStart" targetRef="packEnd" />
    </bpmn:subProcess>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="pack" />
    <bpmn:sequenceFlow id="f2" sourceRef="pack" targetRef="end" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="d1"><bpmndi:BPMNPlane id="p1" bpmnElement="${id}">
    <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="100" y="140" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="pack_di" bpmnElement="pack" isExpanded="true"><dc:Bounds x="200" y="80" width="260" height="160" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="packStart_di" bpmnElement="packStart"><dc:Bounds x="240" y="140" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="packEnd_di" bpmnElement="packEnd"><dc:Bounds x="380" y="140" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="end_di" bpmnElement="end"><dc:Bounds x="520" y="140" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="f1_di" bpmnElement="f1"><di:waypoint x="136" y="158" /><di:waypoint x="200" y="158" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="g1_di" bpmnElement="g1"><di:waypoint x="276" y="158" /><di:waypoint x="380" y="158" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="f2_di" bpmnElement="f2"><di:waypoint x="460" y="158" /><di:waypoint x="520" y="158" /></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;
  const definition = await deploy(`${id}.bpmn`, xml);
  const key = await startInstance(definition, {});

  await withModeler('monitor-nested', async (m) => {
    const { page } = m;
    await page.locator(`.mon-instance[data-instance-key="${key}"] .mon-state[data-state="COMPLETED"]`).waitFor();
    await eventually(async () => (await page.locator('.mon-tl-row:not(.mon-tl-axis)').count()) === 5, { what: 'five rows in the timeline' });
    const indent = (el) => page.locator(`.mon-tl-row[data-element-id="${el}"] .mon-tl-label`).evaluate(e => parseInt(e.style.paddingLeft, 10));
    assert.ok(await indent('packStart') > await indent('pack'), 'the subprocess\'s start event is nested under it');
    assert.equal(await indent('pack'), await indent('start'));
    assert.equal(await indent('packEnd'), await indent('packStart'));

    // a click on the subprocess's end event in the diagram
    await page.locator('.mon-diagram .djs-element[data-element-id="packEnd"] .djs-hit').first().click({ force: true });
    await page.locator('.mon-tl-row.selected[data-element-id="packEnd"]').waitFor();
    assert.equal(await page.locator('.mon-tl-row.selected').count(), 1);
    await page.locator('.mon-diagram .djs-element[data-element-id="g1"]').waitFor({ state: 'attached' });
    assert.match(await page.locator('.mon-diagram .djs-element[data-element-id="g1"]').getAttribute('class'), /mon-taken/);
    await screenshot(page, '16-monitor-subprocess');
    assert.deepEqual(m.errors, [], 'no errors in the browser console');

    // an instance that does not exist: said so (after waiting for the read model a moment)
    await page.evaluate(() => { location.hash = '#/instances/2251799813600001'; });
    await page.locator('.mon-error h2').filter({ hasText: 'Not found' }).waitFor({ timeout: 10000 });
    assert.match(await page.title(), /^Not found/);
  }, `#/instances/${key}`);
});
