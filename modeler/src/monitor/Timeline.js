// Timeline draws every element instance of a process instance as a bar from
// its start to its end (a Gantt chart in the DOM), nested by flow scope, so
// the step that takes the time stands out. Hovering (or focusing) a bar shows
// the element, its times, its state and the job worker that did it.
import { esc, formatDuration, formatTime, formatDate } from './format';

export default class Timeline {

  constructor(container) {
    this.container = container;
    this.tip = document.createElement('div');
    this.tip.className = 'mon-tip';
    this.tip.hidden = true;
    this.tip.setAttribute('role', 'tooltip');
    document.body.appendChild(this.tip);
  }

  /**
   * @param {Object[]} items element instances (the timeline endpoint)
   * @param {Object<string, Object>} jobs the last job per element instance key
   * @param {Object} instance the process instance
   */
  render(items, jobs, instance, called = {}) {
    this.tip.hidden = true;
    const rows = items.filter(i => i.type !== 'PROCESS');
    if (!rows.length) {
      this.container.innerHTML = '<p class="mon-empty">No element instances yet.</p>';
      return;
    }
    const now = Date.now();
    const t0 = Math.min(...rows.map(r => Date.parse(r.startDate)));
    const ends = rows.map(r => r.endDate ? Date.parse(r.endDate) : now);
    if (instance && instance.endDate) {
      ends.push(Date.parse(instance.endDate));
    }
    // at least 100 ms wide, so the axis reads 25, 50, 75, 100 ms for instant runs
    const t1 = Math.max(t0 + 100, ...ends);
    const span = t1 - t0;

    // depth by flow scope (the process instance is depth 0)
    const byKey = new Map(items.map(i => [ i.elementInstanceKey, i ]));
    const depth = (i) => {
      let d = 0;
      let p = byKey.get(i.flowScopeKey);
      while (p && p.type !== 'PROCESS' && d < 20) {
        d++;
        p = byKey.get(p.flowScopeKey);
      }
      return d;
    };

    const ticks = [];
    for (let k = 0; k <= 4; k++) {
      ticks.push(`<span class="mon-tick" style="left:${k * 25}%">${k === 0 ? formatTime(new Date(t0).toISOString()) : '+' + formatDuration(span * k / 4)}</span>`);
    }

    const html = rows.map((r, idx) => {
      const start = Date.parse(r.startDate);
      const end = r.endDate ? Date.parse(r.endDate) : now;
      const left = (start - t0) / span * 100;
      const width = Math.max(0.4, (end - start) / span * 100);
      const label = r.elementName || r.elementId;
      const state = r.hasIncident ? 'incident' : String(r.state).toLowerCase();
      return `<div class="mon-tl-row" data-index="${idx}" data-element-id="${esc(r.elementId)}">
        <div class="mon-tl-label" style="padding-left:${8 + depth(r) * 14}px" title="${esc(r.elementId)}">
          <span class="mon-tl-name">${esc(label)}</span><span class="mon-tl-type">${esc(typeLabel(r.type))}</span>${called[r.elementInstanceKey] ? `<a class="mon-tl-called" href="#/instances/${esc(called[r.elementInstanceKey].processInstanceKey)}" title="The instance it called">called instance →</a>` : ''}
        </div>
        <div class="mon-tl-track">
          <div class="mon-tl-bar mon-tl-${esc(state)}${r.endDate ? '' : ' running'}" tabindex="0"
            style="left:${left}%;width:${Math.min(width, 100 - left)}%" aria-label="${esc(label)}: ${esc(formatDuration(end - start))}"></div>
          <span class="mon-tl-dur" style="left:calc(${Math.min(left + width, 100)}% + 6px)">${esc(formatDuration(end - start))}</span>
        </div>
      </div>`;
    }).join('');

    this.container.innerHTML = `
      <div class="mon-tl">
        <div class="mon-tl-row mon-tl-axis"><div class="mon-tl-label"></div><div class="mon-tl-track">${ticks.join('')}</div></div>
        ${html}
      </div>`;

    const show = (bar) => {
      const r = rows[Number(bar.closest('.mon-tl-row').dataset.index)];
      const job = jobs[r.elementInstanceKey];
      const lines = [
        [ 'Element', `${r.elementName && r.elementName !== r.elementId ? esc(r.elementName) + ' ' : ''}<code>${esc(r.elementId)}</code>` ],
        [ 'Type', esc(typeLabel(r.type)) ],
        [ 'State', esc(r.hasIncident ? 'INCIDENT' : r.state) ],
        [ 'Started', esc(formatDate(r.startDate)) + ` <span class="mon-soft">${esc(formatTime(r.startDate))}</span>` ],
        [ 'Ended', r.endDate ? esc(formatDate(r.endDate)) + ` <span class="mon-soft">${esc(formatTime(r.endDate))}</span>` : 'running' ],
        [ 'Duration', esc(formatDuration((r.endDate ? Date.parse(r.endDate) : Date.now()) - Date.parse(r.startDate))) ]
      ];
      if (job) {
        lines.push([ 'Job', `<code>${esc(job.type)}</code> · ${esc(job.state)}` ]);
        lines.push([ 'Worker', job.worker ? `<span class="mon-tip-worker">${esc(job.worker)}</span>` : '<span class="mon-soft">not taken yet</span>' ]);
      }
      this.tip.innerHTML = `<dl>${lines.map(([ k, v ]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`;
      this.tip.hidden = false;
      const b = bar.getBoundingClientRect();
      const tw = this.tip.offsetWidth;
      const th = this.tip.offsetHeight;
      let x = Math.min(Math.max(8, b.left), window.innerWidth - tw - 8);
      let y = b.top - th - 8;
      if (y < 8) {
        y = b.bottom + 8;
      }
      this.tip.style.left = `${x}px`;
      this.tip.style.top = `${y}px`;
    };
    const hide = () => { this.tip.hidden = true; };
    for (const bar of this.container.querySelectorAll('.mon-tl-bar')) {
      bar.addEventListener('mouseenter', () => show(bar));
      bar.addEventListener('focus', () => show(bar));
      bar.addEventListener('mouseleave', hide);
      bar.addEventListener('blur', hide);
    }
  }

  /** Picks out the rows of one element (null: none); scrolls to the first when asked. */
  select(elementId, scroll = false) {
    let first = null;
    for (const row of this.container.querySelectorAll('.mon-tl-row[data-element-id]')) {
      const on = row.dataset.elementId === elementId;
      row.classList.toggle('selected', on);
      if (on && !first) {
        first = row;
      }
    }
    if (first && scroll) {
      first.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    }
  }

  destroy() {
    this.tip.remove();
  }
}

function typeLabel(type) {
  return String(type || '').toLowerCase().replace(/_/g, ' ');
}
