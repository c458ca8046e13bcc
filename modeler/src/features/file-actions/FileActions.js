import { newDiagramXML } from './newDiagram';

const DRAFT_KEY = 'shoal.modeler.draft';

/**
 * FileActions owns the file being edited: its name, whether it has unsaved
 * changes, and the ways to get a diagram in and out — new, open (file picker
 * and drag and drop), save (download). The current diagram is kept as a
 * draft in localStorage, so a reload does not lose work.
 *
 * Fires `shoal.file.changed` ({ name, dirty }) and `shoal.file.imported`
 * ({ name, warnings, error }).
 */
export default function FileActions(bpmnjs, eventBus, canvas, commandStack, editorActions, notifications) {
  this._bpmnjs = bpmnjs;
  this._eventBus = eventBus;
  this._canvas = canvas;
  this._commandStack = commandStack;
  this._notifications = notifications;

  this._name = 'diagram.bpmn';
  this._dirty = false;
  this._importing = false;

  eventBus.on('commandStack.changed', () => {
    if (!this._importing) {
      this._setDirty(true);
      this._saveDraft();
    }
  });

  editorActions.register({
    'shoal.new': () => this.newDiagram(),
    'shoal.open': () => this.openFilePicker(),
    'shoal.save': () => this.save()
  });

  this._input = document.createElement('input');
  this._input.type = 'file';
  this._input.accept = '.bpmn,.xml,application/xml,text/xml';
  this._input.hidden = true;
  this._input.className = 'shoal-file-input';
  this._input.addEventListener('change', () => {
    const file = this._input.files && this._input.files[0];
    this._input.value = '';
    if (file) {
      this.openFile(file);
    }
  });
  document.body.appendChild(this._input);

  window.addEventListener('beforeunload', (event) => {
    if (this._dirty) {
      this._saveDraft();
    }
  });

  this._bindDrop();

  eventBus.on('diagram.destroy', () => {
    this._input.remove();
    this._dropZone.remove();
  });
}

FileActions.$inject = [ 'bpmnjs', 'eventBus', 'canvas', 'commandStack', 'editorActions', 'toasts' ];

FileActions.prototype.getName = function() {
  return this._name;
};

/**
 * Renames the file; a name without .bpmn gets it.
 */
FileActions.prototype.setName = function(name) {
  name = (name || '').trim().replace(/[\\/]/g, '-');
  if (!name) {
    name = 'diagram.bpmn';
  }
  if (!/\.(bpmn|xml)$/i.test(name)) {
    name += '.bpmn';
  }
  this._name = name;
  this._fire();
  this._saveDraft();
};

FileActions.prototype.isDirty = function() {
  return this._dirty;
};

/**
 * Opens the last draft if there is one, a new diagram otherwise.
 */
FileActions.prototype.restoreOrNew = async function() {
  let draft = null;
  try {
    draft = JSON.parse(localStorage.getItem(DRAFT_KEY) || 'null');
  } catch (err) {
    draft = null;
  }
  if (draft && draft.xml) {
    const ok = await this.importXML(draft.xml, draft.name, { quiet: true });
    if (ok) {
      this._setDirty(!!draft.dirty);
      return;
    }
  }
  await this.newDiagram({ force: true });
};

FileActions.prototype.newDiagram = async function(options = {}) {
  if (!options.force && !this.confirmDiscard()) {
    return false;
  }
  return this.importXML(newDiagramXML(), 'diagram.bpmn', { quiet: true, keepViewport: true });
};

FileActions.prototype.openFilePicker = function() {
  if (!this.confirmDiscard()) {
    return;
  }
  this._input.click();
};

/**
 * Opens a file from disk (picker or drop).
 *
 * @param {File} file
 */
FileActions.prototype.openFile = async function(file) {
  let xml;
  try {
    xml = await file.text();
  } catch (err) {
    this._notifications.show({ type: 'error', title: `Cannot read ${file.name}`, body: err.message });
    return false;
  }
  return this.importXML(xml, file.name);
};

/**
 * Imports XML as the current file. On failure the previous diagram stays.
 *
 * @return {Promise<boolean>} whether it was imported
 */
FileActions.prototype.importXML = async function(xml, name, options = {}) {
  let previous = null;
  if (this._bpmnjs.getDefinitions()) {
    try {
      previous = (await this._bpmnjs.saveXML()).xml;
    } catch (err) {
      previous = null;
    }
  }

  this._importing = true;
  try {
    const { warnings } = await this._bpmnjs.importXML(xml);
    this._name = name || 'diagram.bpmn';
    this._setDirty(false);
    if (!options.keepViewport) {
      this._canvas.zoom('fit-viewport', 'auto');
    }
    this._saveDraft();
    this._notifications.dismiss('file');
    if (warnings.length && !options.quiet) {
      this._notifications.show({
        key: 'file',
        type: 'info',
        title: `Opened ${this._name} with ${warnings.length} warning${warnings.length === 1 ? '' : 's'}`,
        body: warnings.slice(0, 3).map(w => w.message).join('\n')
      });
    }
    this._eventBus.fire('shoal.file.imported', { name: this._name, warnings, error: null });
    return true;
  } catch (err) {
    this._notifications.show({
      key: 'file',
      type: 'error',
      title: `Cannot open ${name || 'the diagram'}`,
      body: err.message,
      duration: 0
    });
    this._eventBus.fire('shoal.file.imported', { name, warnings: err.warnings || [], error: err });
    if (previous) {
      try {
        await this._bpmnjs.importXML(previous);
      } catch (e) {
        // the previous diagram imported before; nothing more to do
      }
    }
    return false;
  } finally {
    this._importing = false;
    this._fire();
  }
};

/**
 * Downloads the diagram as <name>.bpmn.
 */
FileActions.prototype.save = async function() {
  const { xml } = await this._bpmnjs.saveXML({ format: true });
  const url = URL.createObjectURL(new Blob([ xml ], { type: 'application/xml' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = this._name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  this._setDirty(false);
  this._saveDraft();
};

// Drag and drop a .bpmn file anywhere on the page to open it.
FileActions.prototype._bindDrop = function() {
  const zone = this._dropZone = document.createElement('div');
  zone.className = 'drop-zone';
  zone.hidden = true;
  zone.innerHTML = '<div class="drop-zone-box">Drop a .bpmn file to open it</div>';
  document.body.appendChild(zone);

  const hasFiles = (event) => event.dataTransfer && Array.from(event.dataTransfer.types || []).includes('Files');
  let depth = 0;

  window.addEventListener('dragenter', (event) => {
    if (hasFiles(event)) {
      depth++;
      zone.hidden = false;
    }
  });
  window.addEventListener('dragleave', (event) => {
    if (hasFiles(event) && --depth <= 0) {
      depth = 0;
      zone.hidden = true;
    }
  });
  window.addEventListener('dragover', (event) => {
    if (hasFiles(event)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }
  });
  window.addEventListener('drop', (event) => {
    if (!hasFiles(event)) {
      return;
    }
    event.preventDefault();
    depth = 0;
    zone.hidden = true;
    const file = event.dataTransfer.files[0];
    if (file && this.confirmDiscard()) {
      this.openFile(file);
    }
  });
};

/**
 * Asks before throwing away unsaved changes.
 *
 * @return {boolean} whether to go on
 */
FileActions.prototype.confirmDiscard = function() {
  return !this._dirty || window.confirm(`Discard the unsaved changes to ${this._name}?`);
};

FileActions.prototype._setDirty = function(dirty) {
  if (this._dirty !== dirty) {
    this._dirty = dirty;
    this._fire();
  }
};

FileActions.prototype._fire = function() {
  this._eventBus.fire('shoal.file.changed', { name: this._name, dirty: this._dirty });
};

FileActions.prototype._saveDraft = async function() {
  if (!this._bpmnjs.getDefinitions()) {
    return;
  }
  try {
    const { xml } = await this._bpmnjs.saveXML();
    localStorage.setItem(DRAFT_KEY, JSON.stringify({ name: this._name, xml, dirty: this._dirty }));
  } catch (err) {
    // storage full or unavailable: the draft is a convenience only
  }
};
