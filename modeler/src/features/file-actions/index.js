import FileActions from './FileActions';

export default {
  __init__: [ 'fileActions' ],
  fileActions: [ 'type', FileActions ]
};
