import AppShortcuts from './AppShortcuts';

export default {
  __init__: [ 'appShortcuts' ],
  appShortcuts: [ 'type', AppShortcuts ]
};
