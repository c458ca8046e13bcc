// The web app's entry point: styles, then the modeler in the page.
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import 'diagram-js-minimap/assets/diagram-js-minimap.css';
import 'bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css';
import 'bpmn-js-token-simulation/assets/css/bpmn-js-token-simulation.css';
import './styles/app.css';
import './styles/monitor.css';

import App from './app/App';

const app = new App(document.getElementById('app'));

// For debugging from the console and for the browser tests.
window.shoal = { app, modeler: app.modeler };

app.start().catch((err) => {
  console.error('modeler: start failed', err);
});
