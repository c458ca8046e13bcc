// The page around the canvas: the toolbar, the file name, the connection to
// the engine. Everything it does goes through the modeler's services and
// editor actions; the features themselves are modules of the modeler.
import ShoalModeler from '../modeler/Modeler';
import lintConfig from '../modeler/lintConfig';

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
      document.title = `${dirty ? '● ' : ''}${name} · Shoal Modeler`;
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
        text.textContent = `Shoal ${t.gatewayVersion || ''} · ${brokers} broker${brokers === 1 ? '' : 's'} · ${partitions} partition${partitions === 1 ? '' : 's'}`;
        el.title = healthy ? 'Connected to the engine' : 'Connected, but some partitions are not healthy';
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
