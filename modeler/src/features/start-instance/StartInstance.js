import { domify } from 'min-dom';

import { checkVariables } from './variables';

const VARIABLES_KEY = 'shoal.modeler.variables.';

/**
 * StartInstance is the "Start instance" dialog: variables as JSON, checked
 * as they are typed; the diagram is deployed first when it changed since its
 * last deployment; then POST /v2/process-instances and the new instance's key.
 *
 * Fires `shoal.instance.started` ({ instance }).
 */
export default function StartInstance(eventBus, editorActions, shoalApi, deployAction, notifications) {
  this._eventBus = eventBus;
  this._api = shoalApi;
  this._deployAction = deployAction;
  this._notifications = notifications;

  this._dialog = domify(`
    <dialog class="shoal-dialog start-instance" aria-labelledby="start-instance-title">
      <form method="dialog">
        <header>
          <h2 id="start-instance-title">Start instance</h2>
          <button type="button" class="dialog-close" aria-label="Close">×</button>
        </header>
        <div class="dialog-body">
          <p class="start-process">Process <code class="start-process-id"></code> <span class="start-version"></span></p>
          <p class="start-deploy-note" hidden>The diagram changed since it was last deployed: it is deployed first.</p>
          <label for="start-variables">Variables <span class="hint">(JSON object, optional)</span></label>
          <textarea id="start-variables" class="start-variables" rows="8" spellcheck="false"
            placeholder='{ "orderId": "A-1042", "amount": 99.5 }' aria-describedby="start-variables-status"></textarea>
          <div id="start-variables-status" class="variables-status" aria-live="polite"></div>
          <div class="start-result" hidden role="status"></div>
        </div>
        <footer>
          <button type="button" class="dialog-cancel">Close</button>
          <button type="submit" class="primary start-submit">Start</button>
        </footer>
      </form>
    </dialog>`);
  document.body.appendChild(this._dialog);

  this._textarea = this._dialog.querySelector('.start-variables');
  this._status = this._dialog.querySelector('.variables-status');
  this._submit = this._dialog.querySelector('.start-submit');
  this._result = this._dialog.querySelector('.start-result');

  this._textarea.addEventListener('input', () => this._validate());
  this._textarea.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      this._start();
    }
  });
  this._dialog.querySelector('form').addEventListener('submit', (event) => {
    event.preventDefault();
    this._start();
  });
  for (const sel of [ '.dialog-close', '.dialog-cancel' ]) {
    this._dialog.querySelector(sel).addEventListener('click', () => this.close());
  }

  editorActions.register('shoal.startInstance', () => this.open());

  eventBus.on('diagram.destroy', () => this._dialog.remove());
}

StartInstance.$inject = [ 'eventBus', 'editorActions', 'shoalApi', 'deployAction', 'toasts' ];

StartInstance.prototype.open = function() {
  const processId = this._deployAction.processId();
  if (!processId) {
    this._notifications.show({
      type: 'error',
      title: 'Nothing to start',
      body: 'The diagram has no executable process. Select the process (click the canvas) and check "Executable" in the properties panel.'
    });
    return;
  }
  this._processId = processId;
  const deployed = this._deployAction.current();
  this._dialog.querySelector('.start-process-id').textContent = processId;
  this._dialog.querySelector('.start-version').textContent = deployed
    ? `version ${deployed.processDefinitionVersion}`
    : '';
  this._dialog.querySelector('.start-deploy-note').hidden = !!deployed;
  this._textarea.value = localStorage.getItem(VARIABLES_KEY + processId) || '';
  this._result.hidden = true;
  this._result.textContent = '';
  this._validate();
  if (!this._dialog.open) {
    this._dialog.showModal();
  }
  this._textarea.focus();
};

StartInstance.prototype.close = function() {
  if (this._dialog.open) {
    this._dialog.close();
  }
};

StartInstance.prototype.isOpen = function() {
  return this._dialog.open;
};

StartInstance.prototype._validate = function() {
  const check = checkVariables(this._textarea.value);
  this._textarea.classList.toggle('invalid', !check.ok);
  this._textarea.setAttribute('aria-invalid', String(!check.ok));
  this._status.classList.toggle('error', !check.ok);
  this._status.textContent = check.ok
    ? (Object.keys(check.value).length
      ? `${Object.keys(check.value).length} variable${Object.keys(check.value).length === 1 ? '' : 's'}`
      : 'No variables')
    : check.error;
  this._submit.disabled = !check.ok || this._busy;
  return check;
};

StartInstance.prototype._start = async function() {
  const check = this._validate();
  if (!check.ok || this._busy) {
    return;
  }
  this._busy = true;
  this._submit.disabled = true;
  this._submit.textContent = 'Starting…';
  try {
    let deployed = this._deployAction.current();
    if (!deployed) {
      deployed = await this._deployAction.deploy();
      if (!deployed) {
        this.close(); // the problems are shown on the diagram
        return;
      }
      this._dialog.querySelector('.start-deploy-note').hidden = true;
      this._dialog.querySelector('.start-version').textContent = `version ${deployed.processDefinitionVersion}`;
    }
    localStorage.setItem(VARIABLES_KEY + deployed.processDefinitionId, this._textarea.value);
    const instance = await this._api.createInstance({
      processDefinitionKey: String(deployed.processDefinitionKey),
      variables: check.value
    });
    this._showResult(instance);
    this._eventBus.fire('shoal.instance.started', { instance });
  } catch (error) {
    this._result.hidden = false;
    this._result.className = 'start-result error';
    this._result.textContent = `${error.title ? error.title + ': ' : ''}${error.detail || error.message}`;
  } finally {
    this._busy = false;
    this._submit.textContent = this._result.classList.contains('success') ? 'Start another' : 'Start';
    this._validate();
  }
};

StartInstance.prototype._showResult = function(instance) {
  this._result.hidden = false;
  this._result.className = 'start-result success';
  this._result.innerHTML = '';
  const line = domify(`<div>Instance <code class="instance-key"></code> started
    (version <span class="instance-version"></span>).
    <a class="open-in-monitor" href="#">Open in the monitor</a>
    <button type="button" class="link copy-key">Copy key</button></div>`);
  line.querySelector('.open-in-monitor').href = `#/instances/${encodeURIComponent(instance.processInstanceKey)}`;
  line.querySelector('.open-in-monitor').addEventListener('click', () => this.close());
  line.querySelector('.instance-key').textContent = instance.processInstanceKey;
  line.querySelector('.instance-version').textContent = instance.processDefinitionVersion;
  line.querySelector('.copy-key').addEventListener('click', async (event) => {
    try {
      await navigator.clipboard.writeText(String(instance.processInstanceKey));
      event.target.textContent = 'Copied';
    } catch (err) {
      event.target.textContent = 'Copy failed';
    }
  });
  this._result.appendChild(line);
  this._submit.textContent = 'Start another';
};
