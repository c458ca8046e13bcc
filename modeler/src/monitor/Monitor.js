// The monitor: process definitions with their instance counts and per-element
// statistics, a filterable list of instances, and one instance with its
// diagram (tokens, the path taken, incidents), incidents to retry, variables
// to edit, and its timeline. Everything comes from the read model's search
// API; the definition and instance views follow the read model's
// server-sent-event feeds, the lists refresh on their own.
//
// Routes (the hash names what is shown, so a link can be shared):
//   #/processes             every process, latest version first
//   #/processes/<key>       one process definition (version)
//   #/instances?<filters>   instances: state, process, version, from, to, key, incident, page
//   #/instances/<key>       one process instance
import DiagramView from './DiagramView';
import Timeline from './Timeline';
import {
  esc, formatDate, formatDuration, durationOf, stateBadge, plural, localInputToISO, isoToLocalInput
} from './format';

const PAGE_SIZE = 25;
const LIST_REFRESH = 3000;
const FEED_DEBOUNCE = 150;

export default class Monitor {

  /**
   * @param {HTMLElement} root the monitor's section of the page
   * @param {Object} api ShoalApi
   * @param {Object} toasts the toast service
   */
  constructor(root, api, toasts) {
    this.root = root;
    this.api = api;
    this.toasts = toasts;
    this._cleanups = [];
    this._xml = new Map();
    this._seq = 0;
  }

  /** Shows the view the route names ({ view, key, query }). */
  async show(route) {
    this.leave();
    const seq = ++this._seq;
    this._alive = () => seq === this._seq;
    this.root.innerHTML = '';
    try {
      if (route.view === 'processes' && route.key) {
        await this._definitionView(route.key);
      } else if (route.view === 'processes') {
        await this._processesView();
      } else if (route.view === 'instances' && route.key) {
        await this._instanceView(route.key);
      } else {
        await this._instancesView(route.query);
      }
    } catch (err) {
      if (this._alive()) {
        this._fail(err);
      }
    }
  }

  /** Stops the current view's feeds, timers and diagram. */
  leave() {
    this._seq++;
    for (const fn of this._cleanups.splice(0)) {
      try {
        fn();
      } catch (err) {
        // already gone
      }
    }
  }

  _fail(err) {
    const notFound = err && err.status === 404;
    this.root.innerHTML = `<div class="mon-page"><div class="mon-error" role="alert">
      <h2>${notFound ? 'Not found' : 'Something went wrong'}</h2>
      <p>${esc(err && (err.detail || err.message) || String(err))}</p>
      <p><a href="#/processes">Processes</a> · <a href="#/instances">Instances</a></p></div></div>`;
    document.title = `${notFound ? 'Not found' : 'Error'} · Shoal`;
  }

  // Runs fn now and every `ms` while the view is shown (lists: no feed covers them).
  _every(ms, fn) {
    const timer = setInterval(() => {
      if (!document.hidden) {
        fn();
      }
    }, ms);
    this._cleanups.push(() => clearInterval(timer));
  }

  // Follows a feed; calls fn (debounced, never twice at once, so an older
  // answer cannot overwrite a newer one) after changes and after reconnects.
  _follow(path, load) {
    let timer = null;
    let running = null;
    let again = false;
    const fn = async () => {
      if (running) {
        again = true;
        return;
      }
      running = (async () => {
        do {
          again = false;
          await load();
        } while (again && this._alive());
      })();
      try {
        await running;
      } finally {
        running = null;
      }
    };
    const source = new EventSource(path);
    const kick = () => {
      clearTimeout(timer);
      timer = setTimeout(fn, FEED_DEBOUNCE);
    };
    for (const name of [ 'processInstance', 'elementInstance', 'variable', 'incident', 'job' ]) {
      source.addEventListener(name, kick);
    }
    // subscribed (first comment) or reconnected after a lag: query again
    source.addEventListener('open', kick);
    source.addEventListener('lagged', kick);
    this.root.dataset.live = 'connecting';
    source.addEventListener('open', () => { this.root.dataset.live = 'live'; this._liveMark(true); });
    source.addEventListener('error', () => { this.root.dataset.live = 'reconnecting'; this._liveMark(false); });
    this._cleanups.push(() => {
      clearTimeout(timer);
      source.close();
      delete this.root.dataset.live;
    });
    return fn(); // the first load, at once
  }

  _liveMark(on) {
    const el = this.root.querySelector('.mon-live');
    if (el) {
      el.classList.toggle('on', on);
      el.querySelector('.mon-live-text').textContent = on ? 'Live' : 'Reconnecting…';
    }
  }

  async _xmlOf(key) {
    if (!this._xml.has(key)) {
      this._xml.set(key, await this.api.processDefinitionXML(key));
    }
    return this._xml.get(key);
  }

  _diagram(container) {
    const view = new DiagramView(container);
    this._cleanups.push(() => view.destroy());
    return view;
  }

  async _count(filter) {
    const r = await this.api.search('process-instances', { filter, page: { limit: 1 } });
    return r.page ? r.page.totalItems : (r.items || []).length;
  }

  async _counts(filter) {
    const [ active, incidents, completed, canceled ] = await Promise.all([
      this._count({ ...filter, state: 'ACTIVE' }),
      this._count({ ...filter, state: 'ACTIVE', hasIncident: true }),
      this._count({ ...filter, state: 'COMPLETED' }),
      this._count({ ...filter, state: 'TERMINATED' })
    ]);
    return { active, incidents, completed, canceled };
  }

  // ---------------------------------------------------------------- processes

  async _processesView() {
    document.title = 'Processes · Shoal';
    this.root.innerHTML = `
      <div class="mon-page">
        <div class="mon-head">
          <div><h1>Processes</h1><p class="mon-sub">Every deployed process, its versions and its instances.</p></div>
          <div class="spacer"></div>
          <span class="mon-live on" title="Refreshed every few seconds"><span class="dot"></span><span class="mon-live-text">Auto-refresh</span></span>
        </div>
        <div class="mon-card"><table class="mon-table mon-processes">
          <thead><tr><th>Process</th><th>Versions</th><th class="num">Active</th><th class="num">Incidents</th><th class="num">Completed</th><th class="num">Canceled</th><th></th></tr></thead>
          <tbody><tr><td colspan="7" class="mon-empty">Loading…</td></tr></tbody>
        </table></div>
      </div>`;
    const tbody = this.root.querySelector('tbody');
    let last = '';
    const load = async () => {
      const defs = await this.api.processDefinitions();
      const byId = new Map();
      for (const d of defs) {
        if (!byId.has(d.processDefinitionId)) {
          byId.set(d.processDefinitionId, []);
        }
        byId.get(d.processDefinitionId).push(d);
      }
      const groups = [ ...byId.values() ].map(vs => vs.sort((a, b) => b.version - a.version));
      const counts = await Promise.all(groups.map(vs => this._counts({ processDefinitionId: vs[0].processDefinitionId })));
      if (!this._alive()) {
        return;
      }
      const html = groups.length ? groups.map((vs, i) => {
        const latest = vs[0];
        const c = counts[i];
        const id = latest.processDefinitionId;
        const list = (extra) => `#/instances?process=${encodeURIComponent(id)}${extra}`;
        return `<tr data-process-id="${esc(id)}">
          <td><a class="mon-process-link" href="#/processes/${esc(latest.processDefinitionKey)}">${esc(latest.name || id)}</a>
            ${latest.name ? `<div class="mon-soft mon-mono">${esc(id)}</div>` : ''}
            <div class="mon-soft">${esc(latest.resourceName)}</div></td>
          <td><div class="mon-versions">${vs.map(v => `<a class="mon-chip${v === latest ? ' latest' : ''}" href="#/processes/${esc(v.processDefinitionKey)}" data-version="${v.version}" title="Version ${v.version} · key ${esc(v.processDefinitionKey)}">v${v.version}</a>`).join('')}</div></td>
          <td class="num"><a class="mon-count mon-count-active" data-count="active" href="${list('&state=ACTIVE')}">${c.active}</a></td>
          <td class="num"><a class="mon-count mon-count-incidents${c.incidents ? ' some' : ''}" data-count="incidents" href="${list('&incident=1')}">${c.incidents}</a></td>
          <td class="num"><a class="mon-count" data-count="completed" href="${list('&state=COMPLETED')}">${c.completed}</a></td>
          <td class="num"><a class="mon-count" data-count="canceled" href="${list('&state=TERMINATED')}">${c.canceled}</a></td>
          <td class="num"><a class="mon-link" href="${list('')}">Instances →</a></td>
        </tr>`;
      }).join('') : '<tr><td colspan="7" class="mon-empty">Nothing deployed yet. Draw a process in the <a href="#/">modeler</a> and deploy it.</td></tr>';
      if (html !== last) {
        tbody.innerHTML = html;
        last = html;
      }
    };
    await load();
    this._every(LIST_REFRESH, () => load().catch(() => {}));
  }

  // ---------------------------------------------------------- one definition

  async _definitionView(key) {
    const def = await this.api.get(`/v2/process-definitions/${encodeURIComponent(key)}`);
    const versions = (await this.api.searchAll('process-definitions', { processDefinitionId: def.processDefinitionId },
      [ { field: 'version', order: 'DESC' } ]));
    if (!this._alive()) {
      return;
    }
    const title = def.name || def.processDefinitionId;
    document.title = `${title} v${def.version} · Processes · Shoal`;
    this.root.innerHTML = `
      <div class="mon-page mon-page-full">
        <div class="mon-head">
          <div>
            <nav class="mon-crumbs"><a href="#/processes">Processes</a> /</nav>
            <h1>${esc(title)} <span class="mon-version">version ${def.version}</span></h1>
            <p class="mon-sub"><span class="mon-mono">${esc(def.processDefinitionId)}</span> · key <span class="mon-mono">${esc(def.processDefinitionKey)}</span> · ${esc(def.resourceName)}</p>
          </div>
          <div class="spacer"></div>
          <label class="mon-field">Version
            <select class="mon-version-select" aria-label="Version">${versions.map(v => `<option value="${esc(v.processDefinitionKey)}"${v.processDefinitionKey === def.processDefinitionKey ? ' selected' : ''}>v${v.version}</option>`).join('')}</select>
          </label>
          <a class="mon-button" href="#/instances?process=${encodeURIComponent(def.processDefinitionId)}&version=${def.version}">Instances of v${def.version}</a>
          <span class="mon-live"><span class="dot"></span><span class="mon-live-text">Connecting…</span></span>
        </div>
        <div class="mon-stats" role="status"></div>
        <div class="mon-diagram-card">
          <div class="mon-diagram" aria-label="Diagram with statistics per element"></div>
          <div class="mon-legend">
            <span><span class="mon-badge mon-badge-active"><span class="mon-badge-dot"></span>n</span> active</span>
            <span><span class="mon-badge mon-badge-incidents"><span class="mon-badge-bang">!</span>n</span> incidents</span>
            <span><span class="mon-badge mon-badge-completed"><span class="mon-badge-check">✓</span>n</span> completed</span>
            <span><span class="mon-badge mon-badge-canceled"><span class="mon-badge-x">×</span>n</span> canceled</span>
          </div>
        </div>
        <h2 class="mon-h2">Latest instances of this version</h2>
        <div class="mon-card"><table class="mon-table mon-instances"><tbody></tbody></table></div>
      </div>`;
    this.root.querySelector('.mon-version-select').addEventListener('change', (e) => {
      location.hash = `#/processes/${e.target.value}`;
    });
    const view = this._diagram(this.root.querySelector('.mon-diagram'));
    await view.show(key, await this._xmlOf(key));
    if (!this._alive()) {
      return;
    }
    const statsEl = this.root.querySelector('.mon-stats');
    const tbody = this.root.querySelector('.mon-instances tbody');
    const load = async () => {
      const [ stats, counts, recent ] = await Promise.all([
        this.api.send('POST', `/v2/process-definitions/${encodeURIComponent(key)}/statistics/element-instances`, {}),
        this._counts({ processDefinitionKey: key }),
        this.api.search('process-instances', { filter: { processDefinitionKey: key }, sort: [ { field: 'startDate', order: 'DESC' } ], page: { limit: 10 } })
      ]);
      if (!this._alive()) {
        return;
      }
      const byId = {};
      for (const s of stats.items || []) {
        byId[s.elementId] = s;
      }
      view.mark(byId, { badges: [ 'active', 'incidents', 'completed', 'canceled' ] });
      const q = `#/instances?process=${encodeURIComponent(def.processDefinitionId)}&version=${def.version}`;
      statsEl.innerHTML = `
        <a class="mon-stat" href="${q}&state=ACTIVE" data-count="active"><b>${counts.active}</b> active</a>
        <a class="mon-stat${counts.incidents ? ' bad' : ''}" href="${q}&incident=1" data-count="incidents"><b>${counts.incidents}</b> with incidents</a>
        <a class="mon-stat" href="${q}&state=COMPLETED" data-count="completed"><b>${counts.completed}</b> completed</a>
        <a class="mon-stat" href="${q}&state=TERMINATED" data-count="canceled"><b>${counts.canceled}</b> canceled</a>`;
      tbody.innerHTML = instanceRows(recent.items || [], false) ||
        '<tr><td class="mon-empty">No instances yet.</td></tr>';
      if (!fitted) {
        fitted = true;
        view.fit();
      }
    };
    let fitted = false;
    await this._follow(`/v2/process-definitions/${encodeURIComponent(key)}/feed`, () => load().catch(err => this._warn(err)));
  }

  _warn(err) {
    if (this._alive()) {
      this.toasts.show({ type: 'error', title: 'Could not refresh', body: err.detail || err.message, key: 'monitor-refresh' });
    }
  }

  // ---------------------------------------------------------------- instances

  async _instancesView(query) {
    const q = Object.fromEntries(new URLSearchParams(query || ''));
    const page = Math.max(1, parseInt(q.page, 10) || 1);
    const defs = await this.api.processDefinitions();
    if (!this._alive()) {
      return;
    }
    const ids = [ ...new Set(defs.map(d => d.processDefinitionId)) ].sort();
    const versions = defs.filter(d => d.processDefinitionId === q.process).map(d => d.version).sort((a, b) => b - a);
    const what = q.process ? `${q.process}${q.version ? ' v' + q.version : ''}` : 'all processes';
    document.title = `Instances · ${what} · Shoal`;

    const option = (v, label, sel) => `<option value="${esc(v)}"${String(sel || '') === String(v) ? ' selected' : ''}>${esc(label)}</option>`;
    this.root.innerHTML = `
      <div class="mon-page">
        <div class="mon-head">
          <div><h1>Instances</h1><p class="mon-sub mon-total">&nbsp;</p></div>
          <div class="spacer"></div>
          <span class="mon-live on" title="Refreshed every few seconds"><span class="dot"></span><span class="mon-live-text">Auto-refresh</span></span>
        </div>
        <form class="mon-filters" aria-label="Filter instances">
          <label class="mon-field">State
            <select name="state">${option('', 'Any')}${option('ACTIVE', 'Active', q.state)}${option('COMPLETED', 'Completed', q.state)}${option('TERMINATED', 'Canceled', q.state)}</select>
          </label>
          <label class="mon-field">Process
            <select name="process">${option('', 'Any')}${ids.map(id => option(id, id, q.process)).join('')}</select>
          </label>
          <label class="mon-field">Version
            <select name="version"${q.process ? '' : ' disabled'}>${option('', 'Any')}${versions.map(v => option(v, 'v' + v, q.version)).join('')}</select>
          </label>
          <label class="mon-field">Started from
            <input type="datetime-local" name="from" value="${esc(isoToLocalInput(q.from))}">
          </label>
          <label class="mon-field">to
            <input type="datetime-local" name="to" value="${esc(isoToLocalInput(q.to))}">
          </label>
          <label class="mon-field">Instance key
            <input name="key" inputmode="numeric" placeholder="e.g. 2251799813685249" value="${esc(q.key || '')}" size="20">
          </label>
          <label class="mon-field">Variable
            <input name="var" class="mon-mono" placeholder="name" value="${esc(q.var || '')}" size="10" aria-label="Variable name">
          </label>
          <label class="mon-field">equals
            <input name="value" class="mon-mono" placeholder="value" title='JSON (e.g. "A-7", 42, true) or plain text' value="${esc(q.value || '')}" size="14" aria-label="Variable value">
          </label>
          <label class="mon-check"><input type="checkbox" name="incident" value="1"${q.incident ? ' checked' : ''}> Has incident</label>
          <button type="submit" class="mon-button primary mon-apply">Apply</button>
          <button type="button" class="mon-button mon-reset">Reset</button>
        </form>
        <div class="mon-card"><table class="mon-table mon-instances">
          <thead><tr><th>Instance</th><th>Process</th><th>Version</th><th>State</th><th>Started</th><th>Ended</th><th class="num">Duration</th></tr></thead>
          <tbody><tr><td colspan="7" class="mon-empty">Loading…</td></tr></tbody>
        </table></div>
        <nav class="mon-pager" aria-label="Pages">
          <button type="button" class="mon-button mon-prev">← Newer</button>
          <span class="mon-page-info"></span>
          <button type="button" class="mon-button mon-next">Older →</button>
        </nav>
      </div>`;

    const form = this.root.querySelector('form');
    const go = (changes) => {
      const next = { ...q, ...changes };
      const params = new URLSearchParams();
      for (const [ k, v ] of Object.entries(next)) {
        if (v !== '' && v != null && !(k === 'page' && Number(v) === 1)) {
          params.set(k, v);
        }
      }
      const s = params.toString();
      location.hash = `#/instances${s ? '?' + s : ''}`;
    };
    const fromForm = () => {
      const f = new FormData(form);
      const process = f.get('process') || '';
      return {
        state: f.get('state') || '',
        process,
        version: process === (q.process || '') ? (f.get('version') || '') : '',
        from: localInputToISO(f.get('from')),
        to: localInputToISO(f.get('to')),
        key: String(f.get('key') || '').trim(),
        var: String(f.get('var') || '').trim(),
        value: String(f.get('value') || '').trim(),
        incident: f.get('incident') ? '1' : '',
        page: 1
      };
    };
    form.addEventListener('change', (e) => {
      if (![ 'key', 'var', 'value' ].includes(e.target.name)) {
        go(fromForm());
      }
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      go(fromForm());
    });
    for (const input of form.querySelectorAll('input[name="key"], input[name="var"], input[name="value"]')) {
      input.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          go(fromForm());
        }
      });
    }
    this.root.querySelector('.mon-reset').addEventListener('click', () => { location.hash = '#/instances'; });
    this.root.querySelector('.mon-prev').addEventListener('click', () => go({ page: page - 1 }));
    this.root.querySelector('.mon-next').addEventListener('click', () => go({ page: page + 1 }));

    const filter = {};
    if (q.state) {
      filter.state = q.state;
    }
    if (q.process) {
      filter.processDefinitionId = q.process;
    }
    if (q.version) {
      filter.processDefinitionVersion = Number(q.version);
    }
    if (q.from || q.to) {
      filter.startDate = {};
      if (q.from) {
        filter.startDate.$gte = q.from;
      }
      if (q.to) {
        filter.startDate.$lte = q.to;
      }
    }
    if (q.key) {
      filter.processInstanceKey = q.key;
    }
    if (q.incident) {
      filter.hasIncident = true;
    }

    const tbody = this.root.querySelector('tbody');
    const total = this.root.querySelector('.mon-total');
    const info = this.root.querySelector('.mon-page-info');
    let last = '';
    const load = async () => {
      let r;
      let byVariable = null;
      if (q.var) {
        // the instances that have the variable (with that value): by the variables' search
        const vfilter = { name: q.var };
        if (q.value) {
          vfilter.value = jsonText(q.value);
        }
        const vars = await this.api.search('variables', { filter: vfilter, page: { limit: 1000 } });
        byVariable = [ ...new Set((vars.items || []).map(v => v.processInstanceKey)) ];
      }
      if ((q.key && !/^\d+$/.test(q.key)) || (byVariable && !byVariable.length) ||
        (byVariable && q.key && !byVariable.includes(q.key))) {
        r = { items: [], page: { totalItems: 0 } };
      } else {
        r = await this.api.search('process-instances', {
          filter: byVariable ? { ...filter, processInstanceKey: q.key ? q.key : { $in: byVariable } } : filter,
          sort: [ { field: 'startDate', order: 'DESC' } ],
          page: { from: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE }
        });
      }
      if (!this._alive()) {
        return;
      }
      const items = r.items || [];
      const n = r.page ? r.page.totalItems : items.length;
      const first = (page - 1) * PAGE_SIZE;
      total.textContent = `${plural(n, 'instance')}${Object.keys(filter).length || q.var ? (n === 1 ? ' matches' : ' match') + ' the filter' : ''} · ${what}`;
      info.textContent = n ? `${first + (items.length ? 1 : 0)}–${first + items.length} of ${n}` : '';
      this.root.querySelector('.mon-prev').disabled = page <= 1;
      this.root.querySelector('.mon-next').disabled = first + items.length >= n;
      const html = instanceRows(items, true) || '<tr><td colspan="7" class="mon-empty">No instances match.</td></tr>';
      if (html !== last) {
        tbody.innerHTML = html;
        last = html;
      }
    };
    await load();
    this._every(LIST_REFRESH, () => load().catch(() => {}));
  }

  // ------------------------------------------------------------ one instance

  async _instanceView(key) {
    // a just-started instance reaches the read model a moment later: wait a little for it
    let instance;
    for (let attempt = 0; ; attempt++) {
      try {
        instance = await this.api.get(`/v2/process-instances/${encodeURIComponent(key)}`);
        break;
      } catch (err) {
        if (err.status !== 404 || attempt >= 20 || !this._alive()) {
          throw err;
        }
        if (attempt === 0) {
          this.root.innerHTML = '<div class="mon-page"><p class="mon-empty">Waiting for the instance…</p></div>';
        }
        await new Promise(resolve => setTimeout(resolve, 150));
      }
    }
    if (!this._alive()) {
      return;
    }
    const title = instance.processDefinitionName || instance.processDefinitionId;
    document.title = `Instance ${key} · ${title} · Shoal`;
    this.root.innerHTML = `
      <div class="mon-page mon-page-full mon-instance" data-instance-key="${esc(key)}">
        <div class="mon-head">
          <div>
            <nav class="mon-crumbs"><a href="#/instances">Instances</a> / <a href="#/instances?process=${encodeURIComponent(instance.processDefinitionId)}">${esc(instance.processDefinitionId)}</a> /</nav>
            <h1>Instance <span class="mon-mono mon-key">${esc(key)}</span> <span class="mon-instance-state"></span></h1>
            <p class="mon-sub mon-instance-meta"></p>
          </div>
          <div class="spacer"></div>
          <button type="button" class="mon-button danger mon-cancel">Cancel instance</button>
          <span class="mon-live"><span class="dot"></span><span class="mon-live-text">Connecting…</span></span>
        </div>
        <div class="mon-split">
          <div class="mon-diagram-card"><div class="mon-diagram" aria-label="Diagram of the instance"></div>
            <div class="mon-legend">
              <span><span class="mon-swatch active"></span> active (token)</span>
              <span><span class="mon-swatch completed"></span> completed path</span>
              <span><span class="mon-swatch incident"></span> incident</span>
            </div>
          </div>
          <aside class="mon-side">
            <section class="mon-incidents" aria-label="Incidents"></section>
            <section class="mon-variables" aria-label="Variables"></section>
          </aside>
        </div>
        <section class="mon-card mon-timeline-card">
          <header class="mon-card-head"><h2>Timeline</h2><span class="mon-soft">every element instance, start to end · hover a bar for details</span></header>
          <div class="mon-timeline"></div>
        </section>
      </div>`;

    const root = this.root;
    const view = this._diagram(root.querySelector('.mon-diagram'));
    const timeline = new Timeline(root.querySelector('.mon-timeline'));
    this._cleanups.push(() => timeline.destroy());
    await view.show(instance.processDefinitionKey, await this._xmlOf(instance.processDefinitionKey));
    if (!this._alive()) {
      return;
    }

    root.querySelector('.mon-cancel').addEventListener('click', async (e) => {
      if (!confirm(`Cancel instance ${key}? Its active elements are terminated.`)) {
        return;
      }
      e.target.disabled = true;
      try {
        await this.api.send('POST', `/v2/process-instances/${encodeURIComponent(key)}/cancellation`, {});
        this.toasts.show({ type: 'success', title: 'Instance canceled', body: `Instance ${key} is being canceled.`, key: 'monitor-action', duration: 3000 });
      } catch (err) {
        e.target.disabled = false;
        this.toasts.show({ type: 'error', title: 'Cancel failed', body: err.detail || err.message, key: 'monitor-action', duration: 3000 });
      }
    });

    const state = { editing: null };
    const load = async () => {
      const base = `/v2/process-instances/${encodeURIComponent(key)}`;
      const [ inst, stats, tl, incidents, variables, jobs, children ] = await Promise.all([
        this.api.get(base),
        this.api.get(`${base}/statistics/element-instances`),
        this.api.get(`${base}/timeline`),
        this.api.searchAll('incidents', { processInstanceKey: key, state: 'ACTIVE' }),
        this.api.searchAll('variables', { processInstanceKey: key }, [ { field: 'name' } ]),
        this.api.searchAll('jobs', { processInstanceKey: key }),
        this.api.searchAll('process-instances', { parentProcessInstanceKey: key })
      ]);
      if (!this._alive()) {
        return;
      }
      instance = inst;
      // names from the diagram where the read model has none
      const items = (tl.items || []).map(i => ({ ...i, elementName: view.nameOf(i.elementId) || i.elementName }));
      const byId = {};
      for (const s of stats.items || []) {
        byId[s.elementId] = s;
      }
      view.mark(byId, { path: true, badges: [ 'active', 'incidents' ] });

      root.querySelector('.mon-instance-state').innerHTML = stateBadge(inst.state, inst.hasIncident);
      root.querySelector('.mon-instance-meta').innerHTML = `
        <a href="#/processes/${esc(inst.processDefinitionKey)}">${esc(title)} v${inst.processDefinitionVersion}</a>
        · started ${esc(formatDate(inst.startDate))}
        ${inst.endDate ? ` · ended ${esc(formatDate(inst.endDate))}` : ''}
        · ${inst.endDate ? 'took' : 'running for'} <span class="mon-instance-duration">${esc(formatDuration(durationOf(inst.startDate, inst.endDate)))}</span>
        ${inst.parentProcessInstanceKey ? ` · called by <a href="#/instances/${esc(inst.parentProcessInstanceKey)}">${esc(inst.parentProcessInstanceKey)}</a>` : ''}`;
      root.querySelector('.mon-cancel').hidden = inst.state !== 'ACTIVE';

      const jobByElement = {};
      for (const j of jobs) {
        const prev = jobByElement[j.elementInstanceKey];
        if (!prev || String(j.jobKey).length > String(prev.jobKey).length || String(j.jobKey) > String(prev.jobKey)) {
          jobByElement[j.elementInstanceKey] = j;
        }
      }
      this._renderIncidents(root.querySelector('.mon-incidents'), incidents, items, jobs);
      this._renderVariables(root.querySelector('.mon-variables'), variables, items, inst, state);
      // called instances, by the call activity's element instance
      const called = {};
      for (const c of children) {
        called[c.parentElementInstanceKey] = c;
      }
      timeline.render(items, jobByElement, inst, called);
      timeline.select(selected);
      last = { items, jobByElement, inst, called };
      if (!fitted) {
        fitted = true;
        view.fit();
      }
    };
    let last = null;
    let fitted = false;
    // a click on an element picks out its rows in the timeline
    let selected = null;
    view.onClick((id, element) => {
      selected = element.type === 'bpmn:Process' || selected === id ? null : id;
      timeline.select(selected, true);
    });
    // while it runs, the running bars and the duration grow (not while a tooltip is shown)
    this._every(1000, () => {
      if (last && last.inst.state === 'ACTIVE' && timeline.tip.hidden) {
        root.querySelector('.mon-instance-duration').textContent = formatDuration(durationOf(last.inst.startDate));
        timeline.render(last.items, last.jobByElement, last.inst, last.called);
        timeline.select(selected);
      }
    });
    await this._follow(`/v2/process-instances/${encodeURIComponent(key)}/feed`, () => load().catch(err => this._warn(err)));
  }

  _renderIncidents(el, incidents, items, jobs) {
    if (!incidents.length) {
      el.innerHTML = '<header class="mon-card-head"><h2>Incidents</h2></header><p class="mon-empty mon-ok">No open incidents.</p>';
      return;
    }
    const nameOf = (id) => {
      const i = items.find(x => x.elementId === id);
      return i && i.elementName ? i.elementName : id;
    };
    el.innerHTML = `<header class="mon-card-head"><h2>Incidents <span class="mon-pill bad">${incidents.length}</span></h2></header>
      <ul class="mon-incident-list">${incidents.map(inc => {
    const job = jobs.find(j => j.jobKey === inc.jobKey);
    return `<li class="mon-incident-item" data-incident-key="${esc(inc.incidentKey)}">
          <div class="mon-incident-head"><b>${esc(nameOf(inc.elementId))}</b> <span class="mon-soft mon-mono">${esc(inc.errorType)}</span></div>
          <pre class="mon-incident-message">${esc(inc.errorMessage || '(no message)')}</pre>
          <div class="mon-incident-foot"><span class="mon-soft">${esc(formatDate(inc.creationTime))}${job ? ` · job <code>${esc(job.type)}</code>, ${job.retries} ${job.retries === 1 ? 'retry' : 'retries'} left` : ''}</span>
            <button type="button" class="mon-button primary mon-retry">Retry</button></div>
        </li>`;
  }).join('')}</ul>`;
    for (const button of el.querySelectorAll('.mon-retry')) {
      button.addEventListener('click', async () => {
        const li = button.closest(".mon-incident-item");
        const inc = incidents.find(i => i.incidentKey === li.dataset.incidentKey);
        button.disabled = true;
        button.textContent = 'Retrying…';
        try {
          if (inc.jobKey) {
            await this.api.send('PATCH', `/v2/jobs/${encodeURIComponent(inc.jobKey)}`, { changeset: { retries: 1 } });
          }
          await this.api.send('POST', `/v2/incidents/${encodeURIComponent(inc.incidentKey)}/resolution`, {});
          this.toasts.show({ type: 'success', title: 'Incident resolved', body: inc.jobKey ? 'The job has one retry again.' : 'The element is tried again.', key: 'monitor-action', duration: 3000 });
        } catch (err) {
          button.disabled = false;
          button.textContent = 'Retry';
          this.toasts.show({ type: 'error', title: 'Retry failed', body: err.detail || err.message, key: 'monitor-action', duration: 3000 });
        }
      });
    }
  }

  _renderVariables(el, variables, items, inst, state) {
    // while a value is being edited, keep the form as it is
    if (state.editing && el.contains(document.activeElement)) {
      return;
    }
    state.editing = null;
    const key = inst.processInstanceKey;
    const scopes = new Map([ [ key, [] ] ]);
    for (const v of variables) {
      if (!scopes.has(v.scopeKey)) {
        scopes.set(v.scopeKey, []);
      }
      scopes.get(v.scopeKey).push(v);
    }
    const byKey = new Map(items.map(i => [ i.elementInstanceKey, i ]));
    // variables can be set on the instance and on its scopes that still run
    const open = (scope) => inst.state === 'ACTIVE' &&
      (scope === key || (byKey.get(scope) && byKey.get(scope).state === 'ACTIVE'));
    const scopeName = (k) => {
      if (k === key) {
        return 'Process instance';
      }
      const i = byKey.get(k);
      return i ? (i.elementName || i.elementId) : `Scope ${k}`;
    };
    el.innerHTML = `<header class="mon-card-head"><h2>Variables</h2><span class="mon-soft">${plural(variables.length, 'variable')}</span></header>
      ${[ ...scopes.entries() ].map(([ scope, vars ]) => `
        <div class="mon-scope" data-scope-key="${esc(scope)}">
          <h3>${esc(scopeName(scope))} <span class="mon-soft mon-mono">${esc(scope)}</span></h3>
          ${vars.length ? `<table class="mon-vars"><tbody>${vars.map(v => `
            <tr data-name="${esc(v.name)}"><th class="mon-mono">${esc(v.name)}</th>
              <td class="mon-var-value"><code>${esc(v.value)}</code>${v.isTruncated ? ' <span class="mon-soft">(truncated)</span>' : ''}</td>
              <td class="mon-var-actions">${open(scope) && !v.isTruncated ? '<button type="button" class="mon-icon-button mon-edit" title="Edit the value" aria-label="Edit ' + esc(v.name) + '">✎</button>' : ''}</td></tr>`).join('')}
          </tbody></table>` : '<p class="mon-empty">No variables.</p>'}
          ${open(scope) ? '<button type="button" class="mon-link-button mon-add">+ Add variable</button>' : ''}
        </div>`).join('')}`;

    const openEditor = (scopeEl, row, name, value) => {
      state.editing = true;
      const form = document.createElement('form');
      form.className = 'mon-var-form';
      form.innerHTML = `
        ${name == null ? '<input name="name" class="mon-mono" placeholder="name" aria-label="Variable name" required>' : ''}
        <textarea name="value" class="mon-mono" rows="2" aria-label="Value (JSON)" spellcheck="false"></textarea>
        <div class="mon-var-error" role="alert"></div>
        <div class="mon-var-buttons"><button type="button" class="mon-button mon-var-cancel">Cancel</button><button type="submit" class="mon-button primary">Save</button></div>`;
      form.querySelector('textarea').value = value == null ? '' : value;
      if (row) {
        row.querySelector('.mon-var-value').replaceChildren(form);
      } else {
        scopeEl.appendChild(form);
      }
      const textarea = form.querySelector('textarea');
      const error = form.querySelector('.mon-var-error');
      (form.querySelector('[name="name"]') || textarea).focus();
      const check = () => {
        try {
          JSON.parse(textarea.value);
          error.textContent = '';
          textarea.classList.remove('invalid');
          return true;
        } catch (err) {
          error.textContent = 'Not JSON: a string needs quotes, e.g. "text"';
          textarea.classList.add('invalid');
          return false;
        }
      };
      textarea.addEventListener('input', check);
      const close = () => {
        state.editing = null;
        document.activeElement && document.activeElement.blur();
        this._renderVariables(el, variables, items, inst, state);
      };
      form.querySelector('.mon-var-cancel').addEventListener('click', close);
      form.addEventListener('keydown', (e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          close();
        } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          form.requestSubmit();
        }
      });
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        const varName = name != null ? name : form.querySelector('[name="name"]').value.trim();
        if (!varName || !check()) {
          return;
        }
        try {
          await this.api.send('PUT', `/v2/element-instances/${encodeURIComponent(scopeEl.dataset.scopeKey)}/variables`,
            { variables: { [varName]: JSON.parse(textarea.value) }, local: true });
          state.editing = null;
          this.toasts.show({ type: 'success', title: 'Variable set', body: `${varName} = ${textarea.value}`, key: 'monitor-action', duration: 3000 });
          form.querySelector('[type="submit"]').disabled = true;
          form.querySelector('[type="submit"]').textContent = 'Saved';
          document.activeElement && document.activeElement.blur();
        } catch (err) {
          error.textContent = err.detail || err.message;
        }
      });
    };

    for (const button of el.querySelectorAll('.mon-edit')) {
      button.addEventListener('click', () => {
        const row = button.closest('tr');
        const scopeEl = button.closest('.mon-scope');
        const v = variables.find(x => x.scopeKey === scopeEl.dataset.scopeKey && x.name === row.dataset.name);
        openEditor(scopeEl, row, v.name, v.value);
      });
    }
    for (const button of el.querySelectorAll('.mon-add')) {
      button.addEventListener('click', () => {
        button.hidden = true;
        openEditor(button.closest('.mon-scope'), null, null, '');
      });
    }
  }
}

// A variable value as the read model holds it (JSON text): what was typed
// when it is JSON, else the text as a JSON string.
function jsonText(v) {
  try {
    return JSON.stringify(JSON.parse(v));
  } catch (err) {
    return JSON.stringify(v);
  }
}

function instanceRows(items, full) {
  return items.map(i => `<tr data-instance-key="${esc(i.processInstanceKey)}">
    <td><a class="mon-mono mon-instance-link" href="#/instances/${esc(i.processInstanceKey)}">${esc(i.processInstanceKey)}</a></td>
    ${full ? `<td><a href="#/processes/${esc(i.processDefinitionKey)}">${esc(i.processDefinitionName || i.processDefinitionId)}</a></td><td>v${i.processDefinitionVersion}</td>` : ''}
    <td>${stateBadge(i.state, i.hasIncident)}</td>
    <td>${esc(formatDate(i.startDate))}</td>
    <td>${esc(formatDate(i.endDate))}</td>
    <td class="num">${esc(formatDuration(durationOf(i.startDate, i.endDate)))}</td>
  </tr>`).join('');
}
