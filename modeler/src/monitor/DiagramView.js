// DiagramView shows a deployed process read-only (bpmn-js NavigatedViewer:
// pan and zoom) with the monitor's markers and count badges on the elements.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import zeebeModdle from 'zeebe-bpmn-moddle/resources/zeebe.json';

import { esc } from './format';

const MARKERS = [ 'mon-active', 'mon-completed', 'mon-incident', 'mon-canceled', 'mon-taken' ];

export default class DiagramView {

  constructor(container) {
    this.viewer = new NavigatedViewer({
      container,
      moddleExtensions: { zeebe: zeebeModdle }
    });
    this._marked = new Map();
    this._xmlKey = null;
  }

  /** Imports the XML once per definition key; fits it into the view. */
  async show(key, xml) {
    if (this._xmlKey === key) {
      return;
    }
    this._xmlKey = key;
    this._marked.clear();
    await this.viewer.importXML(xml);
    this.fit();
    // once more when the page has its final layout
    requestAnimationFrame(() => this.fit());
  }

  /**
   * Marks the elements and puts badges on them.
   *
   * @param {Object<string, {active, completed, canceled, incidents}>} stats by element id
   * @param {{ path?: boolean, badges: string[] }} options which counts to show;
   *   path: highlight what was done (elements and the flows between them)
   */
  mark(stats, { path = false, badges = [ 'active', 'incidents' ] } = {}) {
    const canvas = this.viewer.get('canvas');
    const overlays = this.viewer.get('overlays');
    const registry = this.viewer.get('elementRegistry');

    for (const [ id, markers ] of this._marked) {
      for (const m of markers) {
        canvas.removeMarker(id, m);
      }
    }
    this._marked.clear();
    overlays.remove({ type: 'mon-badges' });

    const add = (id, marker) => {
      if (!registry.get(id)) {
        return;
      }
      canvas.addMarker(id, marker);
      if (!this._marked.has(id)) {
        this._marked.set(id, []);
      }
      this._marked.get(id).push(marker);
    };

    const visited = (id) => {
      const s = stats[id];
      return s && (s.active + s.completed + s.canceled + s.incidents) > 0;
    };

    for (const [ id, s ] of Object.entries(stats)) {
      const el = registry.get(id);
      if (!el || el.type === 'bpmn:Process') {
        continue;
      }
      if (s.incidents > 0) {
        add(id, 'mon-incident');
      } else if (s.active > 0) {
        add(id, 'mon-active');
      } else if (path && s.completed > 0) {
        add(id, 'mon-completed');
      } else if (path && s.canceled > 0) {
        add(id, 'mon-canceled');
      }
      const parts = [];
      for (const kind of badges) {
        if (s[kind] > 0) {
          parts.push(`<span class="mon-badge mon-badge-${kind}" title="${esc(kind)}: ${s[kind]}" data-kind="${kind}">${badgeIcon(kind)}${s[kind]}</span>`);
        }
      }
      if (parts.length && el.width) {
        overlays.add(id, 'mon-badges', {
          position: { top: -12, left: -8 },
          html: `<div class="mon-badges" data-element-id="${esc(id)}">${parts.join('')}</div>`
        });
      }
    }

    // the flows taken: both ends were reached
    if (path) {
      registry.filter(e => e.type === 'bpmn:SequenceFlow').forEach(flow => {
        if (flow.source && flow.target && visited(flow.source.id) && visited(flow.target.id)) {
          add(flow.id, 'mon-taken');
        }
      });
    }
  }

  /** Calls fn(elementId) when an element is clicked. */
  onClick(fn) {
    this.viewer.get('eventBus').on('element.click', (e) => fn(e.element.id, e.element));
  }

  /** The element's name in the diagram ('' when it has none). */
  nameOf(id) {
    const el = this.viewer.get('elementRegistry').get(id);
    return el && el.businessObject && el.businessObject.name || '';
  }

  fit() {
    if (this._destroyed) {
      return;
    }
    const canvas = this.viewer.get('canvas');
    canvas.resized();
    canvas.zoom('fit-viewport', 'auto');
  }

  destroy() {
    this._destroyed = true;
    this.viewer.destroy();
  }
}

export { MARKERS };

function badgeIcon(kind) {
  switch (kind) {
  case 'active': return '<span class="mon-badge-dot"></span>';
  case 'incidents': return '<span class="mon-badge-bang">!</span>';
  case 'completed': return '<span class="mon-badge-check">✓</span>';
  case 'canceled': return '<span class="mon-badge-x">×</span>';
  default: return '';
  }
}
