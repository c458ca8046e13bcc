import { domify } from 'min-dom';

// The page-wide shortcuts: they work wherever the focus is, except while
// typing in a field. The canvas's own (copy, paste, delete, tools, ...) are
// diagram-js's and work when the canvas has the focus.
const SHORTCUTS = [
  { keys: 'Ctrl+S', label: 'Save (download) the diagram', action: 'shoal.save', whileTyping: true, test: e => mod(e) && !e.shiftKey && key(e, 's') },
  { keys: 'Ctrl+O', label: 'Open a .bpmn file', action: 'shoal.open', whileTyping: true, test: e => mod(e) && !e.shiftKey && key(e, 'o') },
  { keys: 'Ctrl+Shift+O', label: 'Open a deployed process', action: 'shoal.openDeployed', whileTyping: true, test: e => mod(e) && e.shiftKey && key(e, 'o') },
  { keys: 'Alt+N', label: 'New diagram', action: 'shoal.new', test: e => e.altKey && !mod(e) && key(e, 'n') },
  { keys: 'Ctrl+Enter', label: 'Deploy', action: 'shoal.deploy', whileTyping: true, test: e => mod(e) && !e.shiftKey && e.key === 'Enter' },
  { keys: 'Ctrl+Shift+Enter', label: 'Start an instance', action: 'shoal.startInstance', whileTyping: true, test: e => mod(e) && e.shiftKey && e.key === 'Enter' },
  { keys: 'Ctrl+Z', label: 'Undo', action: 'undo', test: e => mod(e) && !e.shiftKey && key(e, 'z'), outsideCanvas: true },
  { keys: 'Ctrl+Y, Ctrl+Shift+Z', label: 'Redo', action: 'redo', test: e => mod(e) && (key(e, 'y') || (e.shiftKey && key(e, 'z'))), outsideCanvas: true },
  { keys: 'Ctrl+Shift+F', label: 'Zoom to fit', action: 'shoal.zoomFit', test: e => mod(e) && e.shiftKey && key(e, 'f') },
  { keys: 'M', label: 'Show or hide the minimap', action: 'shoal.toggleMinimap', test: e => !mod(e) && !e.altKey && key(e, 'm') },
  { keys: '?', label: 'This list', action: 'shoal.shortcuts', test: e => e.key === '?' && !mod(e) }
];

// diagram-js's own, listed in the help (they need the canvas focused).
const CANVAS_SHORTCUTS = [
  [ 'Ctrl+A', 'Select all' ], [ 'Delete / Backspace', 'Remove the selection' ],
  [ 'Ctrl+C, Ctrl+V', 'Copy, paste' ], [ 'E', 'Direct editing (label)' ], [ 'A', 'Append (context pad)' ],
  [ 'H / L / S / C', 'Hand, lasso, space, global connect tool' ], [ 'R', 'Replace' ],
  [ 'Ctrl+F', 'Find an element' ], [ 'T', 'Token simulation on / off' ], [ 'Arrows', 'Move the selection / scroll' ],
  [ 'Ctrl+scroll, Ctrl + / −', 'Zoom' ], [ 'Ctrl+0', 'Reset zoom' ]
];

/**
 * AppShortcuts binds the page-wide keyboard shortcuts to editor actions and
 * shows the list of all of them ("?").
 */
export default function AppShortcuts(eventBus, editorActions, canvas, injector) {
  this._editorActions = editorActions;
  this._canvas = canvas;

  const minimap = injector.get('minimap', false);
  if (minimap) {
    editorActions.register('shoal.toggleMinimap', () => minimap.toggle());
  }

  editorActions.register({
    'shoal.zoomFit': () => canvas.zoom('fit-viewport', 'auto'),
    'shoal.shortcuts': () => this.showHelp()
  });

  // capture: the properties panel's fields stop some keys from bubbling
  this._onKeydown = (event) => this._handle(event);
  document.addEventListener('keydown', this._onKeydown, true);

  this._dialog = buildHelp();
  document.body.appendChild(this._dialog);
  this._dialog.querySelector('.dialog-close').addEventListener('click', () => this._dialog.close());

  eventBus.on('diagram.destroy', () => {
    document.removeEventListener('keydown', this._onKeydown, true);
    this._dialog.remove();
  });
}

AppShortcuts.$inject = [ 'eventBus', 'editorActions', 'canvas', 'injector' ];

AppShortcuts.prototype.showHelp = function() {
  if (!this._dialog.open) {
    this._dialog.showModal();
  }
};

AppShortcuts.prototype._handle = function(event) {
  // the monitor is showing: the modeler's shortcuts are off
  if (anyDialogOpen() || document.body.classList.contains('view-monitor')) {
    return;
  }
  const typing = isTyping(event.target);
  const inCanvas = this._canvas.getContainer().contains(event.target);
  for (const shortcut of SHORTCUTS) {
    if (!shortcut.test(event)) {
      continue;
    }
    if (typing && !shortcut.whileTyping) {
      return;
    }
    // diagram-js handles these itself while the canvas has the focus
    if (shortcut.outsideCanvas && inCanvas) {
      return;
    }
    if (this._editorActions.isRegistered(shortcut.action)) {
      event.preventDefault();
      this._editorActions.trigger(shortcut.action);
    }
    return;
  }
};

function buildHelp() {
  const dialog = domify(`
    <dialog class="shoal-dialog shortcuts" aria-labelledby="shortcuts-title">
      <header>
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <button type="button" class="dialog-close" aria-label="Close">×</button>
      </header>
      <div class="dialog-body shortcuts-columns">
        <section><h3>Modeler</h3><dl class="app-keys"></dl></section>
        <section><h3>Canvas (click it first)</h3><dl class="canvas-keys"></dl></section>
      </div>
    </dialog>`);
  const add = (dl, keys, label) => {
    const dt = document.createElement('dt');
    for (const part of keys.split(/(, | \/ )/)) {
      if (part === ', ' || part === ' / ') {
        dt.append(part.trim() === ',' ? ' or ' : ' / ');
      } else {
        const kbd = document.createElement('kbd');
        kbd.textContent = part;
        dt.append(kbd);
      }
    }
    const dd = document.createElement('dd');
    dd.textContent = label;
    dl.append(dt, dd);
  };
  for (const s of SHORTCUTS) {
    add(dialog.querySelector('.app-keys'), s.keys, s.label);
  }
  for (const [ keys, label ] of CANVAS_SHORTCUTS) {
    add(dialog.querySelector('.canvas-keys'), keys, label);
  }
  return dialog;
}

function mod(event) {
  return event.ctrlKey || event.metaKey;
}

function key(event, k) {
  return event.key.toLowerCase() === k;
}

function isTyping(target) {
  if (!target || !target.closest) {
    return false;
  }
  return !!target.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"], .bio-properties-panel');
}

function anyDialogOpen() {
  return !!document.querySelector('dialog[open]');
}
