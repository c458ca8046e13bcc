import { domify } from 'min-dom';

const DEFAULT_DURATION = 6000;
const MAX_VISIBLE = 4;

/**
 * Toasts shows short messages (toasts) in the corner of the page:
 * what was deployed, which instance started, what went wrong.
 *
 * @param {{ parent?: Element }} [config]
 * @param {import('diagram-js/lib/core/EventBus').default} eventBus
 */
export default function Toasts(config, eventBus) {
  const parent = config && config.parent || document.body;
  this._container = domify('<div class="toasts" role="status" aria-live="polite"></div>');
  parent.appendChild(this._container);

  eventBus.on('diagram.destroy', () => this._container.remove());
}

Toasts.$inject = [ 'config.toasts', 'eventBus' ];

/**
 * Shows a notification.
 *
 * @param {{ type?: 'info'|'success'|'error', title: string, body?: string|Node, duration?: number, key?: string }} options
 *        duration 0 keeps it until closed; a notification with the key of
 *        one still shown replaces it (the latest deploy, the latest open).
 * @return {{ close: () => void, element: Element }}
 */
Toasts.prototype.show = function(options) {
  const { type = 'info', title, body, duration = DEFAULT_DURATION, key } = options;
  if (key) {
    for (const old of this._container.querySelectorAll('.toast')) {
      if (old.dataset.key === key) {
        old.remove();
      }
    }
  }
  const toast = domify(`
    <div class="toast toast-${type}" role="${type === 'error' ? 'alert' : 'status'}">
      <div class="toast-content"><div class="toast-title"></div><div class="toast-body"></div></div>
      <button type="button" class="toast-close" aria-label="Dismiss">×</button>
    </div>`);
  toast.querySelector('.toast-title').textContent = title;
  if (key) {
    toast.dataset.key = key;
  }
  const bodyEl = toast.querySelector('.toast-body');
  if (body instanceof Node) {
    bodyEl.appendChild(body);
  } else if (body) {
    bodyEl.textContent = body;
  } else {
    bodyEl.remove();
  }

  let timer;
  const close = () => {
    clearTimeout(timer);
    toast.remove();
  };
  toast.querySelector('.toast-close').addEventListener('click', close);
  if (duration > 0) {
    timer = setTimeout(close, duration);
    toast.addEventListener('mouseenter', () => clearTimeout(timer));
    toast.addEventListener('mouseleave', () => { timer = setTimeout(close, duration); });
  }
  this._container.appendChild(toast);
  while (this._container.children.length > MAX_VISIBLE) {
    this._container.firstElementChild.remove();
  }
  return { close, element: toast };
};

/**
 * Closes the notification shown with this key, if any.
 */
Toasts.prototype.dismiss = function(key) {
  for (const toast of this._container.querySelectorAll('.toast')) {
    if (toast.dataset.key === key) {
      toast.remove();
    }
  }
};
