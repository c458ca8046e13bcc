import { domify } from 'min-dom';

const MARKER = 'shoal-problem';
const OVERLAY = 'shoal-problem';

/**
 * ProblemMarkers shows the problems the engine found in a deployed diagram
 * where they are: a red marker on each element the engine names, its message
 * next to it, and a list under the canvas (clicking an entry selects the
 * element). A marker goes away when its element is edited, all of them when
 * another diagram is opened or a deployment succeeds.
 *
 * @param {{ parent?: Element }} [config]
 */
export default function ProblemMarkers(config, eventBus, canvas, elementRegistry, overlays, selection) {
  this._eventBus = eventBus;
  this._canvas = canvas;
  this._elementRegistry = elementRegistry;
  this._overlays = overlays;
  this._selection = selection;

  this._marked = new Map(); // element id -> overlay id

  this._panel = domify(`
    <section class="problems" aria-label="Deployment problems" hidden>
      <header>
        <span class="problems-icon" aria-hidden="true">!</span>
        <strong class="problems-title"></strong>
        <span class="problems-summary"></span>
        <button type="button" class="problems-close" aria-label="Close the problem list">×</button>
      </header>
      <ul class="problems-list"></ul>
    </section>`);
  this._panel.querySelector('.problems-close').addEventListener('click', () => this.clear());
  (config && config.parent || canvas.getContainer().parentNode).appendChild(this._panel);

  eventBus.on('import.done', () => this.clear());

  eventBus.on('elements.changed', (event) => {
    for (const element of event.elements) {
      this._unmark(element.id);
    }
  });

  eventBus.on('diagram.destroy', () => this._panel.remove());
}

ProblemMarkers.$inject = [ 'config.problemMarkers', 'eventBus', 'canvas', 'elementRegistry', 'overlays', 'selection' ];

/**
 * Shows the problems of a failed deployment.
 *
 * @param {import('./parseProblems').Problem[]} problems
 * @param {{ title: string, summary?: string }} info
 */
ProblemMarkers.prototype.show = function(problems, info) {
  this.clear();

  const list = this._panel.querySelector('.problems-list');
  this._panel.querySelector('.problems-title').textContent = info.title;
  this._panel.querySelector('.problems-summary').textContent = info.summary || '';

  for (const problem of problems) {
    const element = this._findElement(problem.elementId);
    if (element) {
      this._mark(element, problem);
    }

    const item = domify(`
      <li class="problem">
        <button type="button" class="problem-link">
          <span class="problem-where"></span>
          <span class="problem-message"></span>
        </button>
      </li>`);
    const where = [];
    if (problem.elementId) {
      where.push(problem.kind ? `${problem.kind} ${problem.elementId}` : problem.elementId);
    } else if (problem.kind) {
      where.push(problem.kind);
    }
    if (problem.line) {
      where.push(`line ${problem.line}:${problem.column}`);
    }
    item.querySelector('.problem-where').textContent = where.join(' · ') || problem.resource || 'diagram';
    item.querySelector('.problem-message').textContent = problem.message;
    const link = item.querySelector('.problem-link');
    if (element) {
      item.dataset.elementId = element.id;
      link.addEventListener('click', () => this.reveal(element.id));
    } else {
      link.disabled = true;
    }
    list.appendChild(item);
  }

  this._panel.hidden = false;
  this._eventBus.fire('shoal.problems.changed', { problems });
};

/**
 * Selects an element and scrolls it into view.
 */
ProblemMarkers.prototype.reveal = function(id) {
  const element = this._elementRegistry.get(id);
  if (!element) {
    return;
  }
  this._selection.select(element);
  if (element.waypoints || element.width !== undefined) {
    this._canvas.scrollToElement(element, { top: 120, bottom: 160, left: 120, right: 120 });
  }
};

ProblemMarkers.prototype.clear = function() {
  for (const id of Array.from(this._marked.keys())) {
    this._unmark(id);
  }
  this._panel.querySelector('.problems-list').innerHTML = '';
  this._panel.hidden = true;
  this._eventBus.fire('shoal.problems.changed', { problems: [] });
};

ProblemMarkers.prototype._mark = function(element, problem) {
  if (this._marked.has(element.id)) {
    // a second problem on the same element: append to its message
    const overlay = this._overlays.get(this._marked.get(element.id));
    if (overlay) {
      const text = overlay.html.querySelector('.shoal-problem-messages');
      text.appendChild(messageItem(problem.message));
    }
    return;
  }
  this._canvas.addMarker(element, MARKER);
  const html = domify(`
    <div class="shoal-problem-overlay" role="alert">
      <span class="shoal-problem-badge" aria-hidden="true">!</span>
      <ul class="shoal-problem-messages"></ul>
    </div>`);
  html.querySelector('.shoal-problem-messages').appendChild(messageItem(problem.message));
  // as wide as the shape (at least readable), so neighbours' messages do not overlap
  html.style.maxWidth = Math.max(element.width || 0, 160) + 'px';
  const position = element.waypoints
    ? { top: -12, left: -12 }
    : { bottom: -8, left: 0 };
  const id = this._overlays.add(element, OVERLAY, { position, html, scale: { min: 0.6, max: 1.2 } });
  this._marked.set(element.id, id);
};

ProblemMarkers.prototype._unmark = function(id) {
  if (!this._marked.has(id)) {
    return;
  }
  this._overlays.remove(this._marked.get(id));
  this._marked.delete(id);
  if (this._elementRegistry.get(id)) {
    this._canvas.removeMarker(id, MARKER);
  }
  const item = this._panel.querySelector(`li[data-element-id="${CSS.escape(id)}"]`);
  if (item) {
    item.classList.add('problem-edited');
  }
};

// The shape or connection a problem names. The engine names a process by its
// id; in a collaboration the participant that holds it is shown instead.
ProblemMarkers.prototype._findElement = function(id) {
  if (!id) {
    return null;
  }
  const root = this._canvas.getRootElement();
  const element = this._elementRegistry.get(id);
  if (element && element !== root && !element.labelTarget) {
    return element;
  }
  return this._elementRegistry.find(e => {
    const bo = e.businessObject;
    return e.type === 'bpmn:Participant' && bo && bo.processRef && bo.processRef.id === id;
  }) || null;
};

function messageItem(message) {
  const li = document.createElement('li');
  li.textContent = message;
  return li;
}
