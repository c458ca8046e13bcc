import DeployAction from './DeployAction';

export default {
  __init__: [ 'deployAction' ],
  deployAction: [ 'type', DeployAction ]
};
