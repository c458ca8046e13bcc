import { parseProblems } from '../problem-markers/parseProblems';

/**
 * DeployAction sends the diagram to the engine (POST /v2/deployments) under
 * the file's name. Success tells which process was deployed, its version and
 * key; a rejected diagram has its problems shown on the elements they name.
 *
 * Fires `shoal.deploy.start`, then `shoal.deployed` ({ deployment }) or
 * `shoal.deploy.failed` ({ error, problems }).
 */
export default function DeployAction(bpmnjs, eventBus, editorActions, shoalApi, fileActions, problemMarkers, notifications) {
  this._bpmnjs = bpmnjs;
  this._eventBus = eventBus;
  this._api = shoalApi;
  this._fileActions = fileActions;
  this._problemMarkers = problemMarkers;
  this._notifications = notifications;

  this._lastDeployment = null;
  this._changedSinceDeploy = true;
  this._busy = false;

  eventBus.on('commandStack.changed', () => { this._changedSinceDeploy = true; });
  eventBus.on('import.done', () => {
    this._changedSinceDeploy = true;
    this._lastDeployment = null;
  });

  editorActions.register('shoal.deploy', () => this.deploy());
}

DeployAction.$inject = [ 'bpmnjs', 'eventBus', 'editorActions', 'shoalApi', 'fileActions', 'problemMarkers', 'toasts' ];

/**
 * The deployment of the current diagram, or null when it changed since.
 *
 * @return {{ processDefinitionId: string, processDefinitionVersion: number, processDefinitionKey: string }|null}
 */
DeployAction.prototype.current = function() {
  return this._changedSinceDeploy ? null : this._lastDeployment;
};

/**
 * The process of the current diagram that can be started: the last
 * deployment's, or the executable process of the diagram.
 */
DeployAction.prototype.processId = function() {
  if (this._lastDeployment) {
    return this._lastDeployment.processDefinitionId;
  }
  const definitions = this._bpmnjs.getDefinitions();
  const processes = [];
  for (const root of (definitions && definitions.rootElements) || []) {
    if (root.$type === 'bpmn:Process' && root.isExecutable) {
      processes.push(root.id);
    }
  }
  return processes[0] || null;
};

/**
 * Deploys the diagram.
 *
 * @return {Promise<Object|null>} the deployed process, or null when refused
 */
DeployAction.prototype.deploy = async function() {
  if (this._busy) {
    return null;
  }
  this._busy = true;
  this._eventBus.fire('shoal.deploy.start');
  const name = this._fileActions.getName();
  try {
    const { xml } = await this._bpmnjs.saveXML({ format: true });
    const result = await this._api.deploy(name, xml);
    const processes = (result.deployments || [])
      .map(d => d.processDefinition)
      .filter(Boolean);
    if (!processes.length) {
      throw new Error('The engine deployed nothing: the diagram has no executable process');
    }

    this._problemMarkers.clear();
    this._lastDeployment = processes[0];
    this._changedSinceDeploy = false;

    this._notifications.show({
      key: 'deploy',
      type: 'success',
      title: `Deployed ${name}`,
      body: deploymentSummary(processes)
    });
    this._eventBus.fire('shoal.deployed', { deployment: result, processes });
    return processes[0];
  } catch (error) {
    this._failed(name, error);
    return null;
  } finally {
    this._busy = false;
  }
};

DeployAction.prototype._failed = function(name, error) {
  const { summary, problems } = error.status === 400
    ? parseProblems(error.detail)
    : { summary: '', problems: [] };

  if (problems.length) {
    this._problemMarkers.show(problems, {
      title: `${name} was not deployed: ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
      summary: ''
    });
    this._notifications.show({
      key: 'deploy',
      type: 'error',
      title: 'Deployment failed',
      body: `The engine found ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${name}; they are marked on the diagram.`
    });
  } else {
    this._problemMarkers.clear();
    this._notifications.show({
      key: 'deploy',
      type: 'error',
      title: 'Deployment failed',
      body: summary || error.message,
      duration: 0
    });
  }
  this._eventBus.fire('shoal.deploy.failed', { error, problems });
};

function deploymentSummary(processes) {
  const body = document.createElement('dl');
  body.className = 'deployment-summary';
  for (const p of processes) {
    for (const [ label, value, cls ] of [
      [ 'Process', p.processDefinitionId, 'process-id' ],
      [ 'Version', String(p.processDefinitionVersion), 'process-version' ],
      [ 'Key', String(p.processDefinitionKey), 'process-key' ]
    ]) {
      const dt = document.createElement('dt');
      dt.textContent = label;
      const dd = document.createElement('dd');
      dd.textContent = value;
      dd.className = cls;
      body.append(dt, dd);
    }
  }
  return body;
}
