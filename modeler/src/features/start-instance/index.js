import StartInstance from './StartInstance';

export default {
  __init__: [ 'startInstance' ],
  startInstance: [ 'type', StartInstance ]
};
