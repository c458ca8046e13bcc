// Drives a Shoal gateway with Camunda's own JavaScript SDK (@camunda8/sdk,
// its REST client), the way an application written for Camunda 8 would.
// Run by gateway/sdk_test.go with ADDR (the gateway) and BPMN (a process
// "order" with one service task of type "charge"). Prints one line per step;
// exits non-zero on the first surprise.
const { Camunda8 } = require('@camunda8/sdk')

const c8 = new Camunda8({
  CAMUNDA_AUTH_STRATEGY: 'NONE',
  ZEEBE_REST_ADDRESS: process.env.ADDR,
  CAMUNDA_LOG_LEVEL: 'none',
})
const rest = c8.getCamundaRestClient()

function expect(what, cond, got) {
  if (!cond) throw new Error(`${what}: unexpected ${JSON.stringify(got)}`)
  console.log('ok', what)
}

async function expectStatus(what, promise, status) {
  try {
    await promise
  } catch (e) {
    return expect(what, e.statusCode === status, e.statusCode + ' ' + e.message)
  }
  throw new Error(`${what}: succeeded, want ${status}`)
}

async function main() {
  const topo = await rest.getTopology()
  expect('topology', topo.partitionsCount >= 1 && topo.brokers.length >= 1, topo)

  const dep = await rest.deployResourcesFromFiles([process.env.BPMN])
  expect('deploy', dep.processes[0].processDefinitionId === 'order', dep)

  const worker = rest.createJobWorker({
    type: 'charge', maxJobsToActivate: 5, timeout: 30000, worker: 'js-sdk',
    jobHandler: async (job) => job.complete({ charged: job.variables.amount * 2, note: 'grüße' }),
  })
  const res = await rest.createProcessInstanceWithResult({
    processDefinitionId: 'order', variables: { amount: 7, nested: { a: [1, null, 2.5] } },
  })
  const v = res.variables
  expect('create with result', v.charged === 14 && v.note === 'grüße' && v.nested.a[1] === null && v.nested.a[2] === 2.5, v)
  worker.stop()

  const pi = await rest.createProcessInstance({ processDefinitionId: 'order', variables: { amount: 1 } })
  expect('create', typeof pi.processInstanceKey === 'string', pi)
  await rest.updateElementInstanceVariables({ elementInstanceKey: pi.processInstanceKey, variables: { rush: true } })
  expect('set variables', true)
  await rest.cancelProcessInstance({ processInstanceKey: pi.processInstanceKey })
  expect('cancel', true)

  await expectStatus('cancel again', rest.cancelProcessInstance({ processInstanceKey: pi.processInstanceKey }), 404)
  await expectStatus('resolve unknown incident', rest.resolveIncident('2251799813685999'), 404)
  await expectStatus('complete unknown job', rest.completeJob({ jobKey: '2251799813685999', variables: {} }), 404)
  await expectStatus('unknown process', rest.createProcessInstance({ processDefinitionId: 'nope', variables: {} }), 404)
}

main().then(() => process.exit(0), (e) => { console.error('FAILED', e.message); process.exit(1) })
