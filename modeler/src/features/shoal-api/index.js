import ShoalApi from './ShoalApi';

export default {
  shoalApi: [ 'type', ShoalApi ]
};
