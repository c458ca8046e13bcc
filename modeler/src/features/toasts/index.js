import Notifications from './Notifications';

export default {
  __init__: [ 'notifications' ],
  notifications: [ 'type', Notifications ]
};
