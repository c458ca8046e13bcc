import Toasts from './Toasts';

export default {
  __init__: [ 'toasts' ],
  toasts: [ 'type', Toasts ]
};
