import OpenDeployed from './OpenDeployed';

export default {
  __init__: [ 'openDeployed' ],
  openDeployed: [ 'type', OpenDeployed ]
};
