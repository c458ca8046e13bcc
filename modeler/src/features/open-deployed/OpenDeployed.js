import { domify } from 'min-dom';

/**
 * OpenDeployed is the "Open deployed" dialog: every process definition the
 * engine has (from the read model's search API), grouped by process id with
 * all its versions; choosing a version opens its XML in the modeler under
 * its resource name, to edit and deploy again (as a new version).
 */
export default function OpenDeployed(eventBus, editorActions, shoalApi, fileActions, toasts) {
  this._api = shoalApi;
  this._fileActions = fileActions;
  this._toasts = toasts;

  this._dialog = domify(`
    <dialog class="shoal-dialog open-deployed" aria-labelledby="open-deployed-title">
      <header>
        <h2 id="open-deployed-title">Open a deployed process</h2>
        <button type="button" class="dialog-close" aria-label="Close">×</button>
      </header>
      <div class="dialog-body">
        <input type="search" class="deployed-filter" placeholder="Filter by id or name" aria-label="Filter processes">
        <div class="deployed-status" role="status"></div>
        <ul class="deployed-list"></ul>
      </div>
    </dialog>`);
  document.body.appendChild(this._dialog);
  this._list = this._dialog.querySelector('.deployed-list');
  this._status = this._dialog.querySelector('.deployed-status');
  this._filter = this._dialog.querySelector('.deployed-filter');
  this._filter.addEventListener('input', () => this._render());
  this._dialog.querySelector('.dialog-close').addEventListener('click', () => this._dialog.close());

  editorActions.register('shoal.openDeployed', () => this.open());
  eventBus.on('diagram.destroy', () => this._dialog.remove());
}

OpenDeployed.$inject = [ 'eventBus', 'editorActions', 'shoalApi', 'fileActions', 'toasts' ];

OpenDeployed.prototype.open = async function() {
  this._definitions = [];
  this._filter.value = '';
  this._list.innerHTML = '';
  this._status.textContent = 'Loading…';
  if (!this._dialog.open) {
    this._dialog.showModal();
  }
  this._filter.focus();
  try {
    this._definitions = await this._api.processDefinitions();
    this._render();
  } catch (err) {
    this._status.textContent = `Cannot list the deployed processes: ${err.detail || err.message}`;
  }
};

OpenDeployed.prototype._render = function() {
  const needle = this._filter.value.trim().toLowerCase();
  const groups = new Map();
  for (const d of this._definitions) {
    const text = `${d.processDefinitionId} ${d.name || ''}`.toLowerCase();
    if (needle && !text.includes(needle)) {
      continue;
    }
    if (!groups.has(d.processDefinitionId)) {
      groups.set(d.processDefinitionId, []);
    }
    groups.get(d.processDefinitionId).push(d);
  }

  this._list.innerHTML = '';
  this._status.textContent = this._definitions.length
    ? (groups.size ? '' : 'No process matches the filter.')
    : 'Nothing is deployed yet: draw a process and press Deploy.';

  for (const [ id, versions ] of groups) {
    versions.sort((a, b) => b.version - a.version);
    const latest = versions[0];
    const item = domify(`
      <li class="deployed-process" data-process-id="">
        <div class="deployed-head">
          <span class="deployed-name"></span>
          <code class="deployed-id"></code>
          <span class="deployed-resource"></span>
        </div>
        <div class="deployed-versions" role="group" aria-label="Versions"></div>
      </li>`);
    item.dataset.processId = id;
    item.querySelector('.deployed-name').textContent = latest.name || id;
    if (latest.name && latest.name !== id) {
      item.querySelector('.deployed-id').textContent = id;
    } else {
      item.querySelector('.deployed-id').remove();
    }
    item.querySelector('.deployed-resource').textContent = latest.resourceName;
    const buttons = item.querySelector('.deployed-versions');
    for (const v of versions) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'deployed-version' + (v === latest ? ' latest' : '');
      b.dataset.version = v.version;
      b.textContent = `v${v.version}`;
      b.title = `Open version ${v.version} (key ${v.processDefinitionKey})${v.versionTag ? ', tag ' + v.versionTag : ''}`;
      b.addEventListener('click', () => this._openVersion(v));
      buttons.appendChild(b);
    }
    this._list.appendChild(item);
  }
};

OpenDeployed.prototype._openVersion = async function(definition) {
  let xml;
  try {
    xml = await this._api.processDefinitionXML(definition.processDefinitionKey);
  } catch (err) {
    this._status.textContent = `Cannot load version ${definition.version}: ${err.detail || err.message}`;
    return;
  }
  if (!this._fileActions.confirmDiscard()) {
    return;
  }
  this._dialog.close();
  const ok = await this._fileActions.importXML(xml, definition.resourceName);
  if (ok) {
    this._toasts.show({
      key: 'file',
      type: 'info',
      title: `Opened ${definition.processDefinitionId} version ${definition.version}`,
      body: 'Deploy it again to make your changes the next version.'
    });
  }
};
