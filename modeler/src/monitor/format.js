// Formatting for the monitor: dates, durations, states, HTML escaping.

const pad = (n, w = 2) => String(n).padStart(w, '0');

/** A date as local "YYYY-MM-DD HH:MM:SS" (empty for none). */
export function formatDate(iso) {
  if (!iso) {
    return '';
  }
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A time of day with milliseconds, for the timeline. */
export function formatTime(iso) {
  if (!iso) {
    return '';
  }
  const d = new Date(iso);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** A duration in ms, short: "850 ms", "3.2 s", "4 min 5 s", "2 h 3 min", "3 d 4 h". */
export function formatDuration(ms) {
  if (ms == null || isNaN(ms)) {
    return '';
  }
  ms = Math.max(0, Math.round(ms));
  if (ms < 1000) {
    return `${ms} ms`;
  }
  const s = ms / 1000;
  if (s < 60) {
    return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  }
  const m = Math.floor(s / 60);
  if (m < 60) {
    return `${m} min ${Math.floor(s % 60)} s`;
  }
  const h = Math.floor(m / 60);
  if (h < 24) {
    return `${h} h ${m % 60} min`;
  }
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** From start to end (or now, while running). */
export function durationOf(start, end) {
  if (!start) {
    return null;
  }
  return (end ? Date.parse(end) : Date.now()) - Date.parse(start);
}

const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&#39;' };

/** Text made safe for HTML. */
export function esc(v) {
  return String(v == null ? '' : v).replace(/[&<>"']/g, c => ESC[c]);
}

const STATE_LABELS = {
  ACTIVE: 'Active', COMPLETED: 'Completed', TERMINATED: 'Canceled', CANCELED: 'Canceled', RESOLVED: 'Resolved'
};

/** A state badge (with an incident mark when the instance has one). */
export function stateBadge(state, hasIncident) {
  if (hasIncident && state === 'ACTIVE') {
    return '<span class="mon-state mon-state-incident" data-state="INCIDENT">Incident</span>';
  }
  return `<span class="mon-state mon-state-${esc(String(state).toLowerCase())}" data-state="${esc(state)}">${esc(STATE_LABELS[state] || state)}</span>`;
}

/** "n thing" / "n things". */
export function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A value of datetime-local input as RFC 3339 (UTC), or ''. */
export function localInputToISO(v) {
  if (!v) {
    return '';
  }
  const d = new Date(v);
  return isNaN(d) ? '' : d.toISOString();
}

/** An RFC 3339 date as a datetime-local input value (local time). */
export function isoToLocalInput(iso) {
  if (!iso) {
    return '';
  }
  const d = new Date(iso);
  if (isNaN(d)) {
    return '';
  }
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
