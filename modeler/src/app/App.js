// The page around the canvas: the toolbar, the file name, the connection to
// the engine. Everything it does goes through the modeler's services and
// editor actions; the features themselves are modules of the modeler.
import ShoalModeler from '../modeler/Modeler';
import lintConfig from '../modeler/lintConfig';
import Monitor from '../monitor/Monitor';

const TOPOLOGY_INTERVAL = 10000;

export default class App {

  /**
   * @param {HTMLElement} root the page's #app element
   */
  constructor(root) {
    this.root = root;
    this.modeler = new ShoalModeler({
      container: root.querySelector('#canvas'),
      propertiesPanel: { parent: root.querySelector('#properties') },
      minimap: { open: false },
      linting: { active: true, bpmnlint: lintConfig() },
      problemMarkers: { parent: root.querySelector('#problems-host') },
      keyboard: { bind: true }
    });
  }

  async start() {
    const modeler = this.modeler;
    const eventBus = modeler.get('eventBus');
    const editorActions = modeler.get('editorActions');
    const commandStack = modeler.get('commandStack');
    const fileActions = modeler.get('fileActions');

    // toolbar buttons trigger editor actions
    const actions = {
      'new': 'shoal.new',
      'open': 'shoal.open',
      'open-deployed': 'shoal.openDeployed',
      'save': 'shoal.save',
      'undo': 'undo',
      'redo': 'redo',
      'zoom-fit': 'shoal.zoomFit',
      'minimap': 'shoal.toggleMinimap',
      'shortcuts': 'shoal.shortcuts',
      'deploy': 'shoal.deploy',
      'start-instance': 'shoal.startInstance'
    };
    for (const button of this.root.querySelectorAll('.toolbar [data-action]')) {
      const action = actions[button.dataset.action];
      button.addEventListener('click', () => editorActions.trigger(action));
    }

    const undo = this.root.querySelector('[data-action="undo"]');
    const redo = this.root.querySelector('[data-action="redo"]');
    const updateUndo = () => {
      undo.disabled = !commandStack.canUndo();
      redo.disabled = !commandStack.canRedo();
    };
    eventBus.on([ 'commandStack.changed', 'import.done' ], updateUndo);

    // the file name: shown, editable, and the page title
    const nameInput = this.root.querySelector('#file-name-input');
    const dirtyMark = this.root.querySelector('#dirty-mark');
    eventBus.on('shoal.file.changed', ({ name, dirty }) => {
      if (document.activeElement !== nameInput) {
        nameInput.value = name;
      }
      dirtyMark.hidden = !dirty;
      this._modelerTitle = `${dirty ? '● ' : ''}${name} · Shoal Modeler`;
      if (!document.body.classList.contains('view-monitor')) {
        document.title = this._modelerTitle;
      }
    });
    const commitName = () => fileActions.setName(nameInput.value);
    nameInput.addEventListener('change', commitName);
    nameInput.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        commitName();
        nameInput.blur();
      } else if (event.key === 'Escape') {
        nameInput.value = fileActions.getName();
        nameInput.blur();
      }
    });

    // deploying: the button says so
    const deployButton = this.root.querySelector('[data-action="deploy"]');
    eventBus.on('shoal.deploy.start', () => deployButton.classList.add('busy'));
    eventBus.on([ 'shoal.deployed', 'shoal.deploy.failed' ], () => deployButton.classList.remove('busy'));

    // what the last open did (for the browser tests and the console)
    eventBus.on('shoal.file.imported', ({ name, warnings, error }) => {
      this.lastImport = { name, warnings: warnings.map(w => w.message), error: error ? error.message : null };
    });

    this._watchConnection();

    await fileActions.restoreOrNew();
    updateUndo();

    // the views: the modeler (#/) and the monitor (#/processes, #/instances)
    this.monitor = new Monitor(this.root.querySelector('#monitor'), modeler.get('shoalApi'), modeler.get('toasts'));
    window.addEventListener('hashchange', () => this._route());
    await this._route();
  }

  /**
   * Shows what the URL's hash names: '' or '#/' the modeler; '#/processes',
   * '#/processes/<key>', '#/instances?<filters>', '#/instances/<key>' the monitor.
   */
  async _route() {
    const route = parseRoute(location.hash);
    for (const dialog of document.querySelectorAll('dialog[open]')) {
      dialog.close();
    }
    for (const tab of this.root.querySelectorAll('.views [data-view]')) {
      const current = tab.dataset.view === route.view;
      tab.classList.toggle('active', current);
      if (current) {
        tab.setAttribute('aria-current', 'page');
      } else {
        tab.removeAttribute('aria-current');
      }
    }
    const monitorEl = this.root.querySelector('#monitor');
    if (route.view === 'modeler') {
      this.monitor.leave();
      monitorEl.hidden = true;
      monitorEl.innerHTML = '';
      document.body.classList.remove('view-monitor');
      document.title = this._modelerTitle || 'Shoal Modeler';
      this.modeler.get('canvas').resized();
      this.route = route;
      return;
    }
    document.body.classList.add('view-monitor');
    monitorEl.hidden = false;
    this.route = route;
    await this.monitor.show(route);
  }

  // Shows whether the engine answers, and its size, in the toolbar.
  _watchConnection() {
    const api = this.modeler.get('shoalApi');
    const el = this.root.querySelector('#connection');
    const text = el.querySelector('.text');
    const check = async () => {
      try {
        const t = await api.topology();
        const brokers = (t.brokers || []).length;
        const partitions = t.partitionsCount || 0;
        const healthy = (t.brokers || []).every(b => (b.partitions || []).every(p => p.health === 'healthy'));
        el.className = `connection ${healthy ? 'ok' : 'warn'}`;
        // Short, so the toolbar keeps to one row on a laptop; the version is in the tooltip.
        text.textContent = `${brokers} broker${brokers === 1 ? '' : 's'} · ${partitions} partition${partitions === 1 ? '' : 's'}`;
        el.title = `Shoal ${t.gatewayVersion || ''}: ` + (healthy ? 'connected to the engine' : 'connected, but some partitions are not healthy');
      } catch (err) {
        el.className = 'connection down';
        text.textContent = 'Engine unreachable';
        el.title = err.message;
      }
    };
    check();
    setInterval(check, TOPOLOGY_INTERVAL);
  }
}

export function parseRoute(hash) {
  const h = String(hash || '').replace(/^#\/?/, '');
  const [ path, query = '' ] = h.split('?');
  const [ view, key ] = path.split('/').filter(Boolean);
  if (view === 'processes' || view === 'instances') {
    return { view, key: key ? decodeURIComponent(key) : null, query };
  }
  return { view: 'modeler', key: null, query: '' };
}
