// The pure parts of deploy and start: reading the engine's located problems
// out of a refused deployment, and checking variables as they are typed.
import test from 'node:test';
import assert from 'node:assert/strict';

import { parseProblems } from '../src/features/problem-markers/parseProblems.js';
import { checkVariables } from '../src/features/start-instance/variables.js';

test('parseProblems reads every located problem of a refused deployment', () => {
  const detail = "Command 'CREATE' rejected with code 'INVALID_ARGUMENT': Expected to deploy new resources, but encountered the following errors:\n" +
    "'order.bpmn': 7:5: serviceTask \"charge\": no job type (zeebe:taskDefinition type)\n" +
    "'order.bpmn': 11:5: exclusiveGateway \"paid\": outgoing sequence flow \"no\" has no condition and is not the default flow\n" +
    "'order.bpmn': 3:3: process: Expected at least one none start event\n" +
    "'order.bpmn': \"Flow_1\": targetRef \"missing\" names no element\n" +
    "'other.bpmn': XML syntax error on line 3: unexpected EOF";
  const { summary, problems } = parseProblems(detail);
  assert.equal(summary, 'Expected to deploy new resources, but encountered the following errors:');
  assert.deepEqual(problems, [
    { resource: 'order.bpmn', line: 7, column: 5, kind: 'serviceTask', elementId: 'charge', message: 'no job type (zeebe:taskDefinition type)' },
    { resource: 'order.bpmn', line: 11, column: 5, kind: 'exclusiveGateway', elementId: 'paid', message: 'outgoing sequence flow "no" has no condition and is not the default flow' },
    { resource: 'order.bpmn', line: 3, column: 3, kind: 'process', elementId: '', message: 'Expected at least one none start event' },
    { resource: 'order.bpmn', line: 0, column: 0, kind: '', elementId: 'Flow_1', message: 'targetRef "missing" names no element' },
    { resource: 'other.bpmn', line: 0, column: 0, kind: '', elementId: '', message: 'XML syntax error on line 3: unexpected EOF' }
  ]);
});

test('parseProblems keeps a detail without located problems as the summary', () => {
  const { summary, problems } = parseProblems("Command 'CREATE' rejected with code 'INVALID_ARGUMENT': Expected to deploy at least one resource, but none given");
  assert.deepEqual(problems, []);
  assert.equal(summary, 'Expected to deploy at least one resource, but none given');
});

test('checkVariables accepts nothing or a JSON object, and says what is wrong otherwise', () => {
  assert.deepEqual(checkVariables(''), { ok: true, value: {} });
  assert.deepEqual(checkVariables('  \n'), { ok: true, value: {} });
  assert.deepEqual(checkVariables('{"a": 1, "b": [true, null]}'), { ok: true, value: { a: 1, b: [ true, null ] } });
  assert.match(checkVariables('[1]').error, /Expected a JSON object.*but got an array/);
  assert.match(checkVariables('null').error, /but got null/);
  assert.match(checkVariables('42').error, /but got a number/);
  assert.deepEqual(checkVariables('{\n  "a": 1,\n  "b": }'), { ok: false, error: "Expected a value but found '}' at line 3 column 8" });
  assert.deepEqual(checkVariables('{ "orderId": "A-1042", "amount": '), { ok: false, error: 'Expected a value but found the end at line 1 column 34' });
  assert.deepEqual(checkVariables('{ orderId: 1 }'), { ok: false, error: "Expected a quoted name but found 'o' at line 1 column 3" });
  assert.deepEqual(checkVariables('{ "a": 1 } x'), { ok: false, error: 'Expected the end of the JSON at line 1 column 12' });
  assert.deepEqual(checkVariables('{ "a": 01 }'), { ok: false, error: "Expected ',' or '}' but found '1' at line 1 column 9" });
});
